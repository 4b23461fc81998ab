// Package platform is the single description of HoiThi's deployment: the
// DynamoDB table and its indexes, the S3 bucket prefixes, the functions and the
// CORS rules of their URLs. The CDK stack (infra/) and the local platform
// (infra/localdev) both build from it, so they cannot drift apart.
package platform

import (
	"fmt"
	"time"
)

// Attribute names of the single table (see docs/data-model.md).
const (
	AttrPK     = "PK"
	AttrSK     = "SK"
	AttrGSI1PK = "GSI1PK"
	AttrGSI1SK = "GSI1SK"
	AttrGSI2PK = "GSI2PK"
	AttrGSI2SK = "GSI2SK"
	AttrGSI3PK = "GSI3PK"
	AttrGSI3SK = "GSI3SK"
	AttrTTL    = "ttl"
)

// Index names.
const (
	// IndexRanking holds submitted papers of a round, write-sharded, sorted by score.
	IndexRanking = "GSI1"
	// IndexUnit holds submitted papers of a round per unit (participation).
	IndexUnit = "GSI2"
	// IndexInProgress holds the papers of a round still in progress,
	// write-sharded, by deadline: a paper enters it when it starts and leaves
	// it when it is submitted (by its owner or closed overdue), so closing a
	// round's overdue papers reads that round's open papers only.
	IndexInProgress = "GSI3"
)

// RankingShards is how many partitions the ranking index spreads one round's
// papers over, so a whole week's submissions in minutes do not hit one partition.
const RankingShards = 16

// InProgressShards is how many partitions the in-progress index spreads one
// round's open papers over. Its writes come at the same peak as the ranking
// index's (every start adds an entry, every submission removes one), and its
// sort key, the deadline, grows with the clock, so all of a partition's writes
// go to the end of its key range, where DynamoDB cannot split for heat.
const InProgressShards = 16

// Index describes a global secondary index.
type Index struct {
	Name, PartitionKey, SortKey string
	// Projected lists non-key attributes copied into the index (INCLUDE);
	// empty means KEYS_ONLY.
	Projected []string
}

// TableSpec describes the one DynamoDB table.
type TableSpec struct {
	PartitionKey, SortKey string
	TTLAttribute          string
	Indexes               []Index
	// StreamNewImages: the table has a stream of new item images (what the
	// mailer reads the outbox from).
	StreamNewImages bool
}

// Table is HoiThi's table. All attributes used as keys are strings.
var Table = TableSpec{
	PartitionKey: AttrPK,
	SortKey:      AttrSK,
	TTLAttribute: AttrTTL,
	// The outbox (OutboxPrefix) is read from the table's stream.
	StreamNewImages: true,
	Indexes: []Index{
		{Name: IndexRanking, PartitionKey: AttrGSI1PK, SortKey: AttrGSI1SK,
			// responses, the devices, automatic and excludedReason feed the
			// organisers' question statistics and integrity review
			Projected: []string{"name", "unitId", "total", "prediction", "responses", "automatic", "startedDevice", "submittedDevice", "excludedReason"}},
		{Name: IndexUnit, PartitionKey: AttrGSI2PK, SortKey: AttrGSI2SK,
			Projected: []string{"email", "name", "correct", "total", "submittedAt", "roles"}},
		// Keys only: the closer reads the few papers it lists by key, and
		// autosaves (which change answers) never touch the index.
		{Name: IndexInProgress, PartitionKey: AttrGSI3PK, SortKey: AttrGSI3SK},
	},
}

// Bucket prefixes in the data bucket.
const (
	PrefixBanks   = "banks/"
	PrefixResults = "results/"
	PrefixClips   = "clips/"
	// PrefixInsight holds what only organisers see (question statistics):
	// never served to the public, unlike PrefixResults.
	PrefixInsight = "insight/"
	// PrefixImports holds the organiser console's import files too large for
	// a function URL's request (presigned PUTs); they expire after a day.
	PrefixImports = "imports/"
)

