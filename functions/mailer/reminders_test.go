package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/mailq"
	"github.com/hoithi/hoithi/shared/reminder"
	"github.com/hoithi/hoithi/shared/testenv"
)

func TestARemindersSendingCountsInItsRunOnce(t *testing.T) {
	e := newOutboxEnv(t)
	ctx := context.Background()
	round := contest.Round{ContestID: "demo", ID: "2026-w49", Title: "Tuần 1", OpensAt: e.now.Add(-time.Hour), ClosesAt: e.now.Add(time.Hour)}
	// GIVEN a run whose job queued two reminders
	run := reminder.Run{Contest: "demo", Round: round.ID, Slot: "reminder-last-day", ID: "0123456789abcdef", StartedAt: e.now, Units: 1, Headcount: 2}
	if err := e.store.StartReminderRun(ctx, run, nil); err != nil {
		t.Fatal(err)
	}
	var queued []reminder.Queued
	for i, to := range []string{"a.nguyen@demo.hue.gov.vn", "b.tran@demo.hue.gov.vn"} {
		id, _ := mailq.NewID()
		queued = append(queued, reminder.Queued{Claim: to, Mail: mailq.Request{ID: id, Contest: "demo", Kind: mailq.KindReminder, To: to,
			Subject: "Nhắc nhở", Text: fmt.Sprintf("Nhắc nhở %d", i), EnqueuedAt: e.now.Add(time.Duration(i) * time.Millisecond), ExpiresAt: round.ClosesAt, Run: run.Ref()}})
	}
	if q, s, err := e.store.QueueReminders(ctx, round, run.Slot, queued); err != nil || q != 2 || s != 0 {
		t.Fatalf("queued %d, skipped %d, %v", q, s, err)
	}
	out, err := e.db.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(e.table), KeyConditionExpression: aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: dynamo.OutboxPK("demo", mailq.KindReminder)}}})
	if err != nil {
		t.Fatal(err)
	}
	var recs []any
	for i, it := range out.Items {
		recs = append(recs, record("INSERT", fmt.Sprint(200+i), it))
	}
	// WHEN the stream hands them to the mailer twice (a retried batch)
	for range 2 {
		if resp := e.handle(t, e.box, e.now, recs...); len(resp.BatchItemFailures) != 0 {
			t.Fatalf("failures %v", resp.BatchItemFailures)
		}
	}
	t.Run("each is sent once", func(t *testing.T) {
		if got := len(testenv.Outbox(t, e.box.Dir)); got != 2 {
			t.Errorf("%d e-mails, want 2", got)
		}
	})
	t.Run("the run's progress counts both sent, once each", func(t *testing.T) {
		runs, err := e.store.ReminderRuns(ctx, "demo", round.ID, run.Slot)
		if err != nil || len(runs) != 1 || runs[0].Sent != 2 {
			t.Errorf("runs %+v, %v; want one with 2 sent", runs, err)
		}
	})
}
