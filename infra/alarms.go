package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	"github.com/aws/jsii-runtime-go"

	"github.com/hoithi/hoithi/shared/platform"
)

// The metric of codes refused by the contest's sign-in budget.
const (
	signinMetricNamespace = "HoiThi"
	signinBudgetMetric    = "SigninBudgetReached"
)

// alarmPeriod is the window every alarm looks at.
var alarmPeriod = awscdk.Duration_Minutes(jsii.Number(5))

// newAlarmTopic is where alarms go; alarmEmail, if any, is subscribed (the
// address must confirm the subscription once).
func newAlarmTopic(stack awscdk.Stack, alarmEmail string) awssns.Topic {
	t := awssns.NewTopic(stack, jsii.String("Alarms"), &awssns.TopicProps{
		DisplayName: jsii.String("HoiThi alarms"),
		EnforceSSL:  jsii.Bool(true),
	})
	if alarmEmail != "" {
		t.AddSubscription(awssnssubscriptions.NewEmailSubscription(jsii.String(alarmEmail), nil))
	}
	return t
}

// alarms watch what participants would feel: a function failing or crashing,
// a function refused for lack of concurrency (its reserved cap reached),
// sign-in codes refused by the contest's e-mail budget, and DynamoDB
// throttling a request.
func (h *HoiThi) alarms() {
	action := awscloudwatchactions.NewSnsAction(h.AlarmTopic)
	alarm := func(id, desc string, m awscloudwatch.IMetric, threshold float64) {
		a := awscloudwatch.NewAlarm(h.Stack, jsii.String(id), &awscloudwatch.AlarmProps{
			AlarmDescription:   jsii.String(desc),
			Metric:             m,
			Threshold:          jsii.Number(threshold),
			EvaluationPeriods:  jsii.Number(1),
			ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
			TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
		})
		a.AddAlarmAction(action)
		a.AddOkAction(action)
	}
	sum := &awscloudwatch.MetricOptions{Period: alarmPeriod, Statistic: jsii.String("Sum")}
	for _, f := range platform.Functions {
		fn, id := h.Functions[f.Name], constructID(f.Name)
		alarm(id+"Errors", f.Name+": invocations failed (crash, timeout, init error)", fn.MetricErrors(sum), 1)
		alarm(id+"Throttles", f.Name+": invocations throttled (reserved concurrency reached)", fn.MetricThrottles(sum), 1)
		if f.HasURL {
			// Handler errors are HTTP 500s on the function URL, not Lambda errors.
			alarm(id+"Url5xx", f.Name+": function URL answered 5xx", fn.Metric(jsii.String("Url5xxCount"), sum), 5)
		}
	}
	// Sign-in e-mails refused by the contest's budget (shared/signin): many
	// clients asking at once, an attack or a peak beyond the budget; the SES
	// rate itself stays free for reminders. The auth function's JSON log line
	// (Lambda's format: "message") becomes a metric.
	budget := h.Functions["auth"].LogGroup().AddMetricFilter(jsii.String("SigninBudgetReached"), &awslogs.MetricFilterOptions{
		FilterPattern: awslogs.FilterPattern_All(
			awslogs.FilterPattern_StringValue(jsii.String("$.message"), jsii.String("="), jsii.String(platform.LogSigninBudget)),
			awslogs.FilterPattern_StringValue(jsii.String("$.limit"), jsii.String("="), jsii.String("contest"))),
		MetricNamespace: jsii.String(signinMetricNamespace),
		MetricName:      jsii.String(signinBudgetMetric),
		MetricValue:     jsii.String("1"),
	})
	alarm("SigninBudgetReached", "auth: the contest's sign-in e-mail budget refused codes (many clients at once: abuse, or a peak to raise codesPerSecond and the SES quota for)",
		budget.Metric(sum), 1)
	// The outbox: e-mails given up (the dead-letter queue) and e-mails
	// waiting (the mapping's iterator age is the queue's delay).
	for name, dlq := range h.DeadLetters {
		id := mappingID(name)
		alarm(id+"DeadLetterMessages", name+": stream records given up after retries (the dead-letter queue names them; their outbox items stay queued in the table)",
			dlq.MetricApproximateNumberOfMessagesVisible(&awscloudwatch.MetricOptions{Period: alarmPeriod, Statistic: jsii.String("Maximum")}), 1)
		if fn := h.MappingFunction[name]; fn == name {
			// the iterator age is the function's, whichever of its mappings
			alarm(id+"QueueDelay", name+": e-mails wait in the outbox more than 10 minutes (the SES rate is too low for the peak)",
				h.Functions[fn].Metric(jsii.String("IteratorAge"), &awscloudwatch.MetricOptions{Period: alarmPeriod, Statistic: jsii.String("Maximum")}),
				float64(10*60*1000))
		}
	}
	alarm("TableThrottles", "DynamoDB throttled requests on the table",
		h.Table.MetricThrottledRequestsForOperations(&awsdynamodb.OperationsMetricOptions{
			Period: alarmPeriod,
			Operations: &[]awsdynamodb.Operation{
				awsdynamodb.Operation_GET_ITEM, awsdynamodb.Operation_PUT_ITEM, awsdynamodb.Operation_UPDATE_ITEM,
				awsdynamodb.Operation_DELETE_ITEM, awsdynamodb.Operation_QUERY, awsdynamodb.Operation_BATCH_WRITE_ITEM,
			},
		}), 1)
}
