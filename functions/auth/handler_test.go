package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/mail"
	"github.com/hoithi/hoithi/shared/mailq"
	"github.com/hoithi/hoithi/shared/platform"
	"github.com/hoithi/hoithi/shared/signin"
	"github.com/hoithi/hoithi/shared/testenv"
	"github.com/hoithi/hoithi/shared/token"
)

// testClock is the handler's clock, moved by the tests.
type testClock = testenv.Clock

// queue is one handler's view of the outbox: the e-mails it queued, in
// order (the writes themselves go to the table, through the real store).
type queue struct {
	mu   *sync.Mutex
	msgs *[]mail.Message
}

func newQueue() queue { return queue{mu: &sync.Mutex{}, msgs: &[]mail.Message{}} }

// queueing is the store of a handler whose queued e-mails q records.
type queueing struct {
	store
	q queue
}

func (s queueing) PutCodeAndMail(ctx context.Context, contestID, email string, prev *signin.CodeState, st signin.CodeState, now time.Time, r mailq.Request) error {
	if err := s.store.PutCodeAndMail(ctx, contestID, email, prev, st, now, r); err != nil {
		return err
	}
	s.q.mu.Lock()
	defer s.q.mu.Unlock()
	*s.q.msgs = append(*s.q.msgs, mail.Message{To: r.To, Subject: r.Subject, Text: r.Text, Code: r.Code, SentAt: r.EnqueuedAt})
	return nil
}

// readOutbox returns the e-mails q's handler queued, oldest first.
func readOutbox(t *testing.T, q queue) []mail.Message {
	t.Helper()
	q.mu.Lock()
	defer q.mu.Unlock()
	return slices.Clone(*q.msgs)
}

// seededStore is what the tests use of the demo's store: the handler's
// store, and a contest's settings to change.
type seededStore interface {
	store
	PutContest(ctx context.Context, c contest.Contest) error
}

// authEnv is the seeded demo contest with its store seen as sign-in's.
type authEnv struct {
	*testenv.Demo
	Store seededStore
}

// seeded seeds the demo contest on the local servers under make test and in
// memory (shared/memstore) under plain go test: sign-in's rules run in both.
func seeded(t *testing.T) *authEnv {
	t.Helper()
	d := testenv.SeededDemo(t)
	s, ok := d.Store.(seededStore)
	if !ok {
		t.Fatalf("the demo's store %T lacks sign-in's methods", d.Store)
	}
	return &authEnv{Demo: d, Store: s}
}

// signIn is one person's auth handler with its own outbox and clock, seen
// from its own network address (from).
type signIn struct {
	env    *authEnv
	outbox queue
	clock  *testClock
	from   string
	routes http.Handler
}

// nextHost numbers the test networks, so that each signIn has its own.
var nextHost atomic.Int32

func newSignIn(t *testing.T, env *authEnv) *signIn {
	s := &signIn{env: env, outbox: newQueue(), clock: testenv.NewClock(env.Now)}
	n := nextHost.Add(1)
	s.from = fmt.Sprintf("198.51.%d.%d", n/250, 1+n%250)
	s.routes = s.handlerFrom(NewHandler(queueing{env.Store, s.outbox}, env.Signer, env.Key, demo.ContestID, s.clock.Now, testenv.Logger()).Routes())
	return s
}

// handlerFrom serves h as if every request came from s.from (what the
// function URL or the local server reports as the peer).
func (s *signIn) handlerFrom(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.RemoteAddr = s.from + ":443"
		h.ServeHTTP(w, r)
	})
}

// sameMailbox is another signIn of the same handler state (store, outbox,
// clock) seen from another network: a second requester.
func (s *signIn) sameMailbox(t *testing.T, from string) *signIn {
	o := *s
	o.from = from
	o.routes = o.handlerFrom(NewHandler(queueing{s.env.Store, s.outbox}, s.env.Signer, s.env.Key, demo.ContestID, s.clock.Now, testenv.Logger()).Routes())
	return &o
}

