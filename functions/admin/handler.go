package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoithi/hoithi/shared/audit"
	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/console"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/httpapi"
	"github.com/hoithi/hoithi/shared/importer"
	"github.com/hoithi/hoithi/shared/reminder"
	"github.com/hoithi/hoithi/shared/token"
)

// store is what the organiser console reads and writes.
type store interface {
	PutContest(ctx context.Context, c contest.Contest) error
	// RegisterContest puts the contest's registry entry if it has none (a
	// contest saved before the registry: the ticks would never see it).
	RegisterContest(ctx context.Context, c contest.Contest) (bool, error)
	PutMember(ctx context.Context, contestID string, m contest.Member) error
	GetMember(ctx context.Context, contestID, email string) (contest.Member, bool, error)
	console.Tables // units, roster, rounds: what imports read and write
	AppendAudit(ctx context.Context, contestID string, e audit.Entry) error
	ListAudit(ctx context.Context, contestID string, q audit.Query, limit int) ([]audit.Entry, error)
	ReminderRuns(ctx context.Context, contestID, roundID, slot string) ([]reminder.Progress, error)
	// ListRegistry lists every contest's origins (the bucket's CORS rule).
	ListRegistry(ctx context.Context) ([]contest.Contest, error)
}

// objects is what the console needs of the data bucket: its banks.
type objects interface {
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, opts ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
	DeleteObject(ctx context.Context, in *s3.DeleteObjectInput, opts ...func(*s3.Options)) (*s3.DeleteObjectOutput, error)
}

// Handler serves the organiser console's API.
type Handler struct {
	store   store
	objects objects
	presign presigner
	banks   blob.ImportBanks
	bucket  string
	signer  *token.Signer
	now     func() time.Time
	log     *slog.Logger
	// limits are the contest settings' bounds with the deployment's
	// (its SES rate and sending domains).
	limits importer.ContestLimits
	// cors, if set, keeps the data bucket's CORS rule (bucketcors.go).
	cors *bucketCORS
}

// NewHandler builds the handler.
func NewHandler(s store, o objects, p presigner, bucket string, signer *token.Signer, now func() time.Time, log *slog.Logger) *Handler {
	return &Handler{store: s, objects: o, presign: p, bucket: bucket, signer: signer, now: now, log: log, limits: importer.Limits,
		banks: blob.ImportBanks{S3: o, Bucket: bucket, Skipped: func(id string, err error) { log.Warn("bank unreadable", "bank", id, "err", err) }}}
}

// WithDeployment sets the deployment's bounds of the contest's mail
// settings (importer.ContestLimits.WithDeployment).
func (h *Handler) WithDeployment(d importer.Deployment) *Handler {
	h.limits = importer.Limits.WithDeployment(d)
	return h
}

// Routes is the function's HTTP API.
func (h *Handler) Routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /templates/{file}", h.template)
	for pattern, e := range map[string]httpapi.Endpoint{
		"POST /imports/{kind}":            h.importFile,
		"POST /imports/{kind}/uploads":    h.importUpload,
		"GET /audit":                      h.read(h.auditLog(console.AuditRequest)),
		"GET /imports":                    h.read(h.auditLog(console.ImportsRequest)),
		"GET /contest":                    h.read(h.getContest),
		"PUT /contest":                    h.putContest,
		"GET /roles":                      h.read(h.listRoles),
		"PUT /roles/{email}":              h.putRoles,
		"GET /rounds":                     h.read(h.listRounds),
		"POST /rounds/weekly":             h.weeklyRounds,
		"PUT /rounds/{id}":                h.editRound,
		"GET /rounds/{roundId}/reminders": h.read(h.reminders),
	} {
		mux.HandleFunc(pattern, httpapi.Serve(h.log, e))
	}
	mux.HandleFunc("/", httpapi.NotFound(h.log))
	return httpapi.Wrap(mux, h.log)
}

// organiserBody is the preamble of an organiser's JSON write: the caller
// must be an organiser (organiser) and the body a JSON T of at most limit
// bytes.
func organiserBody[T any](h *Handler, w http.ResponseWriter, r *http.Request, limit int64) (claims *token.Claims, body T, err error) {
	claims, err = h.organiser(r)
	if err == nil {
		err = httpapi.DecodeJSON(w, r, &body, limit)
	}
	return claims, body, err
}

