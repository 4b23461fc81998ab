package contest

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Schedule is when a contest's scheduled runs happen, from its settings (no
// redeploy): its tally some minutes after each round closes, and its
// reminder slots, each a weekday and a time in the contest's time zone. One
// frequent tick per function reads every contest's schedule and starts the
// runs that are due (DueRuns).
type Schedule struct {
	// TimeZone is where the slots' times are read ("": TimeZoneDefault);
	// one of ScheduleLimits.TimeZones.
	TimeZone string `json:"timeZone,omitempty"`
	// TallyAfterMinutes is how long after a round closes its results are
	// tallied and published (0: ScheduleLimits.TallyAfterMinutes.Default).
	TallyAfterMinutes int `json:"tallyAfterMinutes,omitempty"`
	// Reminders are the reminder slots; an empty list sends no reminders.
	Reminders []ReminderSlot `json:"reminders"`
}

// ReminderSlot is one weekly reminder: each person gets at most one e-mail
// per round and slot (Name).
type ReminderSlot struct {
	Name string `json:"name"`
	// Weekday is 0 (Sunday) to 6 (Saturday).
	Weekday time.Weekday `json:"weekday"`
	// Time is "HH:MM" in the schedule's time zone.
	Time string `json:"time"`
	// Audience is RemindEveryone or RemindUnitAdmins.
	Audience string `json:"audience"`
}

// Reminder audiences: everyone who has not taken part yet (and each unit
// admin a summary), or only the unit admins' summaries (the same strings as
// shared/platform's).
const (
	RemindEveryone   = "everyone"
	RemindUnitAdmins = "unit-admins"
)

// TimeZoneDefault is the contests' usual time zone.
const TimeZoneDefault = "Asia/Ho_Chi_Minh"

// timeZones are the zones a schedule may name: zones without daylight
// saving, as fixed offsets, so the functions need no tzdata.
var timeZones = map[string]int{
	"Asia/Ho_Chi_Minh": 7, "Asia/Bangkok": 7, "Asia/Jakarta": 7, "Asia/Vientiane": 7, "Asia/Phnom_Penh": 7,
	"Asia/Singapore": 8, "Asia/Kuala_Lumpur": 8, "Asia/Manila": 8, "Asia/Tokyo": 9, "UTC": 0,
}

// IntRange is a whole-number bound with the value that 0 or absent means.
type IntRange struct {
	Min     int `json:"min"`
	Max     int `json:"max"`
	Default int `json:"default"`
}

// ScheduleLimitSet are the bounds of a contest's schedule and origins, as
// the organiser console shows them (GET /contest) and CheckSchedule and
// CheckOrigins apply.
type ScheduleLimitSet struct {
	TimeZones         []string `json:"timeZones"`
	TallyAfterMinutes IntRange `json:"tallyAfterMinutes"`
	MaxReminders      int      `json:"maxReminders"`
	Audiences         []string `json:"audiences"`
	// MaxOrigins is how many site origins a contest may list.
	MaxOrigins int `json:"maxOrigins"`
	// TickMinutes is how often the schedules are looked at: a run starts
	// within this much of its time.
	TickMinutes int `json:"tickMinutes"`
	// ReminderCatchUpHours: a reminder slot whose tick was missed still
	// runs this long after its time (later, not at all).
	ReminderCatchUpHours int `json:"reminderCatchUpHours"`
	// Default is the schedule of a contest whose settings name none.
	Default Schedule `json:"default"`
}

// ScheduleLimits are the schedule's bounds.
var ScheduleLimits = ScheduleLimitSet{
	TimeZones: func() []string {
		z := make([]string, 0, len(timeZones))
		for k := range timeZones {
			z = append(z, k)
		}
		slices.Sort(z)
		return z
	}(),
	TallyAfterMinutes:    IntRange{Min: 5, Max: 24 * 60, Default: 30},
	MaxReminders:         6,
	Audiences:            []string{RemindUnitAdmins, RemindEveryone},
	MaxOrigins:           10,
	TickMinutes:          5,
	ReminderCatchUpHours: 6,
	// Rounds close Sunday 24:00: the tally half an hour later. Mid-week,
	// unit admins get the list of who has not taken part yet; on the last
	// day, everyone still missing gets a reminder too.
	Default: Schedule{TimeZone: TimeZoneDefault, TallyAfterMinutes: 30, Reminders: []ReminderSlot{
		{Name: "reminder-midweek", Weekday: time.Wednesday, Time: "08:00", Audience: RemindUnitAdmins},
		{Name: "reminder-last-day", Weekday: time.Saturday, Time: "08:00", Audience: RemindEveryone},
	}},
}