// Environment variable names through which CDK (and the local platform) hand
// resource names to the functions.
const (
	EnvTable          = "TABLE_NAME"
	EnvBucket         = "DATA_BUCKET"
	EnvContest        = "CONTEST_ID"
	EnvTokenKey       = "TOKEN_KEY"
	EnvTokenSecretARN = "TOKEN_SECRET_ARN"
	EnvMailFrom       = "MAIL_FROM"
	EnvMailOutbox     = "MAIL_OUTBOX_DIR"
	EnvMailRate       = "MAIL_RATE_PER_SECOND" // e-mails a second, below SES's rate (default 8)
	// EnvMailDomains lists the deployment's verified SES domains
	// ("a.gov.vn,b.gov.vn"): a contest may send from an address of one
	// (contest.Contest.MailFrom).
	EnvMailDomains  = "MAIL_DOMAINS"
	EnvGraceSeconds = "SUBMIT_GRACE_SECONDS"
	EnvS3PathStyle  = "S3_FORCE_PATH_STYLE"
	EnvListen       = "LISTEN_ADDR"
	EnvSiteURL      = "SITE_URL"
	// EnvBucketOrigins are the deploy's bucketOrigins ("https://a,https://b"):
	// the admin function keeps them in the data bucket's CORS rule when a
	// contest's origins change (cors.BucketOrigins).
	EnvBucketOrigins = "BUCKET_ORIGINS"
	// EnvClockOffset shifts a function's clock by a Go duration ("-72h30m"):
	// the local platform and the tests run the contest at a chosen instant.
	// The stack never sets it (infra/stack_test.go checks), so on AWS the
	// functions keep the wall clock.
	EnvClockOffset = "CLOCK_OFFSET"

	// Clip contest limits (functions/clips; defaults in docs/clips.md).
	EnvClipMaxBytes     = "CLIP_MAX_BYTES"             // largest clip accepted (default 1 GiB)
	EnvClipQuota        = "CLIP_QUOTA_PER_UNIT"        // clips a unit may have (default 3)
	EnvClipMaxSeconds   = "CLIP_MAX_SECONDS"           // longest clip accepted (default 300)
	EnvClipUploadExpiry = "CLIP_UPLOAD_EXPIRY_SECONDS" // life of a presigned upload (default and cap 900)
	EnvClipCriteria     = "CLIP_CRITERIA"              // jury criteria, "id:Name,id:Name" (default content, creativity, technique)
	EnvClipBlocks       = "CLIP_BLOCKS"                // blocks whose units send clips, "xa-phuong,…" (default: every block)
)

// Function describes one Lambda function.
type Function struct {
	Name      string
	MemoryMB  int
	Timeout   time.Duration
	HasURL    bool
	Reserved  int // reserved concurrency cap
	Describes string
	// Ticks: the function takes a tick (TickDetail) every TickEvery, on
	// which it reads the contests' registry and starts the runs due by each
	// contest's own schedule (shared/contest.DueRuns). The stack schedules
	// nothing else; the local platform plays the ticks too.
	Ticks bool
	// Schedules are the default contest schedule's weekly runs as scheduled
	// events of their own (a contest, an action, a slot): what an operator
	// (or a test) sends to run one at once. They are not scheduled: the tick
	// runs each contest's schedule, shared/contest.ScheduleLimits.Default
	// when the contest names none (the same slots and times, a test checks).
	Schedules []Schedule
	// EphemeralMB is the function's /tmp in MB; 0 keeps Lambda's default
	// (512).
	EphemeralMB int
	// Streams, if any, invoke the function with batches of the table's
	// stream (an event source mapping each on AWS; infra/localdev polls the
	// stream the same way, each mapping on its own).
	Streams []StreamSource
}

// MappingName is the name of f's mapping s (its dead-letter queue, its
// alarms, its local checkpoints): the function's name for its first (or
// only) mapping, "<function>-<s.Name>" for the others.
func MappingName(f Function, s StreamSource) string {
	if s.Name == "" {
		return f.Name
	}
	return f.Name + "-" + s.Name
}

// OutboxPrefix begins the partition key of every outbox item (mail waiting
// for the mailer, docs/data-model.md): "MAILQ#<contest>" for sign-in codes,
// "MAILQ#<contest>#R" for reminders. The sort key begins with the kind
// (OutboxCodeSK, OutboxReminderSK), which is what the mailer's two mappings
// filter on: each has its own place in the stream, so a code never waits
// behind a reminder.
const OutboxPrefix = "MAILQ#"

// The outbox items' sort key prefixes, one per kind of e-mail.
const (
	OutboxCodeSK     = "C#"
	OutboxReminderSK = "R#"
)

