package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoithi/hoithi/shared/audit"
	"github.com/hoithi/hoithi/shared/blob"
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
	PutMember(ctx context.Context, contestID string, m contest.Member) error
	GetMember(ctx context.Context, contestID, email string) (contest.Member, bool, error)
	ListUnits(ctx context.Context, contestID string) ([]contest.Unit, error)
	ListMembers(ctx context.Context, contestID string) ([]contest.Member, error)
	ListRounds(ctx context.Context, contestID string) ([]contest.Round, error)
	ReplaceUnits(ctx context.Context, contestID, version string, units []contest.Unit) error
	ReplaceRoster(ctx context.Context, contestID, version string, members []contest.Member) error
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

// auditLimit bounds the entries one GET /audit returns (newest first).
const auditLimit = 1000

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
	mux.HandleFunc("GET /audit", h.auditLog)
	mux.HandleFunc("GET /contest", h.getContest)
	mux.HandleFunc("PUT /contest", h.putContest)
	mux.HandleFunc("GET /roles", h.listRoles)
	mux.HandleFunc("PUT /roles/{email}", h.putRoles)
	mux.HandleFunc("GET /rounds", h.listRounds)
	mux.HandleFunc("POST /rounds/weekly", h.weeklyRounds)
	mux.HandleFunc("PUT /rounds/{id}", h.editRound)
	mux.HandleFunc("GET /rounds/{roundId}/reminders", h.reminders)
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
		httpapi.WriteError(w, r, h.log, err)
		return nil, body, false
	}
	return claims, body, true
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

// ProblemJSON is a problem as the API reports it.
type ProblemJSON struct {
	Row    int    `json:"row"`
	Column string `json:"column"`
	// Message places the problem: "Dòng 14, cột Email: email trùng với dòng 9".
	Message string `json:"message"`
	// Detail is the problem without its place: "email trùng với dòng 9".
	Detail string `json:"detail"`
}

func problemsJSON(ps []importer.Problem) []ProblemJSON {
	out := make([]ProblemJSON, len(ps))
	for i, p := range ps {
		out[i] = ProblemJSON{Row: p.Line, Column: p.Column, Message: p.Message(), Detail: p.Msg}
	}
	return out
}

// importError is the error object of a 422 (the API's usual error envelope).
type importError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

type importResponse struct {
	OK       bool              `json:"ok"`
	Error    *importError      `json:"error,omitempty"`
	Kind     importer.Kind     `json:"kind"`
	DryRun   bool              `json:"dryRun"`
	Written  bool              `json:"written"`
	Summary  map[string]any    `json:"summary,omitempty"`
	Changes  *importer.Changes `json:"changes,omitempty"`
	Problems []ProblemJSON     `json:"problems,omitempty"`
	Warnings []ProblemJSON     `json:"warnings"`
}