// EffectiveSchedule is the contest's schedule, or the default one.
func (c Contest) EffectiveSchedule() Schedule {
	if c.Schedule == nil {
		return ScheduleLimits.Default
	}
	s := *c.Schedule
	if s.TimeZone == "" {
		s.TimeZone = TimeZoneDefault
	}
	if s.TallyAfterMinutes == 0 {
		s.TallyAfterMinutes = ScheduleLimits.TallyAfterMinutes.Default
	}
	return s
}

// Location is the schedule's time zone (ICT for an unknown name, which
// CheckSchedule refuses).
func (s Schedule) Location() *time.Location {
	h, ok := timeZones[s.TimeZone]
	if !ok || s.TimeZone == TimeZoneDefault || s.TimeZone == "" {
		return ICT
	}
	return time.FixedZone(s.TimeZone, h*3600)
}

// clock parses "HH:MM".
func clock(s string) (h, m int, ok bool) {
	hh, mm, found := strings.Cut(s, ":")
	if !found || len(hh) != 2 || len(mm) != 2 {
		return 0, 0, false
	}
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	return h, m, err1 == nil && err2 == nil && h >= 0 && h < 24 && m >= 0 && m < 60
}

// CheckSchedule checks a schedule (nil: the default, fine) and returns it
// tidied, with each problem as field → message (Vietnamese).
func CheckSchedule(s *Schedule) (*Schedule, map[string]string) {
	if s == nil {
		return nil, nil
	}
	out := *s
	problems := map[string]string{}
	out.TimeZone = strings.TrimSpace(out.TimeZone)
	if out.TimeZone == "" {
		out.TimeZone = TimeZoneDefault
	}
	if _, ok := timeZones[out.TimeZone]; !ok {
		problems["schedule.timeZone"] = fmt.Sprintf("múi giờ %q không dùng được: chọn một trong %s", out.TimeZone, strings.Join(ScheduleLimits.TimeZones, ", "))
	}
	lim := ScheduleLimits.TallyAfterMinutes
	if out.TallyAfterMinutes == 0 {
		out.TallyAfterMinutes = lim.Default
	}
	if out.TallyAfterMinutes < lim.Min || out.TallyAfterMinutes > lim.Max {
		problems["schedule.tallyAfterMinutes"] = fmt.Sprintf("tổng hợp kết quả %d phút sau khi đợt thi đóng: phải từ %d đến %d phút", out.TallyAfterMinutes, lim.Min, lim.Max)
	}
	if len(out.Reminders) > ScheduleLimits.MaxReminders {
		problems["schedule.reminders"] = fmt.Sprintf("có %d lượt nhắc: nhiều nhất %d lượt một tuần", len(out.Reminders), ScheduleLimits.MaxReminders)
	}
	out.Reminders = slices.Clone(out.Reminders)
	if out.Reminders == nil {
		out.Reminders = []ReminderSlot{}
	}
	names := map[string]bool{}
	for i, r := range out.Reminders {
		field := fmt.Sprintf("schedule.reminders[%d]", i)
		r.Name, r.Time, r.Audience = strings.TrimSpace(r.Name), strings.TrimSpace(r.Time), strings.TrimSpace(r.Audience)
		out.Reminders[i] = r
		switch {
		case !ValidID(r.Name):
			problems[field] = fmt.Sprintf("tên lượt nhắc %q: dùng chữ thường a–z không dấu, chữ số và \"-\" (ví dụ nhac-thu-tu)", r.Name)
		case names[r.Name]:
			problems[field] = fmt.Sprintf("lượt nhắc %q có hai lần", r.Name)
		case r.Weekday < time.Sunday || r.Weekday > time.Saturday:
			problems[field] = fmt.Sprintf("lượt nhắc %q: thứ trong tuần phải từ 0 (Chủ nhật) đến 6 (thứ Bảy)", r.Name)
		case !validClock(r.Time):
			problems[field] = fmt.Sprintf("lượt nhắc %q: giờ %q phải có dạng HH:MM (ví dụ 08:00)", r.Name, r.Time)
		case !slices.Contains(ScheduleLimits.Audiences, r.Audience):
			problems[field] = fmt.Sprintf("lượt nhắc %q: người nhận %q không rõ: ghi %q hoặc %q", r.Name, r.Audience, RemindUnitAdmins, RemindEveryone)
		}
		names[r.Name] = true
	}
	if len(problems) == 0 {
		problems = nil
	}
	return &out, problems
}

