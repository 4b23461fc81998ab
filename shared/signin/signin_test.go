package signin_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/signin"
)

var (
	testKey   = []byte("signin-test-key-0123456789abcdef")
	otherKey  = []byte("signin-test-key-0123456789abcdeX")
	firstSend = time.Date(2025, time.March, 3, 9, 0, 0, 0, time.UTC)
)

func TestNewCodeIsSixDigits(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		code, err := signin.NewCode()
		if err != nil {
			t.Fatalf("NewCode() error = %v", err)
		}
		if len(code) != 6 {
			t.Fatalf("NewCode() = %q, want 6 characters", code)
		}
		for _, c := range code {
			if c < '0' || c > '9' {
				t.Fatalf("NewCode() = %q, want only digits", code)
			}
		}
		seen[code] = true
	}
	// 200 draws from a million codes: a handful of repeats at most.
	if got, want := len(seen), 190; got < want {
		t.Errorf("200 codes had %d distinct values, want at least %d", got, want)
	}
}

func TestNewCodeUsesEveryDigitPosition(t *testing.T) {
	// Each position should see several digits, including a leading zero
	// sometimes: codes are zero-padded, not drawn from 100000–999999.
	var digits [6]map[byte]bool
	for i := range digits {
		digits[i] = map[byte]bool{}
	}
	for range 2000 {
		code, err := signin.NewCode()
		if err != nil {
			t.Fatal(err)
		}
		for i := range 6 {
			digits[i][code[i]] = true
		}
	}
	for i, d := range digits {
		if got, want := len(d), 10; got != want {
			t.Errorf("position %d saw %d distinct digits in 2000 codes, want %d", i, got, want)
		}
	}
}

func TestHash(t *testing.T) {
	base := signin.Hash(testKey, "hue-2025", "a@hue.gov.vn", "123456")
	tests := []struct {
		name     string
		key      []byte
		contest  string
		email    string
		code     string
		wantSame bool
	}{
		{name: "the same inputs give the same hash", key: testKey, contest: "hue-2025", email: "a@hue.gov.vn", code: "123456", wantSame: true},
		{name: "another contest gives another hash", key: testKey, contest: "hue-2026", email: "a@hue.gov.vn", code: "123456"},
		{name: "another e-mail gives another hash", key: testKey, contest: "hue-2025", email: "b@hue.gov.vn", code: "123456"},
		{name: "another code gives another hash", key: testKey, contest: "hue-2025", email: "a@hue.gov.vn", code: "123457"},
		{name: "another key gives another hash", key: otherKey, contest: "hue-2025", email: "a@hue.gov.vn", code: "123456"},
		{name: "moving a character from contest to e-mail gives another hash", key: testKey, contest: "hue-202", email: "5a@hue.gov.vn", code: "123456"},
		{name: "moving a character from e-mail to code gives another hash", key: testKey, contest: "hue-2025", email: "a@hue.gov.v", code: "n123456"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := signin.Hash(tt.key, tt.contest, tt.email, tt.code)
			if tt.wantSame && got != base {
				t.Errorf("Hash = %q, want %q (stable)", got, base)
			}
			if !tt.wantSame && got == base {
				t.Errorf("Hash = %q, want it to differ from %q", got, base)
			}
			if len(got) != 64 {
				t.Errorf("Hash has %d hex characters, want 64 (HMAC-SHA256)", len(got))
			}
		})
	}
}

