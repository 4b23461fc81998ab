// Package reminder holds the rules of reminder runs: who of a unit is
// reminded in a slot and what they are told, how a run is split (one job
// per unit and round), how its e-mails are handed to the mailer (in batches,
// paced at the reminders' share of the SES rate, so the outbox stays short
// and sign-in codes never wait behind a run), how long a run takes, and its
// progress. No I/O here: functions/remind reads and writes through a store.
//
// Each person gets at most one e-mail per round and slot: an e-mail is
// queued only together with its claim (Email.Claim, a conditional write
// keyed by round, slot and person), so a retried job, a re-run of the slot
// or two runs at once queue nothing twice, and the mailer sends each queued
// e-mail at most once (shared/mailq).
package reminder

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"strings"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/mailq"
	"github.com/hoithi/hoithi/shared/participation"
	"github.com/hoithi/hoithi/shared/signin"
)

// Run is one start of a slot's reminders for a round (a schedule's event,
// or its retry, or a re-run): its own ID, so that its jobs are new items
// even when the slot ran before.
type Run struct {
	Contest, Round, Slot, ID string
	// AdminsOnly: only the unit admins' summaries (the mid-week slot).
	AdminsOnly bool
	StartedAt  time.Time
	// Units is how many jobs the run has: one per unit, or one per chunk
	// of a unit too large for one invocation (Jobs).
	Units int
	// Headcount is the units' headcounts summed: at most this many e-mails
	// to people (Plan).
	Headcount int
}