func validClock(s string) bool { _, _, ok := clock(s); return ok }

// CheckOrigins checks a contest's site origins and returns them tidied
// (lower case, no trailing slash, each once), with each problem as field →
// message: scheme and host only, https (http only for localhost and
// 127.0.0.1, the local platform's).
func CheckOrigins(origins []string) ([]string, map[string]string) {
	problems := map[string]string{}
	var out []string
	if len(origins) > ScheduleLimits.MaxOrigins {
		problems["origins"] = fmt.Sprintf("có %d địa chỉ trang: nhiều nhất %d", len(origins), ScheduleLimits.MaxOrigins)
	}
	for i, o := range origins {
		norm, ok := NormalizeOrigin(o)
		if !ok {
			problems[fmt.Sprintf("origins[%d]", i)] = fmt.Sprintf("%q không phải địa chỉ trang: ghi https:// và tên miền, không có đường dẫn (ví dụ https://hoithi.hue.gov.vn)", o)
			continue
		}
		if !slices.Contains(out, norm) {
			out = append(out, norm)
		}
	}
	if len(problems) == 0 {
		problems = nil
	}
	return out, problems
}

// NormalizeOrigin returns o as a browser sends it in the Origin header
// (scheme://host[:port], lower case), and whether it is one a contest may
// list.
func NormalizeOrigin(o string) (string, bool) {
	o = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(o)), "/")
	u, err := url.Parse(o)
	if err != nil || u.Host == "" || u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" || strings.HasSuffix(o, "?") {
		return "", false
	}
	local := u.Hostname() == "localhost" || u.Hostname() == "127.0.0.1"
	if u.Scheme != "https" && !(u.Scheme == "http" && local) {
		return "", false
	}
	return u.Scheme + "://" + u.Host, true
}

// Run actions.
const (
	ActionTally  = "tally"
	ActionRemind = "remind"
)

// DueRun is a scheduled run that is due: a round's tally, or a reminder
// slot's run for an open round. Key names it once: starting it is claimed
// under Key, so a repeated or late tick never starts it twice.
type DueRun struct {
	Contest  string
	Action   string
	Round    string
	Slot     string // the reminder slot ("" for a tally)
	Audience string // the reminder slot's audience
	// At is when the run was due.
	At  time.Time
	Key string
}

// DueRuns says which of a contest's runs are due at now, given its
// schedule and rounds: each round that closed at least TallyAfterMinutes ago
// and is not published (however long ago: a missed tally is caught up), and
// each reminder slot whose latest time is at most ReminderCatchUpHours ago,
// for every staff round open now that was open then. action limits the
// answer to ActionTally or ActionRemind ("" for both). Runs already started
// are the caller's to skip (their keys are claimed).
func DueRuns(c Contest, rounds []Round, now time.Time, action string) []DueRun {
	s := c.EffectiveSchedule()
	var out []DueRun
	if action == "" || action == ActionTally {
		after := time.Duration(s.TallyAfterMinutes) * time.Minute
		for _, r := range rounds {
			at := r.ClosesAt.Add(after)
			if r.ClosesAt.IsZero() || !r.PublishedAt.IsZero() || now.Before(at) {
				continue
			}
			out = append(out, DueRun{Contest: c.ID, Action: ActionTally, Round: r.ID, At: at, Key: ActionTally + "#" + r.ID})
		}
	}
	if action == "" || action == ActionRemind {
		loc := s.Location()
		catchUp := time.Duration(ScheduleLimits.ReminderCatchUpHours) * time.Hour
		for _, slot := range s.Reminders {
			at, ok := slot.latest(now, loc)
			if !ok || now.Sub(at) > catchUp {
				continue
			}
			for _, r := range rounds {
				if r.Audience != AudienceStaff || r.Status(now) != StatusOpen || at.Before(r.OpensAt) {
					continue
				}
				out = append(out, DueRun{Contest: c.ID, Action: ActionRemind, Round: r.ID, Slot: slot.Name, Audience: slot.Audience, At: at,
					Key: ActionRemind + "#" + r.ID + "#" + slot.Name + "#" + at.In(loc).Format("2006-01-02")})
			}
		}
	}
	return out
}