func TestIssue(t *testing.T) {
	sent := func(at time.Time, windowStart time.Time, sends int) *signin.CodeState {
		return &signin.CodeState{Hash: "old", ExpiresAt: at.Add(signin.CodeTTL), WindowStart: windowStart, Sends: sends, LastSentAt: at}
	}
	tests := []struct {
		name     string
		prev     *signin.CodeState
		now      time.Time
		wantCode string // fault code; "" for success
		wantMsg  string // substring of the message
		wantWait time.Duration
		want     signin.CodeState
	}{
		{
			name: "a first send starts a window of one send",
			prev: nil, now: firstSend,
			want: signin.CodeState{Hash: "new", ExpiresAt: firstSend.Add(signin.CodeTTL), WindowStart: firstSend, Sends: 1, LastSentAt: firstSend},
		},
		{
			name: "a resend at the same instant is refused with a 60 second wait",
			prev: sent(firstSend, firstSend, 1), now: firstSend,
			wantCode: "code_rate_limited", wantMsg: "60 giây",
		},
		{
			name: "a resend after 15 seconds is refused with a 45 second wait",
			prev: sent(firstSend, firstSend, 1), now: firstSend.Add(15 * time.Second),
			wantCode: "code_rate_limited", wantMsg: "45 giây", wantWait: 45 * time.Second,
		},
		{
			name: "a resend after 59.5 seconds is refused with a 1 second wait",
			prev: sent(firstSend, firstSend, 1), now: firstSend.Add(59500 * time.Millisecond),
			wantCode: "code_rate_limited", wantMsg: "1 giây",
		},
		{
			name: "a resend after exactly 60 seconds counts as the second send of the window",
			prev: sent(firstSend, firstSend, 1), now: firstSend.Add(60 * time.Second),
			want: signin.CodeState{Hash: "new", ExpiresAt: firstSend.Add(60*time.Second + signin.CodeTTL), WindowStart: firstSend, Sends: 2, LastSentAt: firstSend.Add(60 * time.Second)},
		},
		{
			name: "a fifth send within the hour is allowed, and lives until the hour is over",
			prev: sent(firstSend.Add(20*time.Minute), firstSend, 4), now: firstSend.Add(30 * time.Minute),
			want: signin.CodeState{Hash: "new", ExpiresAt: firstSend.Add(time.Hour), WindowStart: firstSend, Sends: 5, LastSentAt: firstSend.Add(30 * time.Minute)},
		},
		{
			name: "a fifth send in the hour's last minutes keeps its whole life",
			prev: sent(firstSend.Add(55*time.Minute), firstSend, 4), now: firstSend.Add(56 * time.Minute),
			want: signin.CodeState{Hash: "new", ExpiresAt: firstSend.Add(56*time.Minute + signin.CodeTTL), WindowStart: firstSend, Sends: 5, LastSentAt: firstSend.Add(56 * time.Minute)},
		},
		{
			name: "a sixth send within the hour is refused, pointing at the last code and when to ask again",
			prev: sent(firstSend.Add(20*time.Minute), firstSend, 5), now: firstSend.Add(30 * time.Minute),
			wantCode: "code_rate_limited", wantMsg: "đã nhận 5 mã trong một giờ. Mã gửi gần nhất (lúc 16:20) vẫn dùng được đến 16:40; sau 17:00",
			wantWait: 30 * time.Minute,
		},
		{
			name: "a sixth send one second before the hour ends is refused",
			prev: sent(firstSend.Add(20*time.Minute), firstSend, 5), now: firstSend.Add(time.Hour - time.Second),
			wantCode: "code_rate_limited",
		},
		{
			name: "a send once the hour is over starts a new window",
			prev: sent(firstSend.Add(20*time.Minute), firstSend, 5), now: firstSend.Add(time.Hour),
			want: signin.CodeState{Hash: "new", ExpiresAt: firstSend.Add(time.Hour + signin.CodeTTL), WindowStart: firstSend.Add(time.Hour), Sends: 1, LastSentAt: firstSend.Add(time.Hour)},
		},
		{
			name: "a new code resets tries and the used mark",
			prev: &signin.CodeState{Hash: "old", Tries: 5, TriesBy: map[string]int{"me": 5}, Used: true, WindowStart: firstSend, Sends: 1, LastSentAt: firstSend},
			now:  firstSend.Add(2 * time.Minute),
			want: signin.CodeState{Hash: "new", ExpiresAt: firstSend.Add(2*time.Minute + signin.CodeTTL), WindowStart: firstSend, Sends: 2, LastSentAt: firstSend.Add(2 * time.Minute)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := signin.Issue(tt.prev, "new", tt.now)
			if tt.wantCode != "" {
				if gotCode := fault.CodeOf(err); gotCode != tt.wantCode {
					t.Fatalf("Issue error = %v (code %q), want code %q", err, gotCode, tt.wantCode)
				}
				fe, _ := fault.As(err)
				if fe.Kind != fault.KindRateLimited {
					t.Errorf("Issue error kind = %v, want KindRateLimited", fe.Kind)
				}
				if !strings.Contains(fe.Message, tt.wantMsg) {
					t.Errorf("Issue message = %q, want it to contain %q", fe.Message, tt.wantMsg)
				}
				if tt.wantWait != 0 && fe.RetryAfter != tt.wantWait {
					t.Errorf("Issue RetryAfter = %v, want %v", fe.RetryAfter, tt.wantWait)
				}
				return
			}
			if err != nil {
				t.Fatalf("Issue error = %v, want nil", err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("Issue =\n %+v\nwant\n %+v", got, tt.want)
			}
		})
	}
}

func TestIssueAllowsFiveSendsPerHour(t *testing.T) {
	var st *signin.CodeState
	now := firstSend
	for i := 1; i <= 5; i++ {
		next, err := signin.Issue(st, "h", now)
		if err != nil {
			t.Fatalf("send %d at %v: %v, want it allowed", i, now.Sub(firstSend), err)
		}
		if got, want := next.Sends, i; got != want {
			t.Fatalf("send %d: Sends = %d, want %d", i, got, want)
		}
		st = &next
		now = now.Add(61 * time.Second)
	}
	if _, err := signin.Issue(st, "h", now); fault.CodeOf(err) != "code_rate_limited" {
		t.Fatalf("send 6 at %v: %v, want code_rate_limited", now.Sub(firstSend), err)
	}
}

func TestCheck(t *testing.T) {
	now := firstSend.Add(3 * time.Minute)
	// fresh is a code tried wrongly mine times by "me" and others times by other networks.
	fresh := func(mine, others int) *signin.CodeState {
		st := &signin.CodeState{Hash: "right", ExpiresAt: firstSend.Add(signin.CodeTTL), Tries: mine + others,
			TriesBy: map[string]int{}, WindowStart: firstSend, Sends: 1, LastSentAt: firstSend}
		if mine > 0 {
			st.TriesBy["me"] = mine
		}
		for i := 0; others > 0; i++ {
			n := min(others, signin.MaxTries)
			st.TriesBy[fmt.Sprintf("stranger-%d", i)] = n
			others -= n
		}
		return st
	}
	used := fresh(0, 0)
	used.Used = true
	noHash := fresh(0, 0)
	noHash.Hash = ""
	tests := []struct {
		name     string
		state    *signin.CodeState
		hash     string
		now      time.Time
		wantCode string
		wantKind fault.Kind
		wantMsg  string
		counts   bool
	}{
		{name: "no stored code is invalid", state: nil, hash: "right", now: now, wantCode: "code_invalid", wantKind: fault.KindUnauthorized},
		{name: "a state without a hash is invalid", state: noHash, hash: "", now: now, wantCode: "code_invalid", wantKind: fault.KindUnauthorized},
		{name: "a used code is invalid even when right", state: used, hash: "right", now: now, wantCode: "code_invalid", wantKind: fault.KindUnauthorized},
		{name: "a code I tried wrongly five times is locked for me even when right", state: fresh(5, 0), hash: "right", now: now, wantCode: "code_locked", wantKind: fault.KindForbidden},
		{name: "a code I tried wrongly six times is locked for me", state: fresh(6, 0), hash: "right", now: now, wantCode: "code_locked", wantKind: fault.KindForbidden},
		{name: "a code a stranger tried wrongly five times still opens for me", state: fresh(0, 5), hash: "right", now: now},
		{name: "a code strangers on three networks tried wrongly fifteen times still opens for me", state: fresh(0, 15), hash: "right", now: now},
		{name: "a code tried wrongly twenty times in all is locked for everyone", state: fresh(0, 20), hash: "right", now: now, wantCode: "code_locked", wantKind: fault.KindForbidden},
		{name: "my wrong try after strangers' nineteen is the last", state: fresh(0, 19), hash: "wrong", now: now, wantCode: "code_locked", wantKind: fault.KindForbidden, counts: true},
		{name: "my wrong try after strangers' eighteen leaves one", state: fresh(0, 18), hash: "wrong", now: now, wantCode: "code_wrong", wantKind: fault.KindUnauthorized, wantMsg: "còn 1 lần", counts: true},
		{name: "an expired code is refused even when right", state: fresh(0, 0), hash: "right", now: firstSend.Add(signin.CodeTTL + time.Second), wantCode: "code_expired", wantKind: fault.KindUnauthorized},
		{name: "a code at its expiry instant still opens", state: fresh(0, 0), hash: "right", now: firstSend.Add(signin.CodeTTL)},
		{name: "a first wrong try leaves four tries", state: fresh(0, 0), hash: "wrong", now: now, wantCode: "code_wrong", wantKind: fault.KindUnauthorized, wantMsg: "còn 4 lần", counts: true},
		{name: "a stranger's wrong tries do not use up mine", state: fresh(0, 4), hash: "wrong", now: now, wantCode: "code_wrong", wantKind: fault.KindUnauthorized, wantMsg: "còn 4 lần", counts: true},
		{name: "a third wrong try leaves two tries", state: fresh(2, 0), hash: "wrong", now: now, wantCode: "code_wrong", wantKind: fault.KindUnauthorized, wantMsg: "còn 2 lần", counts: true},
		{name: "a fourth wrong try leaves one try", state: fresh(3, 0), hash: "wrong", now: now, wantCode: "code_wrong", wantKind: fault.KindUnauthorized, wantMsg: "còn 1 lần", counts: true},
		{name: "the fifth wrong try locks the code for me", state: fresh(4, 0), hash: "wrong", now: now, wantCode: "code_locked", wantKind: fault.KindForbidden, counts: true},
		{name: "a try on a code already locked for me does not count", state: fresh(5, 0), hash: "wrong", now: now, wantCode: "code_locked", wantKind: fault.KindForbidden},
		{name: "an empty hash is a wrong try", state: fresh(0, 0), hash: "", now: now, wantCode: "code_wrong", wantKind: fault.KindUnauthorized, counts: true},
		{name: "the right hash opens a fresh code", state: fresh(0, 0), hash: "right", now: now},
		{name: "the right hash opens after four wrong tries", state: fresh(4, 0), hash: "right", now: now},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			counts, err := signin.Check(tt.state, tt.hash, "me", tt.now)
			if counts != tt.counts {
				t.Errorf("Check counts the try = %v, want %v", counts, tt.counts)
			}
			if tt.wantCode == "" {
				if err != nil {
					t.Fatalf("Check error = %v, want nil", err)
				}
				return
			}
			fe, ok := fault.As(err)
			if !ok {
				t.Fatalf("Check error = %v, want a fault with code %q", err, tt.wantCode)
			}
			if got, want := fe.Code, tt.wantCode; got != want {
				t.Errorf("Check code = %q, want %q", got, want)
			}
			if got, want := fe.Kind, tt.wantKind; got != want {
				t.Errorf("Check kind = %v, want %v", got, want)
			}
			if !strings.Contains(fe.Message, tt.wantMsg) {
				t.Errorf("Check message = %q, want it to contain %q", fe.Message, tt.wantMsg)
			}
		})
	}
}

