package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/mail"
	"github.com/hoithi/hoithi/shared/mailq"
	"github.com/hoithi/hoithi/shared/signin"
	"github.com/hoithi/hoithi/shared/testenv"
)

// The mailer's rules against the local DynamoDB server: real outbox items,
// made into stream records as the event source mapping delivers them.

type outboxEnv struct {
	db    *dynamodb.Client
	table string
	store *dynamo.Store
	now   time.Time
	box   mail.Outbox
}

func newOutboxEnv(t *testing.T) *outboxEnv {
	db, table := testenv.Table(t)
	return &outboxEnv{db: db, table: table, store: dynamo.New(db, table, nil), now: testenv.Now(), box: mail.Outbox{Dir: t.TempDir()}}
}

// queue asks for a code for each address, as the auth function does, and
// returns the outbox's stream records (INSERT, NEW_IMAGE), in order.
func (e *outboxEnv) queue(t *testing.T, emails ...string) []map[string]any {
	t.Helper()
	ctx := context.Background()
	for i, to := range emails {
		at := e.now.Add(time.Duration(i) * time.Millisecond)
		st, _ := signin.Issue(nil, "hash", at)
		id, _ := mailq.NewID()
		code := fmt.Sprintf("%06d", i)
		r := mailq.Request{ID: id, Contest: "demo", Kind: mailq.KindCode, To: to, Subject: "Mã đăng nhập: " + code,
			Text: "Mã của bạn là " + code, Code: code, EnqueuedAt: at, ExpiresAt: st.ExpiresAt}
		if err := e.store.PutCodeAndMail(ctx, "demo", to, nil, st, at, r); err != nil {
			t.Fatal(err)
		}
	}
	out, err := e.db.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(e.table), KeyConditionExpression: aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: dynamo.OutboxPK("demo", mailq.KindCode)}}})
	if err != nil {
		t.Fatal(err)
	}
	recs := make([]map[string]any, len(out.Items))
	for i, it := range out.Items {
		recs[i] = record("INSERT", fmt.Sprint(100+i), it)
	}
	return recs
}

func record(event, seq string, item map[string]types.AttributeValue) map[string]any {
	return map[string]any{"eventID": seq, "eventName": event, "eventSource": "aws:dynamodb", "eventVersion": "1.1", "awsRegion": "ap-southeast-1",
		"dynamodb": map[string]any{"Keys": map[string]any{"PK": ddbJSON(item["PK"]), "SK": ddbJSON(item["SK"])},
			"NewImage": image(item), "SequenceNumber": seq, "StreamViewType": "NEW_IMAGE"}}
}

func image(item map[string]types.AttributeValue) map[string]any {
	m := map[string]any{}
	for k, v := range item {
		m[k] = ddbJSON(v)
	}
	return m
}

func ddbJSON(v types.AttributeValue) map[string]any {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return map[string]any{"S": v.Value}
	case *types.AttributeValueMemberN:
		return map[string]any{"N": v.Value}
	case *types.AttributeValueMemberB:
		return map[string]any{"B": base64.StdEncoding.EncodeToString(v.Value)}
	}
	return map[string]any{"NULL": true}
}

func (e *outboxEnv) handle(t *testing.T, s mail.Sender, at time.Time, recs ...any) events.DynamoDBEventResponse {
	t.Helper()
	raw, _ := json.Marshal(map[string]any{"Records": recs})
	tick := 0 // a clock that moves, so that the outbox's files sort in sending order
	clock := func() time.Time { tick++; return at.Add(time.Duration(tick) * time.Microsecond) }
	h := NewHandler(e.store, s, 1000, clock, testenv.Logger())
	out, err := h.HandleEvent(context.Background(), raw)
	if err != nil {
		t.Fatalf("HandleEvent: %v", err)
	}
	return out.(events.DynamoDBEventResponse)
}

func anys(recs []map[string]any) []any {
	out := make([]any, len(recs))
	for i, r := range recs {
		out[i] = r
	}
	return out
}