func (s *signIn) requestCode(t *testing.T, body map[string]string) testenv.Response {
	t.Helper()
	return testenv.Call(t, s.routes, http.MethodPost, "/codes", "", body)
}

func (s *signIn) openSession(t *testing.T, email, code string) testenv.Response {
	t.Helper()
	return testenv.Call(t, s.routes, http.MethodPost, "/sessions", "", map[string]string{"email": email, "code": code})
}

// lastCode is the code of the newest message to email.
func (s *signIn) lastCode(t *testing.T, email string) string {
	t.Helper()
	msgs := readOutbox(t, s.outbox)
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].To == email {
			return msgs[i].Code
		}
	}
	t.Fatalf("no code was sent to %s", email)
	return ""
}

// otherCode returns a well-formed code different from code.
func otherCode(code string) string {
	last := (code[5]-'0'+1)%10 + '0'
	return code[:5] + string(last)
}

func TestCodeByEmailOpensASessionWithTheRightClaims(t *testing.T) {
	env := seeded(t)
	roster := demo.Roster()
	admin, participant := roster[0], roster[1]
	if !admin.Has(contest.RoleUnitAdmin) || participant.Has(contest.RoleUnitAdmin) {
		t.Fatalf("demo roster changed: %+v %+v", admin, participant)
	}
	tests := []struct {
		name, typed, email string
		wantName, unit     string
		ward               string
		audience           contest.Audience
		roles              []contest.Role
		mayCompete         bool
		later              time.Duration // after the cases before it (same address); the last case only: clocks do not go back
	}{
		{name: "a roster participant gets a session for their unit",
			typed: participant.Email, email: participant.Email, wantName: participant.Name, unit: participant.UnitID,
			audience: contest.AudienceStaff, roles: []contest.Role{contest.RoleParticipant}, mayCompete: true},
		{name: "a unit admin's session carries both roles",
			typed: admin.Email, email: admin.Email, wantName: admin.Name, unit: admin.UnitID,
			audience: contest.AudienceStaff, roles: []contest.Role{contest.RoleParticipant, contest.RoleUnitAdmin}, mayCompete: true},
		{name: "an address typed in capitals with spaces is the same roster member",
			typed: "  " + strings.ToUpper(roster[2].Email) + " ", email: roster[2].Email, wantName: roster[2].Name, unit: roster[2].UnitID,
			audience: contest.AudienceStaff, roles: roster[2].Roles, mayCompete: true},
		{name: "an organiser signs in but may not compete",
			typed: "btc@" + demo.Domain, email: "btc@" + demo.Domain, wantName: "Ban Tổ chức Hội thi",
			audience: contest.AudienceStaff, roles: []contest.Role{contest.RoleOrganiser}, mayCompete: false},
		{name: "a citizen on the contest's list signs in with the citizen audience",
			typed: "nguoidan.demo@example.com", email: "nguoidan.demo@example.com", wantName: "Người dân (minh hoạ)", ward: "Phường Phú Hội",
			audience: contest.AudienceCitizen, roles: []contest.Role{contest.RoleParticipant}, mayCompete: true},
		{name: "a participant's +2 alias signs in as the participant, with the same participant id",
			typed: strings.Replace(roster[3].Email, "@", "+2@", 1), email: roster[3].Email, wantName: roster[3].Name, unit: roster[3].UnitID,
			audience: contest.AudienceStaff, roles: roster[3].Roles, mayCompete: true},
		{name: "an organiser's +tag alias signs in as the organiser, who may not compete",
			typed: "btc+thi@" + demo.Domain, email: "btc@" + demo.Domain, wantName: "Ban Tổ chức Hội thi",
			audience: contest.AudienceStaff, roles: []contest.Role{contest.RoleOrganiser}, mayCompete: false, later: 2 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSignIn(t, env)
			s.clock.Advance(tt.later)
			res := s.requestCode(t, map[string]string{"contest": demo.ContestID, "email": tt.typed})
			res.Expect(t, http.StatusAccepted, "")

			msgs := readOutbox(t, s.outbox)
			if len(msgs) != 1 {
				t.Fatalf("outbox has %d messages, want 1", len(msgs))
			}
			m := msgs[0]
			if m.To != tt.email {
				t.Errorf("mail to %q, want %q", m.To, tt.email)
			}
			if len(m.Code) != 6 || strings.Trim(m.Code, "0123456789") != "" {
				t.Fatalf("code %q, want 6 digits", m.Code)
			}
			if !strings.Contains(m.Subject, m.Code) || !strings.Contains(m.Text, m.Code) {
				t.Errorf("subject %q / text %q should both carry the code %s", m.Subject, m.Text, m.Code)
			}
			if bytes.Contains(res.Body, []byte(m.Code)) {
				t.Errorf("the code request's response contains the code: %s", res.Body)
			}
			local := tt.email[:strings.IndexByte(tt.email, '@')]
			if sentTo := stringOf(res.JSON["sentTo"]); !strings.HasSuffix(sentTo, tt.email[len(local):]) || strings.Contains(sentTo, local) {
				t.Errorf("sentTo = %q, want the address masked", sentTo)
			}

			res = s.openSession(t, tt.email, m.Code)
			res.Expect(t, http.StatusCreated, "")
			claims, err := env.Signer.Verify(stringOf(res.JSON["token"]))
			if err != nil {
				t.Fatalf("token does not verify: %v", err)
			}
			want := token.Claims{Contest: demo.ContestID, Email: tt.email, Name: tt.wantName, UnitID: tt.unit, Audience: tt.audience, Roles: tt.roles}
			got := token.Claims{Contest: claims.Contest, Email: claims.Email, Name: claims.Name, UnitID: claims.UnitID, Audience: claims.Audience, Roles: claims.Roles}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("claims = %+v, want %+v", got, want)
			}
			if got, want := claims.ParticipantID(), contest.ParticipantID(demo.ContestID, tt.email); got != want {
				t.Errorf("subject = %q, want participant id %q", got, want)
			}
			p, _ := res.JSON["participant"].(map[string]any)
			if p["email"] != tt.email || p["audience"] != string(tt.audience) || p["mayCompete"] != tt.mayCompete ||
				p["contest"] != demo.ContestID || stringOf(p["unitId"]) != tt.unit || stringOf(p["ward"]) != tt.ward {
				t.Errorf("participant = %v, want %s %s unit %q ward %q mayCompete %v", p, tt.email, tt.audience, tt.unit, tt.ward, tt.mayCompete)
			}
			exp, err := time.Parse(time.RFC3339, stringOf(res.JSON["expiresAt"]))
			if err != nil || !exp.Equal(claims.ExpiresAt.Time) {
				t.Errorf("expiresAt = %v, want the token's expiry %v", res.JSON["expiresAt"], claims.ExpiresAt)
			}
		})
	}
}

