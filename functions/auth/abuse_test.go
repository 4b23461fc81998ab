package main

// The sign-in abuse of issue #12, each attack reproduced against the real
// handler and store, and refused.

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/signin"
	"github.com/hoithi/hoithi/shared/testenv"
	"github.com/hoithi/hoithi/shared/token"
)

// Item 1: an organiser competed through "btc+thi@", a participant got a
// second ranking entry through "+2", and any address of the official
// domain could compete.
func TestAliasesAndUnlistedAddressesAreNoNewPeople(t *testing.T) {
	env := seeded(t)
	participant := demo.Roster()[4]
	tests := []struct {
		name, typed, person string
		mayCompete          bool
	}{
		{"the organiser's alias is the organiser, who may not compete", "btc+thi@" + demo.Domain, "btc@" + demo.Domain, false},
		{"a participant's alias is the participant: same id, so same attempts and one ranking entry",
			strings.Replace(strings.ToUpper(participant.Email), "@", "+2@", 1), participant.Email, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSignIn(t, env)
			s.requestCode(t, map[string]string{"email": tt.typed}).Expect(t, http.StatusAccepted, "")
			msgs := readOutbox(t, s.outbox)
			if len(msgs) != 1 || msgs[0].To != tt.person {
				t.Fatalf("outbox %+v, want one code to %s (the person's own mailbox)", msgs, tt.person)
			}
			res := s.openSession(t, tt.typed, msgs[0].Code)
			res.Expect(t, http.StatusCreated, "")
			claims, err := env.Signer.Verify(stringOf(res.JSON["token"]))
			if err != nil {
				t.Fatal(err)
			}
			if claims.Email != tt.person || claims.ParticipantID() != contest.ParticipantID(demo.ContestID, tt.person) || contest.MayCompete(claims.Roles) != tt.mayCompete {
				t.Errorf("claims %+v, want %s's (may compete: %v)", claims, tt.person, tt.mayCompete)
			}
		})
	}
	t.Run("a thousand made-up official addresses get no e-mail", func(t *testing.T) {
		s := newSignIn(t, env)
		refused := 0
		for i := range 1000 {
			if s.requestCode(t, map[string]string{"email": fmt.Sprintf("nobody.%d@%s", i, demo.Domain)}).ErrorCode() == "not_on_roster" {
				refused++
			}
		}
		if n := len(readOutbox(t, s.outbox)); n != 0 || refused != 1000 {
			t.Errorf("%d e-mails sent, %d of 1000 refused not_on_roster; want 0 and 1000", n, refused)
		}
	})
}

// Item 2: one client sent 1,999 e-mails in 4.5 s, each citizen sign-up
// leaving a permanent member.
func TestOneClientCannotMailAThousandAddresses(t *testing.T) {
	env := seeded(t)
	attacker := newSignIn(t, env)
	limited := 0
	for i := range 1000 {
		attacker.clock.Advance(4500 * time.Microsecond) // 1,000 requests in 4.5 s
		res := attacker.requestCode(t, map[string]string{"email": fmt.Sprintf("nan.nhan.%d@example.net", i),
			"audience": "citizen", "name": "Nạn Nhân", "ward": "Phường Phú Hội"})
		switch {
		case res.Status == http.StatusAccepted:
		case res.Status == http.StatusTooManyRequests && res.ErrorCode() == "too_many_codes" && res.Header.Get("Retry-After") != "":
			limited++
		default:
			t.Fatalf("request %d: %d %s", i, res.Status, res.Body)
		}
	}
	sent := len(readOutbox(t, attacker.outbox))
	t.Logf("1,000 code requests from one client for 1,000 addresses in 4.5 s: %d e-mails sent, %d refused (429 too_many_codes)", sent, limited)
	if sent != signin.DefaultRequesterBurst || limited != 1000-sent {
		t.Errorf("%d e-mails sent and %d refused, want %d sent", sent, limited, signin.DefaultRequesterBurst)
	}
	for i := range 1000 {
		if _, found, err := env.Store.GetMember(context.Background(), demo.ContestID, fmt.Sprintf("nan.nhan.%d@example.net", i)); found || err != nil {
			t.Fatalf("sign-up %d left a member (found=%v, err=%v)", i, found, err)
		}
	}

	t.Run("a real person on another network is still served", func(t *testing.T) {
		s := attacker.sameMailbox(t, "203.0.113.77")
		s.requestCode(t, map[string]string{"email": demo.Roster()[20].Email}).Expect(t, http.StatusAccepted, "")
	})
	t.Run("the refusal says when to try again, in Vietnamese", func(t *testing.T) {
		res := attacker.requestCode(t, map[string]string{"email": "nan.nhan.x@example.net", "audience": "citizen", "name": "A", "ward": "Phường Phú Hội"})
		if !strings.Contains(res.ErrorMessage(), "Vui lòng thử lại sau") || res.JSON["error"].(map[string]any)["retryAfterSeconds"] == nil {
			t.Errorf("answer %s", res.Body)
		}
	})
}