// TestCheckCountsDownToLock walks a code through wrong tries the way the
// auth function does (Check, then record the try when it counts), until it
// locks for that requester, and not for another.
func TestCheckCountsDownToLock(t *testing.T) {
	st := &signin.CodeState{Hash: "right", ExpiresAt: firstSend.Add(signin.CodeTTL), TriesBy: map[string]int{}, WindowStart: firstSend, Sends: 1, LastSentAt: firstSend}
	now := firstSend.Add(time.Minute)
	want := []string{"code_wrong", "code_wrong", "code_wrong", "code_wrong", "code_locked", "code_locked"}
	for i, w := range want {
		counts, err := signin.Check(st, "wrong", "stranger", now)
		if got := fault.CodeOf(err); got != w {
			t.Fatalf("wrong try %d: code %q, want %q", i+1, got, w)
		}
		if counts {
			st.Tries++
			st.TriesBy["stranger"]++
		}
	}
	if _, err := signin.Check(st, "right", "stranger", now); fault.CodeOf(err) != "code_locked" {
		t.Fatalf("right code after lock: %v, want code_locked", err)
	}
	if _, err := signin.Check(st, "right", "owner", now); err != nil {
		t.Fatalf("the owner's right code after a stranger's lock: %v, want it to open", err)
	}
}