// read serves an organiser's read: fn's answer as 200 JSON, or its error.
func (h *Handler) read(fn func(r *http.Request, claims *token.Claims) (any, error)) httpapi.Endpoint {
	return func(_ http.ResponseWriter, r *http.Request) (int, any, error) {
		claims, err := h.organiser(r)
		var out any
		if err == nil {
			out, err = fn(r, claims)
		}
		return http.StatusOK, out, err
	}
}

// commit ends an organiser's write, audited (console.Write.Commit).
func (h *Handler) commit(r *http.Request, claims *token.Claims, w console.Write) (int, any, error) {
	return w.Commit(r.Context(), h.store, h.log, claims.Contest)
}

// organiser checks that the request comes from an organiser of the token's
// contest, as the roster says now (console.CheckOrganiser).
func (h *Handler) organiser(r *http.Request) (*token.Claims, error) {
	claims, err := h.signer.FromRequest(r)
	if err == nil {
		err = console.CheckOrganiser(claims.Actor(), func() (contest.Member, bool, error) {
			return h.store.GetMember(r.Context(), claims.Contest, claims.Email)
		})
	}
	return claims, err
}

// importFile: POST /imports/{kind}[?dryRun=1][&bankId=&title=][&object=],
// the file as the body (or uploaded before). A dry run (or a file with
// problems) writes nothing; otherwise the kind is written all or nothing and
// the audit log gets an entry.
func (h *Handler) importFile(w http.ResponseWriter, r *http.Request) (int, any, error) {
	claims, err := h.organiser(r)
	if err != nil {
		return 0, nil, err
	}
	kind, err := console.ImportKind(r.PathValue("kind"))
	if err != nil {
		return 0, nil, err
	}
	ctx, q := r.Context(), r.URL.Query()
	var data []byte
	if object := q.Get("object"); object != "" {
		data, err = h.uploadedFile(ctx, claims, kind, object) // a presigned PUT's (POST /imports/{kind}/uploads)
	} else {
		data, err = console.ReadFile(w, r)
	}
	if err != nil {
		return 0, nil, err
	}
	cur, err := h.current(ctx, claims, kind)
	if err != nil {
		return 0, nil, err
	}
	checked := importer.Check(kind, console.ImportName(q, kind), data, cur, console.ImportOptions(q))
	status, out := console.Checked(checked, console.DryRun(q), "import_problems", "Tệp có %d lỗi; chưa ghi gì. Sửa các dòng được chỉ ra rồi tải lên lại.")
	return h.commit(r, claims, console.Write{Status: status, Out: &out, Skip: out.DryRun, Do: func() error {
		err := console.WriteImport(ctx, h.store, h.banks, cur, checked)
		if object := q.Get("object"); object != "" && err == nil {
			h.dropUpload(ctx, object)
		}
		return err
	}, Entry: func() (audit.Entry, error) { return checked.AuditEntry(cur) }})
}

// current reads what the kind is checked against and compared with.
func (h *Handler) current(ctx context.Context, claims *token.Claims, kind importer.Kind) (importer.Current, error) {
	return console.ImportCurrent(ctx, h.store, h.banks, claims.Contest, kind, claims.Email, h.now())
}

// template: GET /templates/{kind}.xlsx.
func (h *Handler) template(w http.ResponseWriter, r *http.Request) {
	_, err := h.organiser(r)
	var t console.TemplateFile
	if err == nil {
		t, err = console.Template(r.PathValue("file"))
	}
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	t.Write(w)
}

// auditLog answers a page of the audit log, newest first, with the next
// page's cursor, as request reads it: GET /audit[?kind=&actor=&from=&to=
// &cursor=&limit=] (console.AuditRequest), or GET /imports[?kind=roster
// &cursor=&limit=], the imports written before (who, when, what kind, the
// summary): the log's import entries (console.ImportsRequest).
func (h *Handler) auditLog(request func(url.Values) (audit.Query, int, error)) func(*http.Request, *token.Claims) (any, error) {
	return func(r *http.Request, claims *token.Claims) (any, error) {
		query, limit, err := request(r.URL.Query())
		if err != nil {
			return nil, err
		}
		entries, err := h.store.ListAudit(r.Context(), claims.Contest, query, limit+1)
		return console.PageOf(claims.Contest, entries, limit), err
	}
}