// StreamSource is how the table's stream invokes a function.
type StreamSource struct {
	// Name tells a function's mappings apart ("" for its first: MappingName).
	Name string
	// BatchSize is the most records in one invocation.
	BatchSize int
	// MaxRetries is how many times a failed batch is tried again before its
	// records go to the dead-letter queue.
	MaxRetries int
	// MaxRecordAge: older records go to the dead-letter queue untried.
	MaxRecordAge time.Duration
	// Bisect splits a batch whose invocation failed into halves, tried
	// separately, so one bad record does not hold up the others.
	Bisect bool
	// KeyPrefix, SortKeyPrefix and EventName filter the records (the
	// mapping's filter criteria): only those of partition keys beginning
	// with KeyPrefix (and sort keys with SortKeyPrefix, if set), of that
	// event, invoke the function.
	KeyPrefix, SortKeyPrefix, EventName string
}

// MailerStream is the mailer's mapping for sign-in codes: inserts of
// outbox code items only (the table's other writes never invoke it). A batch of 20 takes 1.4 s at 14
// e-mails a second and 20 s at 1 a second, well within the timeout. A
// failing batch is halved and tried again up to 20 times (the mailer reports
// only passing troubles: SES refusing for now, DynamoDB errors); records an
// hour old are given up (a sign-in code lives CodeTTL, shared/signin), and
// each give-up is a message on the dead-letter queue, which an alarm watches.
var MailerStream = StreamSource{
	BatchSize: 20, MaxRetries: 20, MaxRecordAge: time.Hour, Bisect: true,
	KeyPrefix: OutboxPrefix, SortKeyPrefix: OutboxCodeSK, EventName: "INSERT",
}

// MailerReminderStream is the mailer's mapping for reminders: inserts of
// outbox reminder items only, in batches of 100 (7 s at 14 a second; at a
// contest's small share the mailer stops 5 s before its timeout and the
// rest of the batch comes again). A batch is tried again as long as its
// records live (23 hours, as a run's jobs): a run queued while the mailer
// is down must wait for it, not be given up after 20 tries (make
// test-reminder-run found reminders dead-lettered after ~5 minutes down). It reads the stream on its own, so however
// many reminders wait (a run queued while the mailer was down), a sign-in
// code queued after them is read by MailerStream at once. Reminders may wait
// as long as a run's jobs (RemindJobStream): given up at 23 hours. It makes
// the stream's third reader (with MailerStream and RemindJobStream): AWS
// advises two per shard, a third may see its reads throttled and retried,
// which delays reminders a little and loses nothing.
var MailerReminderStream = StreamSource{
	Name:      "reminders",
	BatchSize: 100, MaxRetries: 10000, MaxRecordAge: 23 * time.Hour, Bisect: true,
	KeyPrefix: OutboxPrefix, SortKeyPrefix: OutboxReminderSK, EventName: "INSERT",
}

// RemindJobPrefix begins the sort key of every reminder job (one unit's
// share of a reminder run, shared/reminder), in its slot's claims partition.
const RemindJobPrefix = "#JOB#"

// RemindJobStream is the remind function's mapping: inserts of reminder
// jobs only. Each job counts a unit and queues its e-mails in batches paced
// at the reminders' share of its contest's rate (a 60-person unit:
// seconds); a larger unit is split into jobs of at most 2 minutes' e-mails
// (reminder.ChunkSize: 840 people at 7 a second), so a batch of 5 jobs fits
// the timeout; a batch of 5 jobs is handled in order (a run's jobs share a partition, so
// one shard: one batch at a time, the run paced as a whole), a failing one
// from the job that failed (an invocation out of time included), halved if
// the invocation failed, and tried again (claims make a repeat queue
// nothing twice). A national run takes hours (240,000 e-mails at 7 a
// second: 9.5 hours), so its last jobs wait that long in the stream: a job
// is given up to the dead-letter queue only at 23 hours, just within the
// stream's 24-hour retention.
var RemindJobStream = StreamSource{
	BatchSize: 5, MaxRetries: 20, MaxRecordAge: 23 * time.Hour, Bisect: true,
	KeyPrefix: "C#", SortKeyPrefix: RemindJobPrefix, EventName: "INSERT",
}

// TickEvery is how often the ticks run (contest.ScheduleLimits.TickMinutes,
// a test checks): a contest's run starts within this much of its time.
const TickEvery = 5 * time.Minute