// latest is the slot's last time at or before now.
func (r ReminderSlot) latest(now time.Time, loc *time.Location) (time.Time, bool) {
	h, m, ok := clock(r.Time)
	if !ok {
		return time.Time{}, false
	}
	lt := now.In(loc)
	d := time.Date(lt.Year(), lt.Month(), lt.Day(), h, m, 0, 0, loc)
	d = d.AddDate(0, 0, -((int(d.Weekday()) - int(r.Weekday) + 7) % 7))
	if d.After(now) {
		d = d.AddDate(0, 0, -7)
	}
	return d, true
}

// NextRun is when one of a contest's scheduled runs is next due, as the
// organiser's settings page shows it. At is in the schedule's time zone.
type NextRun struct {
	Action string `json:"action"`
	// Round and Title: the tally's round, or the first round a reminder
	// is for; Rounds are all the reminder's rounds.
	Round    string    `json:"round"`
	Title    string    `json:"title,omitempty"`
	Rounds   []string  `json:"rounds,omitempty"`
	Slot     string    `json:"slot,omitempty"`
	Audience string    `json:"audience,omitempty"`
	At       time.Time `json:"at"`
	// Due: its time has come (a tally not yet published): the next tick,
	// within ScheduleLimits.TickMinutes, starts it.
	Due bool `json:"due,omitempty"`
}

// NextRunSet is when a contest's runs are next due.
type NextRunSet struct {
	TimeZone string `json:"timeZone"`
	// Tallies: one for each round open now, or closed and not yet
	// published, in time order.
	Tallies []NextRun `json:"tallies"`
	// Reminder is the next reminder slot that will send anything (nil: none
	// within NextReminderWeeks).
	Reminder *NextRun `json:"reminder,omitempty"`
}

// NextReminderWeeks is how far ahead NextRuns looks for a reminder slot
// that has an open staff round to remind of.
const NextReminderWeeks = 5

// NextRuns says when the contest's runs are next due after now, by the
// rule DueRuns applies (it asks DueRuns, rather than repeating it):
//   - a round's tally is due from the time DueRuns gives it (asked at the
//     end of time, every unpublished round is due, each at its own time);
//     rounds still upcoming are left out;
//   - the next reminder is the first slot time after now at which DueRuns
//     (asked at that time) starts a reminder run: a slot with no open staff
//     round then sends nothing, and the next one is looked at.
func NextRuns(c Contest, rounds []Round, now time.Time) NextRunSet {
	s := c.EffectiveSchedule()
	loc := s.Location()
	out := NextRunSet{TimeZone: s.TimeZone, Tallies: []NextRun{}}
	titles := map[string]string{}
	var pending []Round
	for _, r := range rounds {
		titles[r.ID] = r.Title
		if st := r.Status(now); st == StatusOpen || (st == StatusClosed && r.PublishedAt.IsZero()) {
			pending = append(pending, r)
		}
	}
	endOfTime := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, d := range DueRuns(c, pending, endOfTime, ActionTally) {
		out.Tallies = append(out.Tallies, NextRun{Action: ActionTally, Round: d.Round, Title: titles[d.Round], At: d.At.In(loc), Due: !now.Before(d.At)})
	}
	slices.SortFunc(out.Tallies, func(a, b NextRun) int { return cmp.Or(a.At.Compare(b.At), strings.Compare(a.Round, b.Round)) })

	// each slot's times after now, over the weeks looked at, in time order
	type candidate struct {
		slot ReminderSlot
		at   time.Time
	}
	var times []candidate
	for _, slot := range s.Reminders {
		at, ok := slot.latest(now, loc)
		if !ok {
			continue
		}
		for w := 1; w <= NextReminderWeeks; w++ {
			times = append(times, candidate{slot, at.AddDate(0, 0, 7*w)})
		}
	}
	slices.SortStableFunc(times, func(a, b candidate) int { return a.at.Compare(b.at) })
	for _, cand := range times {
		var next *NextRun
		for _, d := range DueRuns(c, rounds, cand.at, ActionRemind) {
			if d.Slot != cand.slot.Name || !d.At.Equal(cand.at) {
				continue
			}
			if next == nil {
				next = &NextRun{Action: ActionRemind, Round: d.Round, Title: titles[d.Round], Slot: d.Slot, Audience: d.Audience, At: d.At.In(loc)}
			}
			next.Rounds = append(next.Rounds, d.Round)
		}
		if next != nil {
			out.Reminder = next
			break
		}
	}
	return out
}
