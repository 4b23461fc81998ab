package contest

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

func TestDueRuns(t *testing.T) {
	// A week of rounds: last week's closed Sunday 24:00, this week's open.
	monday := time.Date(2026, 3, 2, 0, 0, 0, 0, ICT) // a Monday
	last := Round{ID: "tuan-1", Audience: AudienceStaff, OpensAt: monday.AddDate(0, 0, -7), ClosesAt: monday}
	this := Round{ID: "tuan-2", Audience: AudienceStaff, OpensAt: monday, ClosesAt: monday.AddDate(0, 0, 7)}
	citizens := Round{ID: "dan-2", Audience: AudienceCitizen, OpensAt: monday, ClosesAt: monday.AddDate(0, 0, 7)}
	published := last
	published.PublishedAt = monday.Add(time.Hour)
	wednesday8 := monday.AddDate(0, 0, 2).Add(8 * time.Hour)
	bangkokNoon := &Schedule{TimeZone: "Asia/Singapore", TallyAfterMinutes: 90, Reminders: []ReminderSlot{{Name: "trua", Weekday: time.Tuesday, Time: "12:00", Audience: RemindEveryone}}}
	tests := []struct {
		name   string
		sched  *Schedule
		rounds []Round
		now    time.Time
		action string
		want   []string
	}{
		{"nothing is due just before the tally's time", nil, []Round{last, this}, monday.Add(29 * time.Minute), "", nil},
		{"a round's tally is due half an hour after it closes by default", nil, []Round{last, this}, monday.Add(30 * time.Minute), "", []string{"tally#tuan-1"}},
		{"a missed tally is still due days later", nil, []Round{last, this}, monday.AddDate(0, 0, 1), ActionTally, []string{"tally#tuan-1"}},
		{"a published round is not tallied again", nil, []Round{published, this}, monday.AddDate(0, 0, 1), ActionTally, nil},
		{"the contest's own delay counts", bangkokNoon, []Round{last}, monday.Add(89 * time.Minute), ActionTally, nil},
		{"the contest's own delay is met", bangkokNoon, []Round{last}, monday.Add(90 * time.Minute), ActionTally, []string{"tally#tuan-1"}},
		{"the mid-week reminder is due at 08:00 ICT for the open staff round only", nil, []Round{last, this, citizens}, wednesday8, ActionRemind,
			[]string{"remind#tuan-2#reminder-midweek#2026-03-04"}},
		{"a minute before it, no reminder", nil, []Round{this}, wednesday8.Add(-time.Minute), ActionRemind, nil},
		{"a missed tick is caught up within six hours", nil, []Round{this}, wednesday8.Add(6 * time.Hour), ActionRemind,
			[]string{"remind#tuan-2#reminder-midweek#2026-03-04"}},
		{"a slot missed for longer is let go", nil, []Round{this}, wednesday8.Add(6*time.Hour + time.Minute), ActionRemind, nil},
		{"the slot's time is read in the contest's time zone (12:00 UTC+8 is 11:00 ICT)", bangkokNoon, []Round{this},
			monday.AddDate(0, 0, 1).Add(11 * time.Hour), ActionRemind, []string{"remind#tuan-2#trua#2026-03-03"}},
		{"an empty list of reminders sends none", &Schedule{Reminders: []ReminderSlot{}}, []Round{this}, wednesday8, ActionRemind, nil},
		{"a round that opened after the slot's time gets no late reminder", nil,
			[]Round{{ID: "muon", Audience: AudienceStaff, OpensAt: wednesday8.Add(time.Hour), ClosesAt: monday.AddDate(0, 0, 7)}},
			wednesday8.Add(2 * time.Hour), ActionRemind, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, r := range DueRuns(Contest{ID: "hue", Schedule: tt.sched}, tt.rounds, tt.now, tt.action) {
				got = append(got, r.Key)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("due %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCheckSchedule(t *testing.T) {
	ok := ReminderSlot{Name: "nhac", Weekday: time.Friday, Time: "07:30", Audience: RemindEveryone}
	tests := []struct {
		name  string
		in    Schedule
		field string
	}{
		{"a plain schedule passes, its blanks filled with the defaults", Schedule{Reminders: []ReminderSlot{ok}}, ""},
		{"an unknown time zone is refused", Schedule{TimeZone: "Europe/Paris"}, "schedule.timeZone"},
		{"a tally sooner than five minutes is refused", Schedule{TallyAfterMinutes: 2}, "schedule.tallyAfterMinutes"},
		{"a tally later than a day is refused", Schedule{TallyAfterMinutes: 1441}, "schedule.tallyAfterMinutes"},
		{"a time not HH:MM is refused", Schedule{Reminders: []ReminderSlot{{Name: "x", Time: "8h", Audience: RemindEveryone}}}, "schedule.reminders[0]"},
		{"a slot named twice is refused", Schedule{Reminders: []ReminderSlot{ok, ok}}, "schedule.reminders[1]"},
		{"an unknown audience is refused", Schedule{Reminders: []ReminderSlot{{Name: "x", Time: "08:00", Audience: "all"}}}, "schedule.reminders[0]"},
		{"more slots than the limit are refused", Schedule{Reminders: make([]ReminderSlot, ScheduleLimits.MaxReminders+1)}, "schedule.reminders"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems := CheckSchedule(&tt.in)
			if tt.field == "" {
				if problems != nil || got.TimeZone != TimeZoneDefault || got.TallyAfterMinutes != 30 {
					t.Errorf("got %+v, problems %v", got, problems)
				}
				return
			}
			if _, found := problems[tt.field]; !found {
				t.Errorf("problems %v, want one at %s", problems, tt.field)
			}
		})
	}
}

func TestCheckOrigins(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []string
		bad  bool
	}{
		{"https origins are kept, tidied, each once", []string{"https://HoiThi.Hue.gov.vn/", "https://hoithi.hue.gov.vn"}, []string{"https://hoithi.hue.gov.vn"}, false},
		{"a port is part of the origin", []string{"https://thi.example.vn:8443"}, []string{"https://thi.example.vn:8443"}, false},
		{"http is allowed for the local platform only", []string{"http://127.0.0.1:8080", "http://localhost:8081"}, []string{"http://127.0.0.1:8080", "http://localhost:8081"}, false},
		{"plain http elsewhere is refused", []string{"http://thi.example.vn"}, nil, true},
		{"a path is refused", []string{"https://thi.example.vn/trang"}, nil, true},
		{"a bare host is refused", []string{"thi.example.vn"}, nil, true},
		{"credentials in the origin are refused", []string{"https://a:b@thi.example.vn"}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems := CheckOrigins(tt.in)
			if !slices.Equal(got, tt.want) || (problems != nil) != tt.bad {
				t.Errorf("got %v, problems %v", got, problems)
			}
		})
	}
}

func TestNextRuns(t *testing.T) {
	monday := time.Date(2026, 3, 2, 0, 0, 0, 0, ICT) // a Monday
	last := Round{ID: "tuan-1", Title: "Tuần 1", Audience: AudienceStaff, OpensAt: monday.AddDate(0, 0, -7), ClosesAt: monday}
	this := Round{ID: "tuan-2", Title: "Tuần 2", Audience: AudienceStaff, OpensAt: monday, ClosesAt: monday.AddDate(0, 0, 7)}
	next := Round{ID: "tuan-3", Title: "Tuần 3", Audience: AudienceStaff, OpensAt: monday.AddDate(0, 0, 7), ClosesAt: monday.AddDate(0, 0, 14)}
	citizens := Round{ID: "dan-2", Audience: AudienceCitizen, OpensAt: monday, ClosesAt: monday.AddDate(0, 0, 7)}
	published := last
	published.PublishedAt = monday.Add(time.Hour)
	singaporeNoon := &Schedule{TimeZone: "Asia/Singapore", TallyAfterMinutes: 90, Reminders: []ReminderSlot{{Name: "trua", Weekday: time.Tuesday, Time: "12:00", Audience: RemindEveryone}}}
	// runs are written "action round[+rounds] slot at-in-the-schedule's-zone [due]"
	tests := []struct {
		name     string
		sched    *Schedule
		rounds   []Round
		now      time.Time
		tallies  []string
		reminder string
	}{
		{"just after a round closes, its tally is next, then the open round's; the mid-week reminder is next", nil,
			[]Round{last, this, next}, monday.Add(10 * time.Minute),
			[]string{"tally tuan-1 2026-03-02T00:30:00+07:00", "tally tuan-2 2026-03-09T00:30:00+07:00"},
			"remind tuan-2 reminder-midweek 2026-03-04T08:00:00+07:00"},
		{"a tally whose time has passed is due (the next tick starts it)", nil, []Round{last, this}, monday.Add(time.Hour),
			[]string{"tally tuan-1 2026-03-02T00:30:00+07:00 due", "tally tuan-2 2026-03-09T00:30:00+07:00"},
			"remind tuan-2 reminder-midweek 2026-03-04T08:00:00+07:00"},
		{"a published round and an upcoming one have no next tally", nil, []Round{published, this, next}, monday.Add(time.Hour),
			[]string{"tally tuan-2 2026-03-09T00:30:00+07:00"}, "remind tuan-2 reminder-midweek 2026-03-04T08:00:00+07:00"},
		{"after Saturday's slot, the next reminder is next week's, for next week's round", nil, []Round{this, next},
			monday.AddDate(0, 0, 5).Add(9 * time.Hour),
			[]string{"tally tuan-2 2026-03-09T00:30:00+07:00"}, "remind tuan-3 reminder-midweek 2026-03-11T08:00:00+07:00"},
		{"with no staff round open at any slot ahead, there is no next reminder", nil, []Round{this, citizens},
			monday.AddDate(0, 0, 5).Add(9 * time.Hour),
			[]string{"tally dan-2 2026-03-09T00:30:00+07:00", "tally tuan-2 2026-03-09T00:30:00+07:00"}, ""},
		{"the contest's own delay and zone: times are read and given in it", singaporeNoon, []Round{last, this}, monday.Add(10 * time.Minute),
			[]string{"tally tuan-1 2026-03-02T02:30:00+08:00", "tally tuan-2 2026-03-09T02:30:00+08:00"},
			"remind tuan-2 trua 2026-03-03T12:00:00+08:00"},
		{"an empty list of reminders has no next reminder", &Schedule{Reminders: []ReminderSlot{}}, []Round{this}, monday,
			[]string{"tally tuan-2 2026-03-09T00:30:00+07:00"}, ""},
	}
	show := func(r NextRun) string {
		s := r.Action + " " + r.Round
		if len(r.Rounds) > 1 {
			s += "+" + fmt.Sprint(len(r.Rounds)-1)
		}
		if r.Slot != "" {
			s += " " + r.Slot
		}
		s += " " + r.At.Format(time.RFC3339)
		if r.Due {
			s += " due"
		}
		return s
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NextRuns(Contest{ID: "hue", Schedule: tt.sched}, tt.rounds, tt.now)
			var tallies []string
			for _, r := range got.Tallies {
				tallies = append(tallies, show(r))
			}
			if !slices.Equal(tallies, tt.tallies) {
				t.Errorf("tallies %q, want %q", tallies, tt.tallies)
			}
			reminder := ""
			if got.Reminder != nil {
				reminder = show(*got.Reminder)
			}
			if reminder != tt.reminder {
				t.Errorf("reminder %q, want %q", reminder, tt.reminder)
			}
		})
	}
}