func TestARetriedBatchSendsEachEmailOnce(t *testing.T) {
	e := newOutboxEnv(t)
	recs := e.queue(t, "a.nguyen@demo.hue.gov.vn", "b.tran@demo.hue.gov.vn", "c.le@demo.hue.gov.vn")
	for run := 1; run <= 3; run++ {
		if resp := e.handle(t, e.box, e.now, anys(recs)...); len(resp.BatchItemFailures) != 0 {
			t.Fatalf("run %d: failures %v", run, resp.BatchItemFailures)
		}
	}
	msgs := testenv.Outbox(t, e.box.Dir)
	if len(msgs) != 3 {
		t.Fatalf("%d e-mails after three deliveries of three records, want 3", len(msgs))
	}
	for i, want := range []string{"a.nguyen", "b.tran", "c.le"} {
		if !strings.HasPrefix(msgs[i].To, want) || msgs[i].Code == "" {
			t.Errorf("e-mail %d to %s (code %q), want %s… in order, with its code", i, msgs[i].To, msgs[i].Code, want)
		}
	}
}

// refusing is SES refusing mail to one address for now.
type refusing struct {
	mail.Outbox
	to string
}

func (r refusing) Send(ctx context.Context, m mail.Message) error {
	if m.To == r.to {
		return fmt.Errorf("ses send: %w: Throttling", mail.ErrRefused)
	}
	return r.Outbox.Send(ctx, m)
}

// unknown is SES whose answer never came.
type unknown struct{}

func (unknown) Send(context.Context, mail.Message) error {
	return fmt.Errorf("ses send: connection reset")
}

func TestFailuresAreReportedPerRecord(t *testing.T) {
	t.Run("a refused e-mail is reported, those before it are sent, and a retry sends it and the rest", func(t *testing.T) {
		e := newOutboxEnv(t)
		recs := e.queue(t, "a.nguyen@demo.hue.gov.vn", "b.tran@demo.hue.gov.vn", "c.le@demo.hue.gov.vn")
		resp := e.handle(t, refusing{e.box, "b.tran@demo.hue.gov.vn"}, e.now, anys(recs)...)
		if len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "101" {
			t.Fatalf("failures %+v, want the second record (101)", resp.BatchItemFailures)
		}
		if n := len(testenv.Outbox(t, e.box.Dir)); n != 1 {
			t.Fatalf("%d sent before the retry, want 1", n)
		}
		// the stream delivers again from the failed record
		if resp := e.handle(t, e.box, e.now, anys(recs[1:])...); len(resp.BatchItemFailures) != 0 {
			t.Fatalf("retry failures %+v", resp.BatchItemFailures)
		}
		if n := len(testenv.Outbox(t, e.box.Dir)); n != 3 {
			t.Errorf("%d sent after the retry, want 3", n)
		}
	})
	t.Run("an e-mail whose outcome is unknown is never sent again", func(t *testing.T) {
		e := newOutboxEnv(t)
		recs := e.queue(t, "a.nguyen@demo.hue.gov.vn")
		if resp := e.handle(t, unknown{}, e.now, anys(recs)...); len(resp.BatchItemFailures) != 0 {
			t.Fatalf("failures %+v, want none: a retry could send twice", resp.BatchItemFailures)
		}
		e.handle(t, e.box, e.now, anys(recs)...)
		if n := len(testenv.Outbox(t, e.box.Dir)); n != 0 {
			t.Errorf("%d sent after an unknown outcome, want 0 (at most once)", n)
		}
	})
	t.Run("a code that expired in the queue is not sent", func(t *testing.T) {
		e := newOutboxEnv(t)
		recs := e.queue(t, "a.nguyen@demo.hue.gov.vn")
		e.handle(t, e.box, e.now.Add(signin.CodeTTL), anys(recs)...)
		entries, _ := e.store.Outbox(context.Background(), "demo")
		if n := len(testenv.Outbox(t, e.box.Dir)); n != 0 || entries[0].Status != mailq.StatusExpired {
			t.Errorf("%d sent, status %s; want none, expired", n, entries[0].Status)
		}
	})
}