// getContest: GET /contest, the settings with the rules' limits.
func (h *Handler) getContest(r *http.Request, claims *token.Claims) (any, error) {
	c, err := h.store.GetContest(r.Context(), claims.Contest)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	if err := h.register(ctx, c); err != nil {
		return nil, err
	}
	rounds, err := h.store.ListRounds(ctx, claims.Contest)
	return console.SettingsOf(c, rounds, h.limits, h.now()), err
}

// register gives a contest saved before the contests' registry its entry
// (a put if absent: the ticks never saw it); an entry there is kept.
func (h *Handler) register(ctx context.Context, c contest.Contest) error {
	added, err := h.store.RegisterContest(ctx, c)
	if added {
		h.log.Info("contest added to the registry: its schedules run from now on", "contest", c.ID)
	}
	return err
}

// putContest: PUT /contest[?dryRun=1] with the whole settings (the
// contest.json fields): checked (422 with the fields' problems), compared
// (the published weeks a change touches, as a warning), written and audited.
func (h *Handler) putContest(w http.ResponseWriter, r *http.Request) (int, any, error) {
	claims, next, err := organiserBody[contest.Contest](h, w, r, 64<<10)
	if err != nil {
		return 0, nil, err
	}
	ctx := r.Context()
	old, err := h.store.GetContest(ctx, claims.Contest)
	if err == nil {
		err = console.SameContest(&next, claims.Contest)
	}
	if err == nil {
		err = h.register(ctx, old) // a write below replaces it with the new settings'
	}
	var rounds []contest.Round
	if err == nil {
		rounds, err = h.store.ListRounds(ctx, claims.Contest)
	}
	if err != nil {
		return 0, nil, err
	}
	next, problems := importer.CheckContestFor(next, h.limits)
	status, out := console.SettingsChecked(old, next, rounds, problems, console.DryRun(r.URL.Query()))
	status, answer, err := h.commit(r, claims, console.Write{Status: status, Out: &out, Skip: out.DryRun || len(out.Change.Fields) == 0,
		Do:    func() error { return h.store.PutContest(ctx, next) },
		Entry: func() (audit.Entry, error) { return out.Change.AuditEntry(h.now(), claims.Email, old, next) }})
	if err == nil {
		h.syncBucketCORS(ctx, old, next, &out)
	}
	return status, answer, err
}

// listRoles: GET /roles, the unit admins, organisers and jury, and the
// units (a unit admin is chosen per unit).
func (h *Handler) listRoles(r *http.Request, claims *token.Claims) (any, error) {
	members, err := h.store.ListMembers(r.Context(), claims.Contest)
	if err != nil {
		return nil, err
	}
	units, err := h.store.ListUnits(r.Context(), claims.Contest)
	return console.RoleListOf(members, units), err
}

// putRoles: PUT /roles/{email}[?dryRun=1] {"roles","unitId"[,"name"]}: a
// person's roles set (a newcomer added as staff), checked by
// importer.CheckRoles; the dry run shows who gains and loses which role
// (importer.CompareRoles); the write is audited.
func (h *Handler) putRoles(w http.ResponseWriter, r *http.Request) (int, any, error) {
	claims, ch, err := organiserBody[importer.RolesChange](h, w, r, 16<<10)
	if err != nil {
		return 0, nil, err
	}
	ctx := r.Context()
	email, err := contest.NormalizeEmail(r.PathValue("email"))
	if err != nil {
		return 0, nil, err
	}
	cur := importer.Current{Actor: claims.Email, Now: h.now()}
	if cur.Units, err = h.store.ListUnits(ctx, claims.Contest); err != nil {
		return 0, nil, err
	}
	m, found, err := h.store.GetMember(ctx, claims.Contest, email)
	if err != nil {
		return 0, nil, err
	}
	if !found {
		m = contest.Member{Email: email}
	}
	next, problems := importer.CheckRoles(cur, m, found, ch)
	if len(problems) > 0 {
		return http.StatusUnprocessableEntity, console.Refused("roles_problems", "Chưa đổi vai trò: xem các lỗi.", problems), nil
	}
	out := console.RolesOutcome{OK: true, DryRun: console.DryRun(r.URL.Query()), Change: importer.CompareRoles(m, found, next, cur.Units), Person: console.PersonOf(next)}
	return h.commit(r, claims, console.Write{Status: http.StatusOK, Out: &out, Skip: out.DryRun || !out.Change.Changed,
		Do:    func() error { return h.store.PutMember(ctx, claims.Contest, next) },
		Entry: func() (audit.Entry, error) { return out.Change.AuditEntry(cur, m, next) }})
}
