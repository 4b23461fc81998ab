package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoithi/hoithi/shared/audit"
	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/console"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/httpapi"
	"github.com/hoithi/hoithi/shared/importer"
	"github.com/hoithi/hoithi/shared/reminder"
	"github.com/hoithi/hoithi/shared/token"
)

// store is what the organiser console reads and writes.
type store interface {
	GetContest(ctx context.Context, id string) (contest.Contest, error)
	PutContest(ctx context.Context, c contest.Contest) error
	// RegisterContest puts the contest's registry entry if it has none (a
	// contest saved before the registry: the ticks would never see it).
	RegisterContest(ctx context.Context, c contest.Contest) (bool, error)
	PutMember(ctx context.Context, contestID string, m contest.Member) error
	GetMember(ctx context.Context, contestID, email string) (contest.Member, bool, error)
	ListUnits(ctx context.Context, contestID string) ([]contest.Unit, error)
	ListMembers(ctx context.Context, contestID string) ([]contest.Member, error)
	ListRounds(ctx context.Context, contestID string) ([]contest.Round, error)
	ReplaceUnits(ctx context.Context, contestID, version string, units []contest.Unit) error
	UpdateRoster(ctx context.Context, contestID, version string, members []contest.Member, changes []contest.RosterChange) error
	PutRounds(ctx context.Context, rounds []contest.Round) error
	AppendAudit(ctx context.Context, contestID string, e audit.Entry) error
	ListAudit(ctx context.Context, contestID string, q audit.Query, limit int) ([]audit.Entry, error)
	ReminderRuns(ctx context.Context, contestID, roundID, slot string) ([]reminder.Progress, error)
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
	bucket  string
	signer  *token.Signer
	now     func() time.Time
	log     *slog.Logger
	// limits are the contest settings' bounds with the deployment's
	// (its SES rate and sending domains).
	limits importer.ContestLimits
}

// NewHandler builds the handler.
func NewHandler(s store, o objects, p presigner, bucket string, signer *token.Signer, now func() time.Time, log *slog.Logger) *Handler {
	return &Handler{store: s, objects: o, presign: p, bucket: bucket, signer: signer, now: now, log: log, limits: importer.Limits}
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
	mux.HandleFunc("POST /imports/{kind}", h.importFile)
	mux.HandleFunc("POST /imports/{kind}/uploads", h.importUpload)
	mux.HandleFunc("GET /templates/{file}", h.template)
	mux.HandleFunc("GET /audit", h.read(h.auditLog))
	mux.HandleFunc("GET /imports", h.read(h.pastImports))
	mux.HandleFunc("GET /contest", h.read(h.getContest))
	mux.HandleFunc("PUT /contest", h.putContest)
	mux.HandleFunc("GET /roles", h.read(h.listRoles))
	mux.HandleFunc("PUT /roles/{email}", h.putRoles)
	mux.HandleFunc("GET /rounds", h.read(h.listRounds))
	mux.HandleFunc("POST /rounds/weekly", h.weeklyRounds)
	mux.HandleFunc("PUT /rounds/{id}", h.editRound)
	mux.HandleFunc("GET /rounds/{roundId}/reminders", h.read(h.reminders))
	mux.HandleFunc("/", httpapi.NotFound(h.log))
	return httpapi.Wrap(mux, h.log)
}

// organiserBody is the preamble of an organiser's JSON write: the caller
// must be an organiser (organiser) and the body a JSON T of at most limit
// bytes. On failure the error is written and ok is false.
func organiserBody[T any](h *Handler, w http.ResponseWriter, r *http.Request, limit int64) (claims *token.Claims, body T, ok bool) {
	claims, err := h.organiser(r)
	if err == nil {
		err = httpapi.DecodeJSON(w, r, &body, limit)
	}
	if err != nil {
		h.fail(w, r, err)
		return nil, body, false
	}
	return claims, body, true
}

// read serves an organiser's read: fn's answer as 200 JSON, or its error.
func (h *Handler) read(fn func(r *http.Request, claims *token.Claims) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		claims, err := h.organiser(r)
		var out any
		if err == nil {
			out, err = fn(r, claims)
		}
		if err != nil {
			h.fail(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, out)
	}
}

// fail answers err (coded errors by their status, others as internal).
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	httpapi.WriteError(w, r, h.log, err)
}

