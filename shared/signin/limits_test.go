package signin_test

import (
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/signin"
)

func TestBucketTake(t *testing.T) {
	b := signin.Bucket{Name: "requester", Burst: 3, Every: 10 * time.Second}
	now := firstSend
	tests := []struct {
		name     string
		full     time.Time
		now      time.Time
		want     time.Time
		wantWait time.Duration
	}{
		{name: "a new bucket gives a token", full: time.Time{}, now: now, want: now.Add(10 * time.Second)},
		{name: "a bucket full long ago gives a token", full: now.Add(-time.Hour), now: now, want: now.Add(10 * time.Second)},
		{name: "a bucket with one token spent gives the second", full: now.Add(10 * time.Second), now: now, want: now.Add(20 * time.Second)},
		{name: "a bucket with two spent gives the third, its last", full: now.Add(20 * time.Second), now: now, want: now.Add(30 * time.Second)},
		{name: "an empty bucket refuses for the time one token takes to come back", full: now.Add(30 * time.Second), now: now, wantWait: 10 * time.Second},
		{name: "an empty bucket 4 seconds later asks for 6 more", full: now.Add(30 * time.Second), now: now.Add(4 * time.Second), wantWait: 6 * time.Second},
		{name: "an empty bucket 10 seconds later has a token again", full: now.Add(30 * time.Second), now: now.Add(10 * time.Second), want: now.Add(40 * time.Second)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := b.Take(tt.full, tt.now)
			if tt.wantWait != 0 {
				fe, ok := fault.As(err)
				if !ok || fe.Kind != fault.KindRateLimited || fe.Code != "too_many_codes" || fe.RetryAfter != tt.wantWait {
					t.Fatalf("Take = %v, want too_many_codes after %v", err, tt.wantWait)
				}
				if b.Wait(tt.full, tt.now) != tt.wantWait {
					t.Errorf("Wait = %v, want %v", b.Wait(tt.full, tt.now), tt.wantWait)
				}
				return
			}
			if err != nil || !got.Equal(tt.want) {
				t.Fatalf("Take = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestBudgets(t *testing.T) {
	tests := []struct {
		name string
		got  signin.Bucket
		want signin.Bucket
	}{
		{"a requester gets 5 at once, then one every 6 seconds", signin.RequesterBudget(contest.Contest{}),
			signin.Bucket{Name: "requester", Burst: 5, Every: 6 * time.Second}},
		{"a contest may give a requester more an hour, and ten seconds' worth at once", signin.RequesterBudget(contest.Contest{CodesPerRequesterHour: 3600}),
			signin.Bucket{Name: "requester", Burst: 10, Every: time.Second}},
		{"a requester's burst grows with a raised rate", signin.RequesterBudget(contest.Contest{CodesPerRequesterHour: 360_000}),
			signin.Bucket{Name: "requester", Burst: 1000, Every: 10 * time.Millisecond}},
		{"a requester limit just over the default keeps the burst of 5", signin.RequesterBudget(contest.Contest{CodesPerRequesterHour: 1200}),
			signin.Bucket{Name: "requester", Burst: 5, Every: 3 * time.Second}},
		{"a requester limit under 5 an hour is also the burst", signin.RequesterBudget(contest.Contest{CodesPerRequesterHour: 2}),
			signin.Bucket{Name: "requester", Burst: 2, Every: 30 * time.Minute}},
		{"the contest sends 5 a second, 10 at once", signin.ContestBudget(contest.Contest{}),
			signin.Bucket{Name: "contest", Burst: 10, Every: 200 * time.Millisecond}},
		{"a contest with a larger SES quota may send more", signin.ContestBudget(contest.Contest{CodesPerSecond: 40}),
			signin.Bucket{Name: "contest", Burst: 80, Every: 25 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %+v, want %+v", tt.got, tt.want)
			}
		})
	}
	t.Run("the default contest budget stays under SES's 14 a second with reminders' 8", func(t *testing.T) {
		b := signin.ContestBudget(contest.Contest{})
		if perSecond := float64(time.Second) / float64(b.Every); perSecond+8 > 14 {
			t.Errorf("%v codes a second + 8 reminders exceed 14", perSecond)
		}
	})
}

// TestOneClientCannotSendAThousandCodes is the attack of issue #12 on the
// rules alone: one client asks for 1,000 different addresses within 4.5 s
// (the per-address limits never apply). Its bucket lets 5 through; the
// contest's bucket still has room for other people.
func TestOneClientCannotSendAThousandCodes(t *testing.T) {
	c := contest.Contest{}
	requester, all := signin.RequesterBudget(c), signin.ContestBudget(c)
	var mine, everyone time.Time
	now := firstSend
	sent, refused := 0, 0
	for i := range 1000 {
		now = firstSend.Add(time.Duration(i) * 4500 * time.Microsecond) // 1,000 requests in 4.5 s
		next, err := requester.Take(mine, now)
		if err != nil {
			refused++
			continue
		}
		mine = next
		if everyone, err = all.Take(everyone, now); err != nil {
			t.Fatalf("request %d: the contest budget refused: %v", i, err)
		}
		sent++
	}
	t.Logf("1,000 code requests from one client in 4.5 s: %d e-mails sent, %d refused", sent, refused)
	if sent != signin.DefaultRequesterBurst {
		t.Errorf("sent %d e-mails, want %d", sent, signin.DefaultRequesterBurst)
	}
	if _, err := all.Take(everyone, now); err != nil {
		t.Errorf("a real person on another network is refused: %v", err)
	}
}

func TestRequester(t *testing.T) {
	tests := []struct{ name, ip, want string }{
		{"an IPv4 address is itself", "203.0.113.24", "203.0.113.24"},
		{"an IPv4-mapped IPv6 address is the IPv4 address", "::ffff:203.0.113.24", "203.0.113.24"},
		{"an IPv6 address is its /64", "2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"},
		{"another address of the same /64 is the same requester", "2001:db8:1:2::1", "2001:db8:1:2::/64"},
		{"a zone is ignored", "fe80::1%eth0", "fe80::/64"},
		{"no address is unknown", "", "unknown"},
		{"a host name is unknown", "example.com", "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := signin.Requester(tt.ip); got != tt.want {
				t.Errorf("Requester(%q) = %q, want %q", tt.ip, got, tt.want)
			}
		})
	}
	t.Run("stored keys hide the address and tell requesters apart", func(t *testing.T) {
		a, b := signin.RequesterKey(testKey, "203.0.113.24"), signin.RequesterKey(testKey, "203.0.113.25")
		if a == b || len(a) != 20 || a == signin.RequesterKey(otherKey, "203.0.113.24") {
			t.Errorf("keys %q %q", a, b)
		}
		if signin.RequesterKey(testKey, "2001:db8::1") != signin.RequesterKey(testKey, "2001:db8::2") {
			t.Error("two addresses of one /64 have different keys")
		}
	})
}

func TestLatestAgreesWithTake(t *testing.T) {
	now := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	for _, b := range []signin.Bucket{signin.RequesterBudget(contest.Contest{}), signin.ContestBudget(contest.Contest{}),
		signin.RequesterBudget(contest.Contest{CodesPerRequesterHour: 2})} {
		latest := b.Latest(now)
		tests := []struct {
			name  string
			full  time.Time
			takes bool
		}{
			{"a full bucket (a state in the past) gives a token", now.Add(-time.Hour), true},
			{"a bucket whose state is now gives a token", now, true},
			{"a state at Latest still gives a token", latest, true},
			{"a state one millisecond past Latest gives none", latest.Add(time.Millisecond), false},
		}
		for _, tt := range tests {
			t.Run(b.Name+": "+tt.name, func(t *testing.T) {
				next, err := b.Take(tt.full, now)
				if (err == nil) != tt.takes {
					t.Fatalf("Take(%v) error %v, want a token: %v", tt.full, err, tt.takes)
				}
				if err == nil && !tt.full.Before(now) && !next.Equal(tt.full.Add(b.Every)) {
					t.Errorf("Take advanced %v to %v, want +%v", tt.full, next, b.Every)
				}
			})
		}
	}
}