// NewRunID returns a random run ID (16 hex digits).
func NewRunID() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("new run id: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// ValidRunID reports whether id could be a run's ID.
func ValidRunID(id string) bool {
	return len(id) == 16 && strings.Trim(id, "0123456789abcdef") == ""
}

// Job is one unit's share of a run, or one chunk of it: counting the unit's
// participation and queueing its e-mails (those of its chunk, Takes).
type Job struct {
	Run  Run
	Unit contest.Unit
	// Chunk of Chunks: a unit larger than a job's size (ChunkSize) is split
	// into Chunks jobs; 0 of 0 or 0 of 1 is the whole unit.
	Chunk, Chunks int
}

// JobTime is how long one job may take queueing its e-mails at the
// reminders' share of the rate: the stream hands the remind function its
// jobs 5 at a time (platform.RemindJobStream), and 5 jobs of 2 minutes fit
// its 15 with room for counting the units.
const JobTime = 2 * time.Minute

// MaxChunks bounds how many jobs one unit is split into.
const MaxChunks = 100

// ChunkSize is how many people one job reminds at most at rate e-mails a
// second (the contest's: mailq.ContestRate): what the reminders' share
// queues in JobTime, and at least a batch. At 14 a second: 840.
func ChunkSize(rate float64) int {
	return max(BatchSize, int(Share(rate)*JobTime.Seconds()))
}

// Jobs splits a run over the units: one job each, or, for a unit of more
// than chunkSize people, one job per chunkSize of them, so that no
// invocation queues more than a job's time of e-mails.
func Jobs(r Run, units []contest.Unit, chunkSize int) []Job {
	jobs := make([]Job, 0, len(units))
	for _, u := range units {
		n := 1
		if chunkSize > 0 && u.Headcount > chunkSize {
			n = min((u.Headcount+chunkSize-1)/chunkSize, MaxChunks)
		}
		for k := range n {
			j := Job{Run: r, Unit: u}
			if n > 1 {
				j.Chunk, j.Chunks = k, n
			}
			jobs = append(jobs, j)
		}
	}
	return jobs
}

// Takes reports whether e is j's to queue: a unit admin's summary is the
// first chunk's; a person's reminder is the chunk of a hash of their claim,
// which does not move when others take part between two chunks' counts, so
// everyone is in exactly one chunk (and their claim keeps it once).
func (j Job) Takes(e Email) bool {
	if j.Chunks <= 1 {
		return true
	}
	if e.Summary {
		return j.Chunk == 0
	}
	h := fnv.New32a()
	h.Write([]byte(e.Claim))
	return int(h.Sum32()%uint32(j.Chunks)) == j.Chunk
}

// Email is one reminder e-mail of a job.
type Email struct {
	// Claim is what makes it once per person, round and slot: the person's
	// address, "admin:"+address for a unit admin's summary.
	Claim   string
	Summary bool
	To      string
	Subject string
	Text    string
}

// Site is where the e-mails send people: the site's address ("" leaves the
// links out).
type Site string

func (s Site) linkText() string {
	if s == "" {
		return ""
	}
	return " tại " + string(s)
}

// unitPage is the site's page where unit admins follow their unit live.
func (s Site) unitPage() string {
	if s == "" {
		return ""
	}
	return strings.TrimSuffix(string(s), "/") + "/#/don-vi"
}

// For is what a unit's participation p in round r calls for: each unit
// admin a summary of the unit with the list of who has not taken part, then
// (unless adminsOnly) a reminder to everyone who may take part and has not
// started. Someone taking a paper now, or who has taken part, is not
// reminded; organisers and their staff never are (participation leaves
// them out).
func For(c contest.Contest, r contest.Round, u contest.Unit, p participation.Unit, adminsOnly bool, site Site) []Email {
	var out []Email
	for _, a := range p.Admins {
		out = append(out, Email{Claim: "admin:" + a.Email, Summary: true, To: a.Email,
			Subject: fmt.Sprintf("%s: %s — %d/%d người đã tham gia", u.Name, r.Title, len(p.TakenPart), u.Headcount),
			Text:    summary(u, r, p, site.unitPage())})
	}
	if adminsOnly {
		return out
	}
	for _, m := range p.NotTakenPart {
		out = append(out, Email{Claim: m.Email, To: m.Email,
			Subject: "Nhắc nhở: bạn chưa tham gia " + r.Title,
			Text: fmt.Sprintf("Kính gửi %s,\n\n%s đang diễn ra và sẽ kết thúc lúc %s. Theo danh sách của %s, bạn chưa tham gia tuần thi này.\n\n"+
				"Mời bạn đăng nhập bằng email công vụ để dự thi%s.\n\nTrân trọng,\nBan Tổ chức %s",
				m.Name, r.Title, closing(r), u.Name, site.linkText(), c.Title)})
	}
	return out
}

func closing(r contest.Round) string {
	return r.ClosesAt.In(contest.ICT).Add(-time.Second).Format("15:04 ngày 02/01/2006")
}

func summary(u contest.Unit, r contest.Round, p participation.Unit, page string) string {
	var b strings.Builder
	took, missing := len(p.TakenPart), p.NotTakenPart
	fmt.Fprintf(&b, "Tình hình tham gia %s của %s (đến thời điểm gửi thư):\n\n", r.Title, u.Name)
	fmt.Fprintf(&b, "- Số CBCCVC: %d\n- Đã tham gia: %d (%.1f%%)\n", u.Headcount, took, participation.Rate(took, u.Headcount)*100)
	if len(p.InProgress) > 0 {
		fmt.Fprintf(&b, "- Đang làm bài: %d\n", len(p.InProgress))
	}
	fmt.Fprintf(&b, "- Chưa tham gia: %d\n\n", len(missing))
	if len(missing) > 0 {
		b.WriteString("Danh sách chưa tham gia:\n")
		for i, m := range missing {
			fmt.Fprintf(&b, "%d. %s <%s>\n", i+1, m.Name, m.Email)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "Tuần thi kết thúc lúc %s. Đề nghị đơn vị đôn đốc để đạt 100%% CBCCVC tham gia.\n", closing(r))
	if page != "" {
		fmt.Fprintf(&b, "\nDanh sách được cập nhật liên tục tại %s (đăng nhập bằng email công vụ của quản trị đơn vị).\n", page)
	}
	return b.String()
}

// Queued is an e-mail as a job hands it to the mailer: its claim and its
// outbox request, written together or not at all.
type Queued struct {
	Claim string
	Mail  mailq.Request
}

// Ref is the run as its e-mails name it.
func (r Run) Ref() mailq.RunRef { return mailq.RunRef{Round: r.Round, Slot: r.Slot, ID: r.ID} }

// ClaimExpiry is how long a slot's claims are kept: a month after the round
// closes (no e-mail of the slot can be owed after).
func ClaimExpiry(r contest.Round) time.Time { return r.ClosesAt.Add(30 * 24 * time.Hour) }

// BatchSize is how many e-mails a job hands the mailer in one write: each
// is its claim and its outbox request, 50 items, within DynamoDB's 100 of a
// transaction.
const BatchSize = 25

// Batches splits a job's e-mails into the batches it queues one by one.
func Batches(emails []Email) [][]Email {
	var out [][]Email
	for len(emails) > 0 {
		n := min(BatchSize, len(emails))
		out = append(out, emails[:n])
		emails = emails[n:]
	}
	return out
}

// Share is the reminders' share of the SES rate: half, as the mailer gives
// them (mailq.Pacing), so sign-in codes always have the other half.
func Share(rate float64) float64 {
	if rate <= 0 {
		rate = 1
	}
	return rate / 2
}

// Pacing is the token bucket every job takes one token from before it
// queues a batch: batches enter the outbox no faster than the mailer sends
// reminders, so the queue stays about one batch long (stream records never
// grow old, codes never wait behind a run), and a job waits at most one
// batch's time for each.
func Pacing(rate float64) signin.Bucket {
	every := time.Duration(float64(BatchSize) / Share(rate) * float64(time.Second))
	return signin.Bucket{Name: "remind", Burst: 1, Every: max(every, time.Millisecond)}
}

// Plan is how long a run of n e-mails takes at rate e-mails a second (the
// reminders' share of it).
func Plan(n int, rate float64) time.Duration {
	return time.Duration(float64(n) / Share(rate) * float64(time.Second))
}

// Progress is what the organiser sees of a run.
type Progress struct {
	Run
	// UnitsDone: jobs finished (each unit counts once, whatever its retries).
	UnitsDone int
	// Queued: e-mails this run handed to the mailer; Skipped: e-mails the
	// slot had already queued (an earlier run, a retried job); Sent: the
	// mailer's count of this run's e-mails sent.
	Queued, Skipped, Sent int
}

// Done reports whether every unit was counted and every e-mail queued by
// the run was sent.
func (p Progress) Done() bool {
	return p.UnitsDone >= p.Units && p.Sent >= p.Queued
}

// Remaining is how long the e-mails still owed take at rate, and the plan of
// the whole run (its headcount bound) while units are still being counted.
func (p Progress) Remaining(rate float64) time.Duration {
	if p.UnitsDone < p.Units {
		return Plan(max(p.Headcount-p.Sent, p.Queued-p.Sent, 0), rate)
	}
	return Plan(max(p.Queued-p.Sent, 0), rate)
}