// commit ends an organiser's write: the answer out as it is (with status)
// when refused or skipped (a dry run, nothing to change); else write, the
// audit entry appended, and out marked written. A change written but not
// recorded is loud in the logs, and the organiser is told.
func (h *Handler) commit(w http.ResponseWriter, r *http.Request, claims *token.Claims, status int, out console.Writable, skip bool, write func() error, entry func() (audit.Entry, error)) {
	if status != http.StatusOK || skip {
		httpapi.WriteJSON(w, status, out)
		return
	}
	if err := write(); err != nil {
		h.fail(w, r, err)
		return
	}
	out.MarkWritten()
	e, err := entry()
	if err == nil {
		err = h.store.AppendAudit(r.Context(), claims.Contest, e)
	}
	if err != nil {
		h.log.Error("written but its audit entry failed", "action", e.Action, "err", err)
		h.fail(w, r, fmt.Errorf("audit after %s: %w", e.Action, err))
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, out)
}

// organiser checks that the request comes from an organiser of the token's
// contest, as the roster says now (a role taken away since sign-in counts).
func (h *Handler) organiser(r *http.Request) (*token.Claims, error) {
	claims, err := h.signer.FromRequest(r)
	if err != nil {
		return nil, err
	}
	forbidden := fault.Forbidden("organiser_only", "Chỉ Ban Tổ chức được dùng trang quản trị.")
	if !claims.Actor().Has(contest.RoleOrganiser) {
		return nil, forbidden
	}
	m, found, err := h.store.GetMember(r.Context(), claims.Contest, claims.Email)
	if err != nil {
		return nil, err
	}
	if !found || !m.Has(contest.RoleOrganiser) {
		return nil, forbidden
	}
	return claims, nil
}