func TestWhoMayAskForACode(t *testing.T) {
	env := seeded(t)
	tests := []struct {
		name   string
		body   map[string]string
		status int
		code   string
	}{
		{"an e-mail outside the roster and the official domain is not eligible",
			map[string]string{"email": "khach.ngoai@example.org"}, http.StatusForbidden, "not_eligible"},
		{"an official-domain e-mail not on the roster is told to ask their unit, and gets no e-mail",
			map[string]string{"email": "chua.co.ten@" + demo.Domain}, http.StatusForbidden, "not_on_roster"},
		{"an e-mail in a sub-domain of the official domain not on the roster is not on the roster",
			map[string]string{"email": "van.thu@phuong-phu-hoi." + demo.Domain}, http.StatusForbidden, "not_on_roster"},
		{"an official-domain e-mail not on the roster cannot sign up as a citizen instead",
			map[string]string{"email": "chua.co.ten@" + demo.Domain, "audience": "citizen", "name": "Chưa Có Tên", "ward": "Phú Hội"}, http.StatusForbidden, "not_on_roster"},
		{"an organiser's +tag alias gets the organiser's code",
			map[string]string{"email": "btc+thi@" + demo.Domain}, http.StatusAccepted, ""},
		{"a look-alike domain that only ends with the same letters is not eligible",
			map[string]string{"email": "gia.mao@fake" + demo.Domain}, http.StatusForbidden, "not_eligible"},
		{"the official domain inside a longer foreign domain is not eligible",
			map[string]string{"email": "gia.mao@" + demo.Domain + ".example.com"}, http.StatusForbidden, "not_eligible"},
		{"an outsider cannot open-sign-up as staff",
			map[string]string{"email": "khach.ngoai@example.org", "audience": "staff", "name": "Khách", "ward": "Phú Hội"}, http.StatusForbidden, "not_eligible"},
		{"an address that is not an e-mail is invalid",
			map[string]string{"email": "son.huynhminh"}, http.StatusBadRequest, "invalid_email"},
		{"an address with a display name is invalid",
			map[string]string{"email": "Sơn <son.huynhminh@" + demo.Domain + ">"}, http.StatusBadRequest, "invalid_email"},
		{"an unknown contest is not found",
			map[string]string{"contest": "khong-co", "email": demo.Roster()[3].Email}, http.StatusNotFound, "contest_not_found"},
		{"a contest that is not an id is not found",
			map[string]string{"contest": "../demo", "email": demo.Roster()[3].Email}, http.StatusNotFound, "contest_not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSignIn(t, env)
			s.requestCode(t, tt.body).Expect(t, tt.status, tt.code)
			sent := len(readOutbox(t, s.outbox))
			if want := map[bool]int{true: 1, false: 0}[tt.code == ""]; sent != want {
				t.Errorf("sent %d e-mails, want %d", sent, want)
			}
		})
	}
}