// importFile: POST /imports/{kind}[?dryRun=1][&bankId=&title=], the file as
// the body. A dry run (or a file with problems) writes nothing; otherwise
// the kind is written all or nothing and the audit log gets an entry.
func (h *Handler) importFile(w http.ResponseWriter, r *http.Request) {
	claims, err := h.organiser(r)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	kind, ok := importer.ParseKind(r.PathValue("kind"))
	if !ok {
		httpapi.WriteError(w, r, h.log, fault.NotFound("import_kind", "Loại dữ liệu không rõ: chọn units, roster, bank hoặc rounds."))
		return
	}
	q := r.URL.Query()
	object := q.Get("object")
	var data []byte
	if object != "" {
		// a file uploaded with a presigned PUT (POST /imports/{kind}/uploads)
		if data, err = h.uploadedFile(r.Context(), claims, kind, object); err != nil {
			httpapi.WriteError(w, r, h.log, err)
			return
		}
	} else {
		if ct := r.Header.Get("Content-Type"); strings.HasPrefix(ct, "multipart/") || strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
			httpapi.WriteError(w, r, h.log, fault.Invalid("import_body", "Hãy gửi chính tệp làm nội dung yêu cầu (không dùng biểu mẫu multipart)."))
			return
		}
		data, err = io.ReadAll(http.MaxBytesReader(w, r.Body, importer.MaxFileBytes))
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			httpapi.WriteError(w, r, h.log, fault.Invalid("import_too_large", fmt.Sprintf("Tệp quá %d MB: hãy chia thành nhiều tệp.", importer.MaxFileBytes>>20)))
			return
		case err != nil:
			httpapi.WriteError(w, r, h.log, fault.Invalid("import_body", "Không đọc được tệp gửi lên."))
			return
		}
	}
	if len(data) == 0 {
		httpapi.WriteError(w, r, h.log, fault.Invalid("import_empty", "Tệp gửi lên trống."))
		return
	}
	dry := q.Get("dryRun") != "" && q.Get("dryRun") != "0" && q.Get("dryRun") != "false"
	ctx := r.Context()
	cur, err := h.current(ctx, claims, kind)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	name := q.Get("name")
	if name == "" {
		name = string(kind)
	}
	checked := importer.Check(kind, name, data, cur, importer.Options{BankID: q.Get("bankId"), BankTitle: q.Get("title")})
	resp := importResponse{OK: checked.Valid(), Kind: kind, DryRun: dry, Warnings: problemsJSON(checked.Warnings)}
	if !checked.Valid() {
		resp.Problems = problemsJSON(checked.Problems)
		resp.Error = &importError{Code: "import_problems", Message: fmt.Sprintf("Tệp có %d lỗi; chưa ghi gì. Sửa các dòng được chỉ ra rồi tải lên lại.", len(checked.Problems))}
		httpapi.WriteJSON(w, http.StatusUnprocessableEntity, resp)
		return
	}
	resp.Summary, resp.Changes = checked.Summary, &checked.Changes
	if dry {
		httpapi.WriteJSON(w, http.StatusOK, resp)
		return
	}
	if err := h.write(ctx, cur, checked); err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	resp.Written = true
	if object != "" {
		h.dropUpload(ctx, object)
	}
	if err := h.appendAudit(ctx, claims, checked, cur); err != nil {
		// written, but not recorded: loud in the logs, and the organiser is told
		h.log.Error("import written but its audit entry failed", "kind", kind, "err", err)
		httpapi.WriteError(w, r, h.log, fmt.Errorf("audit after import: %w", err))
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, resp)
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
		ids, err := blob.ListBankIDs(ctx, h.objects, h.bucket, claims.Contest)
		if err != nil {
			return cur, err
		}
		cur.Banks = map[string]int{}
		banks := blob.NewBanks(h.objects, h.bucket) // fresh: a bank just replaced counts as it is now
		for _, id := range ids {
			if kind == importer.KindBank {
				cur.Banks[id] = 0 // only whether it exists matters
				continue
			}
			b, err := banks.Load(ctx, claims.Contest, id)
			if err != nil {
				h.log.Warn("bank unreadable", "bank", id, "err", err)
				continue
			}
			cur.Banks[id] = len(b.Questions)
		}
	}
	return cur, nil
}

// write stores a checked file, all or nothing.
func (h *Handler) write(ctx context.Context, cur importer.Current, c *importer.Checked) error {
	var nonce [4]byte
	_, _ = rand.Read(nonce[:])
	version := strconv.FormatInt(cur.Now.UnixMilli(), 36) + "-" + hex.EncodeToString(nonce[:])
	switch c.Kind {
	case importer.KindUnits:
		return h.store.ReplaceUnits(ctx, cur.Contest.ID, version, c.Units)
	case importer.KindRoster:
		return h.store.ReplaceRoster(ctx, cur.Contest.ID, version, c.Members)
	case importer.KindBank:
		_, err := blob.PutBank(ctx, h.objects, h.bucket, cur.Contest.ID, c.BankJSON)
		return err
	case importer.KindRounds:
		return h.store.PutRounds(ctx, c.Rounds)
	}
	return fmt.Errorf("write: unknown kind %q", c.Kind)
}

var importActions = map[importer.Kind]string{
	importer.KindUnits: audit.ImportUnits, importer.KindRoster: audit.ImportRoster,
	importer.KindBank: audit.ImportBank, importer.KindRounds: audit.ImportRounds,
}

func (h *Handler) appendAudit(ctx context.Context, claims *token.Claims, c *importer.Checked, cur importer.Current) error {
	var before, after string
	switch c.Kind {
	case importer.KindUnits:
		before, after = fmt.Sprintf("%d đơn vị", len(cur.Units)), fmt.Sprintf("%d đơn vị", len(c.Units))
	case importer.KindRoster:
		before, after = fmt.Sprintf("%d người", len(cur.Members)), fmt.Sprintf("%d người", len(c.Members))
	case importer.KindBank:
		if n, ok := cur.Banks[c.Bank.ID]; ok {
			before = fmt.Sprintf("bộ %s đã có (%d câu)", c.Bank.ID, n)
		}
		after = fmt.Sprintf("bộ %s, %d câu", c.Bank.ID, len(c.Bank.Questions))
	case importer.KindRounds:
		before, after = fmt.Sprintf("%d tuần thi", len(cur.Rounds)), fmt.Sprintf("%d tuần thi trong tệp", len(c.Rounds))
	}
	e, err := audit.New(cur.Now, claims.Email, importActions[c.Kind], c.SummaryText(), before, after)
	if err != nil {
		return err
	}
	return h.store.AppendAudit(ctx, claims.Contest, e)
}