// TickDetail is the tick's scheduled event's detail: no contest, since one
// tick serves every contest of the registry.
func TickDetail() map[string]string { return map[string]string{"action": "tick"} }

// TickExpression is the tick as an EventBridge Scheduler rate expression.
func TickExpression() string { return fmt.Sprintf("rate(%d minutes)", int(TickEvery.Minutes())) }

// Schedule is a scheduled run of one contest (see Function.Schedules).
type Schedule struct {
	Name string
	// Weekday, Hour and Minute of the weekly run in TimeZone.
	Weekday      time.Weekday
	Hour, Minute int
	TimeZone     string
	// Action is what the run does: "tally" or "remind".
	Action string
	// Audience of a reminder run: RemindEveryone (the default) or RemindUnitAdmins.
	Audience string
}

// Reminder audiences: everyone who has not taken part yet (and each unit
// admin a summary), or only the unit admins' summaries with the list of who
// has not taken part, so that units follow up themselves.
const (
	RemindEveryone   = "everyone"
	RemindUnitAdmins = "unit-admins"
)

// Detail is the scheduled event's detail for a contest, e.g.
// {"contest":"demo","action":"remind","slot":"reminder-midweek","audience":"unit-admins"}.
func (s Schedule) Detail(contestID string) map[string]string {
	d := map[string]string{"contest": contestID, "action": s.Action, "slot": s.Name}
	if s.Audience != "" {
		d["audience"] = s.Audience
	}
	return d
}

// Expression is the schedule as an EventBridge Scheduler cron expression.
func (s Schedule) Expression() string {
	days := [...]string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}
	return fmt.Sprintf("cron(%d %d ? * %s *)", s.Minute, s.Hour, days[s.Weekday])
}

// Next returns the first run strictly after t.
func (s Schedule) Next(t time.Time, loc *time.Location) time.Time {
	lt := t.In(loc)
	d := time.Date(lt.Year(), lt.Month(), lt.Day(), s.Hour, s.Minute, 0, 0, loc)
	d = d.AddDate(0, 0, (int(s.Weekday)-int(d.Weekday())+7)%7)
	if !d.After(t) {
		d = d.AddDate(0, 0, 7)
	}
	return d
}

// TimeZoneICT is the contests' time zone name.
const TimeZoneICT = "Asia/Ho_Chi_Minh"

// SettingsCacheTTL is how long a warm function container trusts a contest's
// settings it read (auth and quiz; quiz its rounds too): at the peak every
// request would otherwise read the same item; organisers' edits show within
// this time.
const SettingsCacheTTL = 30 * time.Second

// RoundsMaxAge is how long browsers and the edge (CloudFront in front of the
// quiz function URL) may keep the public GET /rounds answer: at a round's
// opening every open home page refreshes it, and the function then sees one
// request per edge location per RoundsMaxAge instead of one per page. A
// round's status may show this much late; starting a paper checks it again.
const RoundsMaxAge = 5 * time.Second

// LogSigninBudget is the message the auth function logs when an e-mail budget
// refuses a code (attribute "limit": "requester" or "contest"); the stack's
// metric filter counts the contest's, and an alarm watches it.
const LogSigninBudget = "sign-in budget reached"