// Many clients together meet the contest's budget, below SES's rate, and the
// alarm's log line.
func TestTheContestBudgetCapsManyClients(t *testing.T) {
	env := seeded(t)
	var logs bytes.Buffer
	clock := testenv.NewClock(env.Now)
	box := newQueue()
	h := NewHandler(queueing{env.Store, box}, env.Signer, env.Key, demo.ContestID, clock.Now, slog.New(slog.NewJSONHandler(&logs, nil))).Routes()
	roster := demo.Roster()
	busy := 0
	for i := range 30 {
		s := &signIn{env: env, outbox: box, clock: clock, from: fmt.Sprintf("192.0.2.%d", i+1)}
		res := testenv.Call(t, s.handlerFrom(h), http.MethodPost, "/codes", "", map[string]string{"email": roster[30+i].Email})
		if res.ErrorCode() == "signin_busy" {
			busy++
		}
	}
	sent := len(readOutbox(t, box))
	t.Logf("30 people on 30 networks at the same instant: %d e-mails sent, %d asked to retry (signin_busy)", sent, busy)
	if want := signin.ContestBudget(contest.Contest{}).Burst; sent != want || busy != 30-want {
		t.Errorf("%d sent, %d busy; want %d sent", sent, busy, want)
	}
	if !strings.Contains(logs.String(), `"msg":"sign-in budget reached"`) || !strings.Contains(logs.String(), `"limit":"contest"`) {
		t.Errorf("no alarm log line for the contest budget in %s", logs.String())
	}
	t.Run("a second later the contest sends again", func(t *testing.T) {
		clock.Advance(time.Second)
		s := &signIn{env: env, outbox: box, clock: clock, from: "192.0.2.200"}
		testenv.Call(t, s.handlerFrom(h), http.MethodPost, "/codes", "", map[string]string{"email": roster[70].Email}).Expect(t, http.StatusAccepted, "")
	})
}

// Item 3: five requests 61 s apart used up the victim's hour, and five wrong
// tries locked the live code: no authentication needed.
func TestStrangersCannotLockAPersonOut(t *testing.T) {
	env := seeded(t)
	roster := demo.Roster()
	t.Run("a stranger's wrong tries do not lock the owner's code", func(t *testing.T) {
		owner := newSignIn(t, env)
		stranger := owner.sameMailbox(t, "203.0.113.66")
		email := roster[40].Email
		owner.requestCode(t, map[string]string{"email": email}).Expect(t, http.StatusAccepted, "")
		right := owner.lastCode(t, email)
		for range signin.MaxTries {
			stranger.openSession(t, email, otherCode(right))
		}
		stranger.openSession(t, email, right).Expect(t, http.StatusForbidden, "code_locked")
		owner.openSession(t, email, right).Expect(t, http.StatusCreated, "")
	})
	t.Run("a stranger who uses up the hour's codes leaves the owner the last one", func(t *testing.T) {
		owner := newSignIn(t, env)
		stranger := owner.sameMailbox(t, "203.0.113.67")
		email := roster[41].Email
		for i := range signin.MaxSendsInWin {
			if i > 0 {
				owner.clock.Advance(61 * time.Second)
			}
			stranger.requestCode(t, map[string]string{"email": email}).Expect(t, http.StatusAccepted, "")
		}
		last := owner.lastCode(t, email) // in the owner's mailbox
		for range signin.MaxTries {
			stranger.openSession(t, email, otherCode(last))
		}
		owner.clock.Advance(30 * time.Minute)
		res := owner.requestCode(t, map[string]string{"email": email})
		res.Expect(t, http.StatusTooManyRequests, "code_rate_limited")
		if !strings.Contains(res.ErrorMessage(), "Mã gửi gần nhất") || res.Header.Get("Retry-After") == "" {
			t.Errorf("the refusal should point at the last code and say when to ask again: %s", res.Body)
		}
		owner.openSession(t, email, last).Expect(t, http.StatusCreated, "")
	})
	t.Run("guessing stays bounded: twenty wrong tries from four networks lock the code for everyone", func(t *testing.T) {
		owner := newSignIn(t, env)
		owner.clock.Advance(40 * time.Minute) // after the case above: the contest's budget is shared, clocks do not go back
		email := roster[42].Email
		owner.requestCode(t, map[string]string{"email": email}).Expect(t, http.StatusAccepted, "")
		right := owner.lastCode(t, email)
		for n := range signin.MaxTriesPerCode / signin.MaxTries {
			stranger := owner.sameMailbox(t, fmt.Sprintf("203.0.%d.1", 120+n))
			for range signin.MaxTries {
				stranger.openSession(t, email, otherCode(right))
			}
		}
		owner.openSession(t, email, right).Expect(t, http.StatusForbidden, "code_locked")
	})
}

// Item 6: with the datastore down the API answered 500 "internal".
func TestADatastoreOutageIsA503ToRetry(t *testing.T) {
	db := dynamodb.New(dynamodb.Options{
		Region: "ap-southeast-1", BaseEndpoint: aws.String("http://127.0.0.1:1"), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
	key := []byte("test-key-0123456789abcdef0123456789abcdef")
	signer, err := token.NewSigner(key, time.Hour, nil)
	if err != nil {
		t.Fatal(err)
	}
	routes := NewHandler(dynamo.New(db, "hoithi-down", nil), signer, key, demo.ContestID, nil, testenv.Logger()).Routes()
	for _, path := range []string{"/codes", "/sessions"} {
		t.Run("POST "+path+" answers 503 unavailable with Retry-After", func(t *testing.T) {
			res := testenv.Call(t, routes, http.MethodPost, path, "", map[string]string{"email": "an@" + demo.Domain, "code": "123456"})
			res.Expect(t, http.StatusServiceUnavailable, "unavailable")
			if res.Header.Get("Retry-After") == "" || !strings.Contains(res.ErrorMessage(), "thử lại") {
				t.Errorf("answer %v %s", res.Header, res.Body)
			}
		})
	}
}