// template: GET /templates/{kind}.xlsx.
func (h *Handler) template(w http.ResponseWriter, r *http.Request) {
	if _, err := h.organiser(r); err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	name, ok := strings.CutSuffix(r.PathValue("file"), ".xlsx")
	kind, known := importer.ParseKind(name)
	if !ok || !known {
		httpapi.WriteError(w, r, h.log, fault.NotFound("template_not_found", "Không có mẫu này: chọn units.xlsx, roster.xlsx, bank.xlsx hoặc rounds.xlsx."))
		return
	}
	data, err := importer.Template(kind, time.Date(2026, 1, 1, 0, 0, 0, 0, contest.ICT))
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="mau-`+string(kind)+`.xlsx"`)
	w.Header().Set("Cache-Control", "private, max-age=3600")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}

type auditEntryJSON struct {
	At      time.Time `json:"at"`
	Actor   string    `json:"actor"`
	Action  string    `json:"action"`
	Kind    string    `json:"kind"`
	Summary string    `json:"summary"`
	Before  string    `json:"before,omitempty"`
	After   string    `json:"after,omitempty"`
}

// auditLog: GET /audit[?kind=&from=&to=], newest first.
func (h *Handler) auditLog(w http.ResponseWriter, r *http.Request) {
	claims, err := h.organiser(r)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	q := r.URL.Query()
	query, err := audit.ParseQuery(q.Get("kind"), q.Get("from"), q.Get("to"), contest.ICT)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	entries, err := h.store.ListAudit(r.Context(), claims.Contest, query, auditLimit)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	out := make([]auditEntryJSON, len(entries))
	for i, e := range entries {
		out[i] = auditEntryJSON{At: e.At.In(contest.ICT), Actor: e.Actor, Action: e.Action, Kind: e.Kind(), Summary: e.Summary, Before: e.Before, After: e.After}
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"entries": out})
}

type contestResponse struct {
	Contest contest.Contest        `json:"contest"`
	Limits  importer.ContestLimits `json:"limits"`
	// PublishedRounds are the rounds whose results are published.
	PublishedRounds []string `json:"publishedRounds"`
}

// getContest: GET /contest, the settings with the rules' limits.
func (h *Handler) getContest(w http.ResponseWriter, r *http.Request) {
	claims, err := h.organiser(r)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	ctx := r.Context()
	c, err := h.store.GetContest(ctx, claims.Contest)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	rounds, err := h.store.ListRounds(ctx, claims.Contest)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	ch := importer.CompareSettings(c, c, rounds)
	httpapi.WriteJSON(w, http.StatusOK, contestResponse{Contest: c, Limits: h.limits, PublishedRounds: ch.PublishedRounds})
}

type putContestResponse struct {
	OK       bool                    `json:"ok"`
	DryRun   bool                    `json:"dryRun"`
	Written  bool                    `json:"written"`
	Error    *importError            `json:"error,omitempty"`
	Contest  *contest.Contest        `json:"contest,omitempty"`
	Change   importer.SettingsChange `json:"change"`
	Problems []ProblemJSON           `json:"problems,omitempty"`
}

// putContest: PUT /contest[?dryRun=1] with the whole settings (the
// contest.json fields): checked (422 with the fields' problems), compared
// (the published weeks a change touches, as a warning), written and audited.
func (h *Handler) putContest(w http.ResponseWriter, r *http.Request) {
	claims, next, ok := organiserBody[contest.Contest](h, w, r, 64<<10)
	if !ok {
		return
	}
	if next.ID == "" {
		next.ID = claims.Contest
	}
	if next.ID != claims.Contest {
		httpapi.WriteError(w, r, h.log, fault.Invalid("contest_id", "Không đổi được mã cuộc thi."))
		return
	}
	ctx := r.Context()
	old, err := h.store.GetContest(ctx, claims.Contest)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	rounds, err := h.store.ListRounds(ctx, claims.Contest)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	next, problems := importer.CheckContestFor(next, h.limits)
	q := r.URL.Query()
	resp := putContestResponse{DryRun: q.Get("dryRun") != "" && q.Get("dryRun") != "0" && q.Get("dryRun") != "false"}
	if len(problems) > 0 {
		resp.Problems = problemsJSON(problems)
		resp.Error = &importError{Code: "settings_problems", Message: fmt.Sprintf("Thiết lập có %d lỗi; chưa ghi gì.", len(problems))}
		httpapi.WriteJSON(w, http.StatusUnprocessableEntity, resp)
		return
	}
	resp.OK, resp.Contest = true, &next
	resp.Change = importer.CompareSettings(old, next, rounds)
	if resp.DryRun || len(resp.Change.Fields) == 0 {
		httpapi.WriteJSON(w, http.StatusOK, resp)
		return
	}
	if err := h.store.PutContest(ctx, next); err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	resp.Written = true
	before, _ := json.Marshal(old)
	after, _ := json.Marshal(next)
	e, err := audit.New(h.now(), claims.Email, audit.SettingsUpdate, "Đổi thiết lập: "+strings.Join(resp.Change.Fields, ", "), string(before), string(after))
	if err == nil {
		err = h.store.AppendAudit(ctx, claims.Contest, e)
	}
	if err != nil {
		h.log.Error("settings written but their audit entry failed", "err", err)
		httpapi.WriteError(w, r, h.log, fmt.Errorf("audit after settings: %w", err))
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, resp)
}

// personJSON is a person with a role beyond taking part.
type personJSON struct {
	Email      string         `json:"email"`
	Name       string         `json:"name"`
	UnitID     string         `json:"unitId,omitempty"`
	Roles      []contest.Role `json:"roles"`
	MayCompete bool           `json:"mayCompete"`
}

func personOf(m contest.Member) personJSON {
	return personJSON{Email: m.Email, Name: m.Name, UnitID: m.UnitID, Roles: m.Roles, MayCompete: contest.MayCompete(m.Roles)}
}

// listRoles: GET /roles, the unit admins, organisers and jury, and the
// units (a unit admin is chosen per unit).
func (h *Handler) listRoles(w http.ResponseWriter, r *http.Request) {
	claims, err := h.organiser(r)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	members, err := h.store.ListMembers(r.Context(), claims.Contest)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	people := []personJSON{}
	for _, m := range members {
		if m.Has(contest.RoleUnitAdmin) || m.Has(contest.RoleOrganiser) || m.Has(contest.RoleJury) {
			people = append(people, personOf(m))
		}
	}
	units, err := h.store.ListUnits(r.Context(), claims.Contest)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	if units == nil {
		units = []contest.Unit{}
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"people": people, "units": units})
}

// putRoles: PUT /roles/{email} {"roles","unitId"[,"name"]}: a person's roles
// set (a newcomer added as staff), checked by importer.CheckRoles, audited.
func (h *Handler) putRoles(w http.ResponseWriter, r *http.Request) {
	claims, ch, ok := organiserBody[importer.RolesChange](h, w, r, 16<<10)
	if !ok {
		return
	}
	ctx := r.Context()
	email, err := contest.NormalizeEmail(r.PathValue("email"))
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	cur := importer.Current{Actor: claims.Email, Now: h.now()}
	if cur.Units, err = h.store.ListUnits(ctx, claims.Contest); err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	m, found, err := h.store.GetMember(ctx, claims.Contest, email)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	if !found {
		m = contest.Member{Email: email}
	}
	next, problems := importer.CheckRoles(cur, m, found, ch)
	if len(problems) > 0 {
		httpapi.WriteJSON(w, http.StatusUnprocessableEntity, map[string]any{"ok": false,
			"error":    importError{Code: "roles_problems", Message: "Chưa đổi vai trò: xem các lỗi."},
			"problems": problemsJSON(problems)})
		return
	}
	if err := h.store.PutMember(ctx, claims.Contest, next); err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	before := "chưa có trong danh sách"
	if found {
		before = fmt.Sprintf("%v, đơn vị %q", m.Roles, m.UnitID)
	}
	e, err := audit.New(cur.Now, claims.Email, audit.RolesUpdate, "Vai trò của "+email, before, fmt.Sprintf("%v, đơn vị %q", next.Roles, next.UnitID))
	if err == nil {
		err = h.store.AppendAudit(ctx, claims.Contest, e)
	}
	if err != nil {
		h.log.Error("roles written but their audit entry failed", "err", err)
		httpapi.WriteError(w, r, h.log, fmt.Errorf("audit after roles: %w", err))
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"ok": true, "person": personOf(next)})
}