func TestCitizenOpenSignUpNeedsNameAndWard(t *testing.T) {
	env := seeded(t)
	s := newSignIn(t, env)
	const email = "tran.thi.be@example.net"
	ctx := context.Background()
	incomplete := []struct {
		name string
		body map[string]string
	}{
		{"asking without a name or ward is incomplete", map[string]string{"email": email, "audience": "citizen"}},
		{"a name without a ward is incomplete", map[string]string{"email": email, "audience": "citizen", "name": "Trần Thị Bé"}},
		{"a ward without a name is incomplete", map[string]string{"email": email, "audience": "citizen", "ward": "Phường Kim Long"}},
		{"a name of only spaces is incomplete", map[string]string{"email": email, "audience": "citizen", "name": " \t ", "ward": "Phường Kim Long"}},
		{"a name over 100 characters is incomplete", map[string]string{"email": email, "audience": "citizen", "name": strings.Repeat("Bé", 51), "ward": "Phường Kim Long"}},
	}
	for _, tt := range incomplete {
		t.Run(tt.name, func(t *testing.T) {
			s.requestCode(t, tt.body).Expect(t, http.StatusBadRequest, "signup_incomplete")
			if _, found, err := env.Store.GetMember(ctx, demo.ContestID, email); found || err != nil {
				t.Errorf("an incomplete sign-up was recorded (found=%v, err=%v)", found, err)
			}
			if n := len(readOutbox(t, s.outbox)); n != 0 {
				t.Errorf("sent %d e-mails for an incomplete sign-up", n)
			}
		})
	}
	t.Run("a name and a ward send a code but record nobody before the code is verified", func(t *testing.T) {
		s.requestCode(t, map[string]string{"email": email, "audience": "citizen", "name": "  Trần   Thị Bé ", "ward": "Phường  Kim Long"}).
			Expect(t, http.StatusAccepted, "")
		if _, found, err := env.Store.GetMember(ctx, demo.ContestID, email); found || err != nil {
			t.Fatalf("an unverified sign-up was recorded as a member (found=%v, err=%v)", found, err)
		}
	})
	t.Run("asking again a minute later without the form keeps the sign-up", func(t *testing.T) {
		s.clock.Advance(61 * time.Second)
		s.requestCode(t, map[string]string{"email": email}).Expect(t, http.StatusAccepted, "")
	})
	t.Run("the code opens a citizen session and records the citizen", func(t *testing.T) {
		res := s.openSession(t, email, s.lastCode(t, email))
		res.Expect(t, http.StatusCreated, "")
		c, err := env.Signer.Verify(stringOf(res.JSON["token"]))
		if err != nil {
			t.Fatal(err)
		}
		if c.Audience != contest.AudienceCitizen || c.Name != "Trần Thị Bé" || c.UnitID != "" || !slices.Equal(c.Roles, []contest.Role{contest.RoleParticipant}) {
			t.Errorf("claims = %+v, want a citizen participant named Trần Thị Bé", c)
		}
		m, found, err := env.Store.GetMember(ctx, demo.ContestID, email)
		if err != nil || !found {
			t.Fatalf("member not recorded: found=%v err=%v", found, err)
		}
		want := contest.Member{Email: email, Name: "Trần Thị Bé", Ward: "Phường Kim Long", Audience: contest.AudienceCitizen, Roles: []contest.Role{contest.RoleParticipant}}
		if fmt.Sprint(m) != fmt.Sprint(want) {
			t.Errorf("member = %+v, want %+v", m, want)
		}
	})
}

