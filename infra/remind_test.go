package main

import (
	"strings"
	"testing"

	"github.com/hoithi/hoithi/shared/platform"
)

func TestReminderJobsReachTheRemindFunctionFromTheStream(t *testing.T) {
	s := synth(t).configured
	fnID, _ := s.function(t, "remind")
	var p map[string]any
	for _, m := range s.resources("AWS::Lambda::EventSourceMapping") {
		if jsonOf(props(m)["FunctionName"]) == jsonOf(map[string]any{"Ref": fnID}) {
			p = props(m)
		}
	}
	if p == nil {
		t.Fatal("no event source mapping for remind")
	}
	want := platform.RemindJobStream
	filter := jsonOf(p["FilterCriteria"])
	for _, c := range []struct {
		name string
		ok   bool
	}{
		{"only inserts of reminder jobs invoke it (the job sort keys in the claims partitions)",
			strings.Contains(filter, `\"SK\":{\"S\":[{\"prefix\":\"`+platform.RemindJobPrefix+`\"}]}`) &&
				strings.Contains(filter, `\"PK\":{\"S\":[{\"prefix\":\"`+want.KeyPrefix+`\"}]}`) && strings.Contains(filter, `\"eventName\":[\"INSERT\"]`)},
		{"its batches have the platform's size, failed ones halved", p["BatchSize"] == float64(want.BatchSize) && p["BisectBatchOnFunctionError"] == want.Bisect},
		{"retries are bounded", p["MaximumRetryAttempts"] == float64(want.MaxRetries) && p["MaximumRecordAgeInSeconds"] == want.MaxRecordAge.Seconds()},
		{"it reports partial batch failures", jsonOf(p["FunctionResponseTypes"]) == `["ReportBatchItemFailures"]`},
		{"a job given up goes to its dead-letter queue", strings.Contains(jsonOf(p["DestinationConfig"]), "RemindDeadLetters")},
	} {
		t.Run(c.name, func(t *testing.T) {
			if !c.ok {
				t.Errorf("mapping %s", jsonOf(p))
			}
		})
	}
	t.Run("remind queues e-mails and sends none itself", func(t *testing.T) {
		if got := s.actionsOf(t, "remind"); len(got["ses:SendEmail"]) > 0 {
			t.Error("remind may still send through SES")
		}
	})
	t.Run("an alarm watches the jobs' dead-letter queue", func(t *testing.T) {
		dlq, _ := s.byPath(t, "RemindDeadLetters/Resource")
		found := false
		for _, a := range s.resources("AWS::CloudWatch::Alarm") {
			if strings.Contains(jsonOf(props(a)["Dimensions"]), dlq) {
				found = true
			}
		}
		if !found {
			t.Error("no alarm on the remind dead-letter queue")
		}
	})
}