// importFile: POST /imports/{kind}[?dryRun=1][&bankId=&title=][&object=],
// the file as the body (or uploaded before). A dry run (or a file with
// problems) writes nothing; otherwise the kind is written all or nothing and
// the audit log gets an entry.
func (h *Handler) importFile(w http.ResponseWriter, r *http.Request) {
	claims, err := h.organiser(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	kind, err := console.ImportKind(r.PathValue("kind"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ctx, q := r.Context(), r.URL.Query()
	var data []byte
	if object := q.Get("object"); object != "" {
		data, err = h.uploadedFile(ctx, claims, kind, object) // a presigned PUT's (POST /imports/{kind}/uploads)
	} else {
		data, err = console.ReadFile(w, r)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	cur, err := h.current(ctx, claims, kind)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	checked := importer.Check(kind, console.ImportName(q, kind), data, cur, console.ImportOptions(q))
	status, out := console.Checked(checked, console.DryRun(q), "import_problems", "Tệp có %d lỗi; chưa ghi gì. Sửa các dòng được chỉ ra rồi tải lên lại.")
	h.commit(w, r, claims, status, &out, out.DryRun, func() error {
		err := h.write(ctx, cur, checked)
		if object := q.Get("object"); object != "" && err == nil {
			h.dropUpload(ctx, object)
		}
		return err
	}, func() (audit.Entry, error) { return checked.AuditEntry(cur) })
}

// current reads what the kind is checked against and compared with.
func (h *Handler) current(ctx context.Context, claims *token.Claims, kind importer.Kind) (importer.Current, error) {
	cur := importer.Current{Actor: claims.Email, Now: h.now()}
	var err error
	if cur.Contest, err = h.store.GetContest(ctx, claims.Contest); err != nil {
		return cur, err
	}
	if kind == importer.KindUnits || kind == importer.KindRoster {
		if cur.Units, err = h.store.ListUnits(ctx, claims.Contest); err != nil {
			return cur, err
		}
		if cur.Members, err = h.store.ListMembers(ctx, claims.Contest); err != nil {
			return cur, err
		}
	}
	if kind == importer.KindBank || kind == importer.KindRounds {
		if cur.Rounds, err = h.store.ListRounds(ctx, claims.Contest); err != nil {
			return cur, err
		}
		cur.Banks, err = blob.BankSizes(ctx, h.objects, h.bucket, claims.Contest, kind == importer.KindRounds, func(id string, err error) {
			h.log.Warn("bank unreadable", "bank", id, "err", err)
		})
	}
	return cur, err
}

// write stores a checked file, all or nothing.
func (h *Handler) write(ctx context.Context, cur importer.Current, c *importer.Checked) error {
	version := importer.NewVersion(cur.Now)
	switch c.Kind {
	case importer.KindUnits:
		return h.store.ReplaceUnits(ctx, cur.Contest.ID, version, c.Units)
	case importer.KindRoster:
		// only the people who change are written, when they are few
		return h.store.UpdateRoster(ctx, cur.Contest.ID, version, c.Members, contest.DiffRoster(cur.Members, c.Members))
	case importer.KindBank:
		_, err := blob.PutBank(ctx, h.objects, h.bucket, cur.Contest.ID, c.BankJSON)
		return err
	case importer.KindRounds:
		return h.store.PutRounds(ctx, c.Rounds)
	}
	return fmt.Errorf("write: unknown kind %q", c.Kind)
}

// template: GET /templates/{kind}.xlsx.
func (h *Handler) template(w http.ResponseWriter, r *http.Request) {
	_, err := h.organiser(r)
	var t console.TemplateFile
	if err == nil {
		t, err = console.Template(r.PathValue("file"))
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	t.Write(w)
}

// auditLog: GET /audit[?kind=&actor=&from=&to=&cursor=&limit=], a page of
// the log, newest first, with the next page's cursor.
func (h *Handler) auditLog(r *http.Request, claims *token.Claims) (any, error) {
	query, limit, err := console.AuditRequest(r.URL.Query())
	if err != nil {
		return nil, err
	}
	return h.auditPage(r.Context(), claims, query, limit)
}

// pastImports: GET /imports[?kind=roster&cursor=&limit=], the imports
// written before (who, when, what kind, the summary), newest first: the
// audit log's import entries.
func (h *Handler) pastImports(r *http.Request, claims *token.Claims) (any, error) {
	query, limit, err := console.ImportsRequest(r.URL.Query())
	if err != nil {
		return nil, err
	}
	return h.auditPage(r.Context(), claims, query, limit)
}

func (h *Handler) auditPage(ctx context.Context, claims *token.Claims, query audit.Query, limit int) (console.AuditPage, error) {
	entries, err := h.store.ListAudit(ctx, claims.Contest, query, limit+1)
	return console.PageOf(claims.Contest, entries, limit), err
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
func (h *Handler) putContest(w http.ResponseWriter, r *http.Request) {
	claims, next, ok := organiserBody[contest.Contest](h, w, r, 64<<10)
	if !ok {
		return
	}
	ctx := r.Context()
	old, err := h.store.GetContest(ctx, claims.Contest)
	if err == nil {
		err = console.SameContest(&next, claims.Contest)
	}
	if err == nil {
		err = h.register(ctx, old) // a write below replaces it with the new settings'
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rounds, err := h.store.ListRounds(ctx, claims.Contest)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	next, problems := importer.CheckContestFor(next, h.limits)
	status, out := console.SettingsChecked(old, next, rounds, problems, console.DryRun(r.URL.Query()))
	h.commit(w, r, claims, status, &out, out.DryRun || len(out.Change.Fields) == 0,
		func() error { return h.store.PutContest(ctx, next) },
		func() (audit.Entry, error) { return out.Change.AuditEntry(h.now(), claims.Email, old, next) })
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
func (h *Handler) putRoles(w http.ResponseWriter, r *http.Request) {
	claims, ch, ok := organiserBody[importer.RolesChange](h, w, r, 16<<10)
	if !ok {
		return
	}
	ctx := r.Context()
	email, err := contest.NormalizeEmail(r.PathValue("email"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	cur := importer.Current{Actor: claims.Email, Now: h.now()}
	if cur.Units, err = h.store.ListUnits(ctx, claims.Contest); err != nil {
		h.fail(w, r, err)
		return
	}
	m, found, err := h.store.GetMember(ctx, claims.Contest, email)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !found {
		m = contest.Member{Email: email}
	}
	next, problems := importer.CheckRoles(cur, m, found, ch)
	if len(problems) > 0 {
		httpapi.WriteJSON(w, http.StatusUnprocessableEntity, console.Refused("roles_problems", "Chưa đổi vai trò: xem các lỗi.", problems))
		return
	}
	out := console.RolesOutcome{OK: true, DryRun: console.DryRun(r.URL.Query()), Change: importer.CompareRoles(m, found, next, cur.Units), Person: console.PersonOf(next)}
	h.commit(w, r, claims, http.StatusOK, &out, out.DryRun || !out.Change.Changed,
		func() error { return h.store.PutMember(ctx, claims.Contest, next) },
		func() (audit.Entry, error) { return out.Change.AuditEntry(cur, m, next) })
}