func TestCodesAreRateLimited(t *testing.T) {
	env := seeded(t)
	s := newSignIn(t, env)
	email := demo.Roster()[5].Email
	ask := map[string]string{"email": email}
	steps := []struct {
		name    string
		advance time.Duration
		status  int
		code    string
		sent    int // e-mails sent so far
	}{
		{"a first request sends a code", 0, http.StatusAccepted, "", 1},
		{"a second request within 60 seconds is refused", 59 * time.Second, http.StatusTooManyRequests, "code_rate_limited", 1},
		{"a request 60 seconds after the first sends a new code", time.Second, http.StatusAccepted, "", 2},
		{"a third code a minute later is sent", 61 * time.Second, http.StatusAccepted, "", 3},
		{"a fourth code a minute later is sent", 61 * time.Second, http.StatusAccepted, "", 4},
		{"a fifth code a minute later is sent", 61 * time.Second, http.StatusAccepted, "", 5},
		{"a sixth code within the hour is refused", 61 * time.Second, http.StatusTooManyRequests, "code_rate_limited", 5},
		{"after the hour a code is sent again", time.Hour, http.StatusAccepted, "", 6},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			s.clock.Advance(st.advance)
			s.requestCode(t, ask).Expect(t, st.status, st.code)
			if n := len(readOutbox(t, s.outbox)); n != st.sent {
				t.Errorf("%d e-mails sent, want %d", n, st.sent)
			}
		})
	}
	t.Run("only the newest code opens a session", func(t *testing.T) {
		msgs := readOutbox(t, s.outbox)
		older, newest := msgs[len(msgs)-2].Code, msgs[len(msgs)-1].Code
		if older != newest {
			s.openSession(t, email, older).Expect(t, http.StatusUnauthorized, "code_wrong")
		}
		s.openSession(t, email, newest).Expect(t, http.StatusCreated, "")
	})
}