func TestRecordsThatAreNotOutboxInsertsAreSkipped(t *testing.T) {
	e := newOutboxEnv(t)
	recs := e.queue(t, "a.nguyen@demo.hue.gov.vn")
	good := recs[0]
	with := func(change func(r map[string]any)) map[string]any {
		raw, _ := json.Marshal(good)
		var r map[string]any
		_ = json.Unmarshal(raw, &r)
		change(r)
		return r
	}
	img := func(r map[string]any) map[string]any {
		return r["dynamodb"].(map[string]any)["NewImage"].(map[string]any)
	}
	for _, tc := range []struct {
		name string
		rec  any
	}{
		{"a later change of an outbox item", with(func(r map[string]any) { r["eventName"] = "MODIFY" })},
		{"an insert of another item", with(func(r map[string]any) {
			r["dynamodb"].(map[string]any)["Keys"].(map[string]any)["PK"] = map[string]any{"S": "C#demo#M#x@y.vn"}
		})},
		{"a record from another source", with(func(r map[string]any) { r["eventSource"] = "aws:kinesis" })},
		{"a record that is not an object", "garbage"},
		{"an image with an attribute of a type the outbox never uses", with(func(r map[string]any) { img(r)["to"] = map[string]any{"SS": []string{"a@b.vn"}} })},
		{"a subject with a header injected", with(func(r map[string]any) { img(r)["subject"] = map[string]any{"S": "Mã\r\nBcc: all@demo.hue.gov.vn"} })},
		{"keys that do not match the image", with(func(r map[string]any) { img(r)["id"] = map[string]any{"S": strings.Repeat("0", 32)} })},
	} {
		t.Run(tc.name+" sends nothing and is not retried", func(t *testing.T) {
			resp := e.handle(t, e.box, e.now, tc.rec)
			if len(resp.BatchItemFailures) != 0 {
				t.Errorf("failures %+v", resp.BatchItemFailures)
			}
			if n := len(testenv.Outbox(t, e.box.Dir)); n != 0 {
				t.Errorf("%d sent", n)
			}
		})
	}
	t.Run("the outbox item itself is still sent afterwards", func(t *testing.T) {
		e.handle(t, e.box, e.now, good)
		if n := len(testenv.Outbox(t, e.box.Dir)); n != 1 {
			t.Errorf("%d sent, want 1", n)
		}
	})
}

func TestSampleEventsSendTheirQueuedEmail(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "events", "mailer", "*.json"))
	if len(files) == 0 {
		t.Fatal("no sample events under events/mailer")
	}
	for _, f := range files {
		t.Run(filepath.Base(f)+" sends its e-mail once, the item being queued", func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var ev struct {
				Records []map[string]any `json:"Records"`
			}
			if err := json.Unmarshal(raw, &ev); err != nil {
				t.Fatal(err)
			}
			e := newOutboxEnv(t)
			// the item of each record, as auth queued it
			for _, rec := range ev.Records {
				img := rec["dynamodb"].(map[string]any)["NewImage"].(map[string]any)
				item := map[string]types.AttributeValue{}
				for k, v := range img {
					av, err := attributeValue(mustJSON(v))
					if err != nil {
						t.Fatal(err)
					}
					item[k] = av
				}
				if _, err := e.db.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(e.table), Item: item}); err != nil {
					t.Fatal(err)
				}
			}
			var recs []any
			for _, r := range ev.Records {
				recs = append(recs, r)
			}
			at := time.UnixMilli(1772409601000)
			for run := 1; run <= 2; run++ {
				if resp := e.handle(t, e.box, at, recs...); len(resp.BatchItemFailures) != 0 {
					t.Fatalf("run %d: failures %+v", run, resp.BatchItemFailures)
				}
			}
			if msgs := testenv.Outbox(t, e.box.Dir); len(msgs) != len(ev.Records) || msgs[0].Code != "123456" {
				t.Errorf("sent %+v, want one e-mail per record with its code", msgs)
			}
		})
	}
}

func mustJSON(v any) json.RawMessage { b, _ := json.Marshal(v); return b }