// Functions lists every function, in the order they are started locally.
var Functions = []Function{
	{Name: "auth", MemoryMB: 256, Timeout: 10 * time.Second, HasURL: true, Reserved: 50, Describes: "sign-in with one-time codes"},
	{Name: "quiz", MemoryMB: 512, Timeout: 10 * time.Second, HasURL: true, Reserved: 200, Describes: "rounds and papers"},
	{Name: "grade", MemoryMB: 256, Timeout: 10 * time.Second, HasURL: true, Reserved: 200, Describes: "autosave and submission"},
	// The tally's scratch folder (/tmp) holds a round's parts and units'
	// lines: 327 MB measured at 1,000,000 papers (docs/scale.md), within
	// Lambda's default 512 MB but not by much: 2 GB.
	{Name: "tally", MemoryMB: 1024, EphemeralMB: 2048, Timeout: 5 * time.Minute, HasURL: true, Reserved: 5, Describes: "weekly results, organisers' reviews",
		Ticks: true,
		// Rounds close Sunday 24:00 ICT; publish half an hour later.
		Schedules: []Schedule{
			{Name: "weekly-tally", Weekday: time.Monday, Hour: 0, Minute: 30, TimeZone: TimeZoneICT, Action: "tally"},
		}},
	// A reminder run starts from its schedule and splits into one job per
	// unit, which the table's stream hands back to the function
	// (RemindJobStream); each job queues its unit's e-mails for the mailer,
	// paced at the reminders' share of the SES rate (EnvMailRate). No URL,
	// no token key, no bucket. Two at once: a run's start and its jobs.
	{Name: "remind", MemoryMB: 256, Timeout: 15 * time.Minute, Reserved: 2, Describes: "reminder runs, one job per unit", Streams: []StreamSource{RemindJobStream},
		Ticks: true,
		Schedules: []Schedule{
			// Mid-week, unit admins get the list of who has not taken part yet
			// (units answer for their rate and follow up themselves); on the
			// last day, everyone still missing gets a reminder too. Reminder
			// e-mails are the largest weekly cost after sign-in codes (docs/cost.md).
			{Name: "reminder-midweek", Weekday: time.Wednesday, Hour: 8, Minute: 0, TimeZone: TimeZoneICT, Action: "remind", Audience: RemindUnitAdmins},
			{Name: "reminder-last-day", Weekday: time.Saturday, Hour: 8, Minute: 0, TimeZone: TimeZoneICT, Action: "remind", Audience: RemindEveryone},
		}},
	// Sends the outbox's e-mails (sign-in codes and reminders) at the SES
	// rate, from the table's stream: no URL, no token key, no bucket. Its two
	// mappings (codes, reminders) each run a batch per shard at a time; the
	// pace is kept in token buckets in the table, whoever sends.
	{Name: "mailer", MemoryMB: 128, Timeout: time.Minute, Reserved: 4, Describes: "e-mails from the outbox at the SES rate",
		Streams: []StreamSource{MailerStream, MailerReminderStream}},
	// Validates clips on S3 ObjectCreated events under PrefixClips (and on
	// request); presigns uploads; jury scores.
	{Name: "clips", MemoryMB: 256, Timeout: time.Minute, HasURL: true, Reserved: 20, Describes: "clip uploads, validation and jury scores"},
	// The organiser console: a 30,000-person roster is read, checked and
	// written in well under a minute; a few organisers at a time.
	{Name: "admin", MemoryMB: 1024, Timeout: 3 * time.Minute, HasURL: true, Reserved: 5, Describes: "organiser console: imports, templates, audit log"},
	// Unit admins' participation pages, off the tally's concurrency: a view
	// takes about 0.27 s, so 100 views a second need 27 at once; 40 leaves
	// room for the slower views of the largest units (docs/scale.md).
	{Name: "units", MemoryMB: 256, Timeout: 10 * time.Second, HasURL: true, Reserved: 40, Describes: "unit participation pages and the banner's figure of the week so far"},
}

// CORS is a CORS configuration (the origins are given apart).
type CORS struct {
	AllowMethods []string
	AllowHeaders []string
	// ExposeHeaders lists response headers scripts may read.
	ExposeHeaders []string
	MaxAge        time.Duration
}

// FunctionURLCORS is how every function with a URL answers CORS itself
// (shared/app): the allowed origins are the deployment's site origin and
// every contest's own (its settings' origins, read from the contests'
// registry and kept for OriginsCacheTTL). The function URLs have no CORS
// configuration of their own, so preflights reach the function.
var FunctionURLCORS = CORS{
	AllowMethods: []string{"GET", "POST", "PUT", "DELETE"},
	AllowHeaders: []string{"authorization", "content-type", "idempotency-key"},
	MaxAge:       10 * time.Minute,
}

// OriginsCacheTTL is how long a warm function trusts the allowed origins it
// read from the registry: a contest's new origin works within this time.
const OriginsCacheTTL = time.Minute

// BucketCORS is the data bucket's CORS rule (the allowed origin is the site
// origin): browsers upload clips straight to S3 with presigned POSTs and
// presigned multipart part PUTs, and read each part's ETag.
var BucketCORS = CORS{
	AllowMethods:  []string{"POST", "PUT"},
	AllowHeaders:  []string{"content-type", "content-md5", "x-amz-*"},
	ExposeHeaders: []string{"ETag"},
	MaxAge:        10 * time.Minute,
}

// FunctionNamed returns the function with the given name.
func FunctionNamed(name string) (Function, bool) {
	for _, f := range Functions {
		if f.Name == name {
			return f, true
		}
	}
	return Function{}, false
}