func TestACodeIsQueuedWithItsEmailInOneWrite(t *testing.T) {
	if !testenv.ServersUp() {
		t.Skip("the outbox's item and its one write are the DynamoDB store's: needs the local servers (make test)")
	}
	env := testenv.SeededContest(t)
	s := newSignIn(t, &authEnv{Demo: env.Demo, Store: env.Store})
	email := demo.Roster()[6].Email
	r := s.requestCode(t, map[string]string{"email": email})
	r.Expect(t, http.StatusAccepted, "")
	entries, err := env.Store.Outbox(context.Background(), demo.ContestID)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("the answer comes before the e-mail is sent: it waits in the outbox, queued", func(t *testing.T) {
		if len(entries) != 1 || entries[0].Status != mailq.StatusQueued || entries[0].Kind != mailq.KindCode || entries[0].To != email {
			t.Fatalf("outbox %+v, want one queued code e-mail to %s", entries, email)
		}
	})
	t.Run("the e-mail is worth sending until the code expires, and says so", func(t *testing.T) {
		want, _ := time.Parse(time.RFC3339, r.JSON["expiresAt"].(string))
		if !entries[0].ExpiresAt.Truncate(time.Second).Equal(want) {
			t.Errorf("e-mail expires %v, code %v", entries[0].ExpiresAt, want)
		}
		if err := entries[0].Validate(); err != nil {
			t.Errorf("the mailer would refuse the request: %v", err)
		}
	})
	t.Run("the queued code opens a session", func(t *testing.T) {
		s.openSession(t, email, entries[0].Code).Expect(t, http.StatusCreated, "")
	})
}

func TestWrongCodesLockTheCode(t *testing.T) {
	env := seeded(t)
	s := newSignIn(t, env)
	email := demo.Roster()[6].Email
	s.requestCode(t, map[string]string{"email": email}).Expect(t, http.StatusAccepted, "")
	right := s.lastCode(t, email)
	wrong := otherCode(right)
	for try, left := range []int{4, 3, 2, 1} {
		t.Run(fmt.Sprintf("wrong try %d leaves %d more", try+1, left), func(t *testing.T) {
			res := s.openSession(t, email, wrong)
			res.Expect(t, http.StatusUnauthorized, "code_wrong")
			if want := fmt.Sprintf("còn %d lần", left); !strings.Contains(res.ErrorMessage(), want) {
				t.Errorf("message %q, want it to say %q", res.ErrorMessage(), want)
			}
		})
	}
	t.Run("the fifth wrong try locks the code", func(t *testing.T) {
		s.openSession(t, email, wrong).Expect(t, http.StatusForbidden, "code_locked")
	})
	t.Run("then even the right code fails", func(t *testing.T) {
		s.openSession(t, email, right).Expect(t, http.StatusForbidden, "code_locked")
	})
	t.Run("and further wrong tries stay locked", func(t *testing.T) {
		s.openSession(t, email, wrong).Expect(t, http.StatusForbidden, "code_locked")
	})
	t.Run("a new code a minute later opens a session", func(t *testing.T) {
		s.clock.Advance(61 * time.Second)
		s.requestCode(t, map[string]string{"email": email}).Expect(t, http.StatusAccepted, "")
		s.openSession(t, email, s.lastCode(t, email)).Expect(t, http.StatusCreated, "")
	})
}

func TestCodesAreOneTimeAndBoundToOnePerson(t *testing.T) {
	env := seeded(t)
	roster := demo.Roster()
	tests := []struct {
		name string
		run  func(t *testing.T, s *signIn)
	}{
		{"a used code cannot be used again", func(t *testing.T, s *signIn) {
			email := roster[7].Email
			s.requestCode(t, map[string]string{"email": email}).Expect(t, http.StatusAccepted, "")
			code := s.lastCode(t, email)
			s.openSession(t, email, code).Expect(t, http.StatusCreated, "")
			s.openSession(t, email, code).Expect(t, http.StatusUnauthorized, "code_invalid")
		}},
		{"one person's code does not open another person's session", func(t *testing.T, s *signIn) {
			a, b := roster[8].Email, roster[9].Email
			s.requestCode(t, map[string]string{"email": a}).Expect(t, http.StatusAccepted, "")
			s.requestCode(t, map[string]string{"email": b}).Expect(t, http.StatusAccepted, "")
			codeA, codeB := s.lastCode(t, a), s.lastCode(t, b)
			if codeA == codeB {
				t.Skip("both codes happen to be equal")
			}
			s.openSession(t, b, codeA).Expect(t, http.StatusUnauthorized, "code_wrong")
			s.openSession(t, b, codeB).Expect(t, http.StatusCreated, "")
		}},
		{"a code expires after CodeTTL", func(t *testing.T, s *signIn) {
			email := roster[10].Email
			s.requestCode(t, map[string]string{"email": email}).Expect(t, http.StatusAccepted, "")
			s.clock.Advance(signin.CodeTTL + time.Second)
			s.openSession(t, email, s.lastCode(t, email)).Expect(t, http.StatusUnauthorized, "code_expired")
		}},
		{"a code never asked for is invalid", func(t *testing.T, s *signIn) {
			s.openSession(t, roster[11].Email, "123456").Expect(t, http.StatusUnauthorized, "code_invalid")
		}},
		{"a code that is not six digits is invalid", func(t *testing.T, s *signIn) {
			for _, code := range []string{"12345", "1234567", "12a456", ""} {
				s.openSession(t, roster[11].Email, code).Expect(t, http.StatusBadRequest, "invalid_code_format")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, newSignIn(t, env)) })
	}
}

func TestMalformedBodiesAreRefused(t *testing.T) {
	env := seeded(t)
	s := newSignIn(t, env)
	email := demo.Roster()[12].Email
	tests := []struct {
		name   string
		body   string
		status int
		code   string
	}{
		{"a body that is not JSON is invalid", "email=" + email, http.StatusBadRequest, "invalid_json"},
		{"an empty body is invalid", "", http.StatusBadRequest, "invalid_json"},
		{"a JSON array is invalid", `["` + email + `"]`, http.StatusBadRequest, "invalid_json"},
		{"an e-mail that is a number is invalid", `{"email": 5}`, http.StatusBadRequest, "invalid_json"},
		{"two JSON objects are invalid", `{"email":"` + email + `"} {"email":"` + email + `"}`, http.StatusBadRequest, "invalid_json"},
		{"a stray closing brace after the object is invalid", `{"email":"` + email + `"}}`, http.StatusBadRequest, "invalid_json"},
		{"a body over 4 KB is too large", `{"email":"` + email + `","name":"` + strings.Repeat("a", 5000) + `"}`, http.StatusRequestEntityTooLarge, "body_too_large"},
		{"spaces padding a body over 4 KB are too large", `{"email":"` + email + `"}` + strings.Repeat(" ", 5000), http.StatusRequestEntityTooLarge, "body_too_large"},
	}
	for _, path := range []string{"/codes", "/sessions"} {
		for _, tt := range tests {
			t.Run("POST "+path+": "+tt.name, func(t *testing.T) {
				testenv.Call(t, s.routes, http.MethodPost, path, "", tt.body).Expect(t, tt.status, tt.code)
			})
		}
	}
	if n := len(readOutbox(t, s.outbox)); n != 0 {
		t.Errorf("malformed requests sent %d e-mails", n)
	}
}

func TestUnknownRoutesAreNotFound(t *testing.T) {
	env := seeded(t)
	s := newSignIn(t, env)
	for _, r := range []struct{ method, path string }{
		{http.MethodGet, "/"},
		{http.MethodGet, "/codes"},
		{http.MethodDelete, "/sessions"},
		{http.MethodPost, "/codes/123456"},
		{http.MethodGet, "/rounds"},
	} {
		t.Run(r.method+" "+r.path+" is route_not_found", func(t *testing.T) {
			res := testenv.Call(t, s.routes, r.method, r.path, "", nil)
			res.Expect(t, http.StatusNotFound, "route_not_found")
			if res.Header.Get("X-Request-Id") == "" {
				t.Error("no X-Request-Id on the answer")
			}
		})
	}
}

func TestAContestMayAdmitUnlistedOfficialAddresses(t *testing.T) {
	env := seeded(t)
	c := demo.Contest()
	c.AllowUnlisted = true
	if err := env.Store.PutContest(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	s := newSignIn(t, env)
	email := "moi.tuyen.dung@" + demo.Domain
	s.requestCode(t, map[string]string{"email": email}).Expect(t, http.StatusAccepted, "")
	res := s.openSession(t, "Moi.Tuyen.Dung+x@"+demo.Domain, s.lastCode(t, email))
	res.Expect(t, http.StatusCreated, "")
	p, _ := res.JSON["participant"].(map[string]any)
	if p["email"] != email || p["audience"] != "staff" || p["mayCompete"] != true {
		t.Errorf("participant = %v, want %s as a staff participant", p, email)
	}
}

func TestAContestsChangeShowsWithinTheSettingsCacheTime(t *testing.T) {
	// GIVEN a warm container that has read the contest (it admits the roster only)
	env := seeded(t)
	s := newSignIn(t, env)
	listed := demo.Roster()[1].Email
	s.requestCode(t, map[string]string{"email": listed}).Expect(t, http.StatusAccepted, "")
	unlisted := "moi.tuyen.dung@" + demo.Domain
	s.requestCode(t, map[string]string{"email": unlisted}).Expect(t, http.StatusForbidden, "not_on_roster")

	// WHEN the organiser lets unlisted official addresses in
	c := demo.Contest()
	c.AllowUnlisted = true
	if err := env.Store.PutContest(context.Background(), c); err != nil {
		t.Fatal(err)
	}

	// THEN the container sees it once its copy is platform.SettingsCacheTTL old
	s.clock.Advance(platform.SettingsCacheTTL)
	s.requestCode(t, map[string]string{"email": unlisted}).Expect(t, http.StatusAccepted, "")
}

func TestTheSignUpFormOffersTheWardsFromTheRoster(t *testing.T) {
	env := seeded(t)
	s := newSignIn(t, env)
	t.Run("the form lists the audiences open to sign-up and the roster's wards, by name", func(t *testing.T) {
		res := testenv.Call(t, s.routes, http.MethodGet, "/signup?contest="+demo.ContestID, "", nil)
		res.Expect(t, http.StatusOK, "")
		if got := fmt.Sprint(res.JSON["audiences"]); got != "[citizen]" {
			t.Errorf("audiences = %s, want [citizen]", got)
		}
		var want []string
		for _, u := range contest.SignUpWards(demo.Units()) {
			want = append(want, "map[id:"+u.ID+" name:"+u.Name+"]")
		}
		if got, w := fmt.Sprint(res.JSON["wards"]), "["+strings.Join(want, " ")+"]"; got != w || len(want) == 0 {
			t.Errorf("wards = %s, want %s", got, w)
		}
	})
	t.Run("an unknown contest is not found", func(t *testing.T) {
		testenv.Call(t, s.routes, http.MethodGet, "/signup?contest=khong-co", "", nil).Expect(t, http.StatusNotFound, "contest_not_found")
	})
}

func TestCitizenSignUpNamesAWardOfTheContest(t *testing.T) {
	env := seeded(t)
	s := newSignIn(t, env)
	const email = "le.van.phuong@example.net"
	t.Run("a ward that is not on the units list is refused with 422 naming the field, and nothing is sent", func(t *testing.T) {
		res := s.requestCode(t, map[string]string{"email": email, "audience": "citizen", "name": "Lê Văn Phường", "ward": "Phường Không Có"})
		res.Expect(t, http.StatusUnprocessableEntity, "unknown_ward")
		if e, _ := res.JSON["error"].(map[string]any); e["field"] != "ward" || !strings.Contains(stringOf(e["message"]), "Phường/xã") {
			t.Errorf("error %s, want the field ward named", res.Body)
		}
		if n := len(readOutbox(t, s.outbox)); n != 0 {
			t.Errorf("sent %d e-mails for a sign-up with an unknown ward", n)
		}
	})
	t.Run("a ward GET /signup lists is taken", func(t *testing.T) {
		s.requestCode(t, map[string]string{"email": email, "audience": "citizen", "name": "Lê Văn Phường", "ward": "UBND phường Kim Long"}).
			Expect(t, http.StatusAccepted, "")
	})
}
