package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/funcurl"
	"github.com/hoithi/hoithi/shared/httpapi"
	"github.com/hoithi/hoithi/shared/mailq"
	"github.com/hoithi/hoithi/shared/platform"
	"github.com/hoithi/hoithi/shared/signin"
	"github.com/hoithi/hoithi/shared/token"
)

// SessionTTL is how long a session token lives: a working day.
const SessionTTL = 12 * time.Hour

type store interface {
	GetContest(ctx context.Context, id string) (contest.Contest, error)
	ListUnits(ctx context.Context, contestID string) ([]contest.Unit, error)
	GetMember(ctx context.Context, contestID, email string) (contest.Member, bool, error)
	PutMember(ctx context.Context, contestID string, m contest.Member) error
	GetCode(ctx context.Context, contestID, email string, now time.Time) (*signin.CodeState, error)
	PutCodeAndMail(ctx context.Context, contestID, email string, prev *signin.CodeState, st signin.CodeState, now time.Time, r mailq.Request) error
	AddCodeTry(ctx context.Context, contestID, email, hash, requester string) error
	UseCode(ctx context.Context, contestID, email, hash, requester string, now time.Time) (*signin.CodeState, bool, error)
	TakeToken(ctx context.Context, contestID string, b signin.Bucket, key string, now time.Time) error
}

// Handler serves sign-in: one-time codes by e-mail, then session tokens.
// The e-mails go through the outbox (shared/mailq): the mailer function
// sends them at the SES rate.
type Handler struct {
	store   store
	signer  *token.Signer
	codeKey []byte
	contest string
	now     func() time.Time
	log     *slog.Logger

	mu       sync.Mutex
	contests map[string]cachedContest // by id, read less than platform.SettingsCacheTTL ago
}

// cachedContest is a contest's settings as read at a time.
type cachedContest struct {
	c  contest.Contest
	at time.Time
}

// NewHandler builds the handler; tokenKey also keys the code hashes.
func NewHandler(s store, signer *token.Signer, tokenKey []byte, defaultContest string, now func() time.Time, log *slog.Logger) *Handler {
	k := sha256.Sum256(append([]byte("hoithi one-time codes\x00"), tokenKey...))
	if now == nil {
		now = time.Now
	}
	return &Handler{store: s, signer: signer, codeKey: k[:], contest: defaultContest, now: now, log: log,
		contests: map[string]cachedContest{}}
}

// Routes is the function's HTTP API.
func (h *Handler) Routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /codes", h.requestCode)
	mux.HandleFunc("POST /sessions", h.createSession)
	mux.HandleFunc("GET /signup", h.signUpForm)
	mux.HandleFunc("/", httpapi.NotFound(h.log))
	return httpapi.Wrap(mux, h.log)
}

type codeRequest struct {
	Contest  string           `json:"contest"`
	Email    string           `json:"email"`
	Name     string           `json:"name"`
	Ward     string           `json:"ward"`
	Audience contest.Audience `json:"audience"`
}

type ward struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type signUpFormResponse struct {
	// Audiences anyone may join by declaring a name and a ward.
	Audiences []contest.Audience `json:"audiences"`
	// Wards a citizen chooses from (contest.SignUpWards).
	Wards []ward `json:"wards"`
}

// signUpForm (public) is what the site's sign-up form offers: the audiences
// open to sign-up and the wards to choose from, so the site restates neither.
func (h *Handler) signUpForm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, err := h.contestOf(ctx, r.URL.Query().Get("contest"))
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	units, err := h.store.ListUnits(ctx, c.ID)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	res := signUpFormResponse{Audiences: c.OpenSignUp, Wards: []ward{}}
	if res.Audiences == nil {
		res.Audiences = []contest.Audience{}
	}
	for _, u := range contest.SignUpWards(units) {
		res.Wards = append(res.Wards, ward{ID: u.ID, Name: u.Name})
	}
	httpapi.WriteJSON(w, http.StatusOK, res)
}

type codeResponse struct {
	SentTo             string    `json:"sentTo"`
	ExpiresAt          time.Time `json:"expiresAt"`
	ResendAfterSeconds int       `json:"resendAfterSeconds"`
}

func (h *Handler) requestCode(w http.ResponseWriter, r *http.Request) {
	var req codeRequest
	if err := httpapi.DecodeJSON(w, r, &req, 4<<10); err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	res, err := h.sendCode(r.Context(), req, h.requester(r))
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusAccepted, res)
}

// requester is who sent r, for the limits: the platform's source address
// (never a client header), stored only as a keyed hash.
func (h *Handler) requester(r *http.Request) string {
	return signin.RequesterKey(h.codeKey, funcurl.SourceIP(r))
}

// sendCode e-mails a code to the person behind req.Email, in this order:
// who they are (canonical address, roster, sign-up: refusals send nothing
// and spend nothing), the address's own limits, then the requester's and
// the contest's e-mail budgets, and only then the code and its e-mail,
// stored together (the e-mail is queued; the mailer sends it).
func (h *Handler) sendCode(ctx context.Context, req codeRequest, requester string) (codeResponse, error) {
	if _, err := contest.NormalizeEmail(req.Email); err != nil {
		return codeResponse{}, err
	}
	c, err := h.contestOf(ctx, req.Contest)
	if err != nil {
		return codeResponse{}, err
	}
	email, err := signin.Canonical(c, req.Email)
	if err != nil {
		return codeResponse{}, err
	}
	now := h.now()
	prev, err := h.store.GetCode(ctx, c.ID, email, now)
	if err != nil {
		return codeResponse{}, err
	}
	var signUp *contest.SignUp
	if req.Audience != "" {
		signUp = &contest.SignUp{Audience: req.Audience, Name: req.Name, Ward: req.Ward}
	} else if prev != nil {
		signUp = prev.SignUp // asking again for a code of a sign-up not yet verified
	}
	m, record, err := h.admit(ctx, c, email, signUp)
	if err != nil {
		return codeResponse{}, err
	}
	code, err := signin.NewCode()
	if err != nil {
		return codeResponse{}, err
	}
	next, err := signin.Issue(prev, signin.Hash(h.codeKey, c.ID, email, code), now)
	if err != nil {
		return codeResponse{}, err
	}
	if record {
		next.SignUp = &contest.SignUp{Audience: m.Audience, Name: m.Name, Ward: m.Ward}
	}
	for _, b := range []struct {
		bucket signin.Bucket
		key    string
	}{{signin.RequesterBudget(c), requester}, {signin.ContestBudget(c), "all"}} {
		if err := h.store.TakeToken(ctx, c.ID, b.bucket, b.key, now); err != nil {
			if fe, ok := fault.As(err); ok && fe.Kind == fault.KindRateLimited {
				// "sign-in budget reached" with limit=contest is what the alarm counts
				level := slog.LevelInfo
				if b.bucket.Name == "contest" {
					level = slog.LevelWarn
				}
				h.log.Log(ctx, level, platform.LogSigninBudget, "contest", c.ID, "limit", b.bucket.Name, "requester", requester)
			}
			return codeResponse{}, err
		}
	}
	id, err := mailq.NewID()
	if err != nil {
		return codeResponse{}, err
	}
	msg := mailq.Request{
		ID: id, Contest: c.ID, Kind: mailq.KindCode, To: email,
		Subject: fmt.Sprintf("Mã đăng nhập Hội thi trực tuyến CCHC: %s", code),
		Text: fmt.Sprintf("Mã đăng nhập của bạn là: %s\n\nMã có hiệu lực đến %s, chỉ dùng được một lần. "+
			"Không chia sẻ mã này cho bất kỳ ai.\n\nNếu bạn không yêu cầu mã, hãy bỏ qua thư này.\n\n%s",
			code, next.ExpiresAt.In(contest.ICT).Format("15:04 ngày 02/01/2006"), c.Title),
		Code: code, EnqueuedAt: now, ExpiresAt: next.ExpiresAt,
	}.For(c) // the contest's sender and share of the SES rate
	if err := h.store.PutCodeAndMail(ctx, c.ID, email, prev, next, now, msg); err != nil {
		return codeResponse{}, err
	}
	h.log.Info("code queued", "contest", c.ID, "participant", contest.ParticipantID(c.ID, email))
	return codeResponse{SentTo: maskEmail(email), ExpiresAt: next.ExpiresAt.In(contest.ICT).Truncate(time.Second), ResendAfterSeconds: int(signin.ResendAfter.Seconds())}, nil
}

// admit reads email's roster or sign-up entry and applies the contest's
// eligibility rules (contest.Contest.Admit).
func (h *Handler) admit(ctx context.Context, c contest.Contest, email string, signUp *contest.SignUp) (contest.Member, bool, error) {
	m, found, err := h.store.GetMember(ctx, c.ID, email)
	if err != nil {
		return contest.Member{}, false, err
	}
	var member *contest.Member
	if found {
		member = &m
	}
	return c.AdmitSignUp(email, member, signUp, func() ([]contest.Unit, error) { return h.store.ListUnits(ctx, c.ID) })
}

type sessionRequest struct {
	Contest string `json:"contest"`
	Email   string `json:"email"`
	Code    string `json:"code"`
}

type participantView struct {
	Email      string           `json:"email"`
	Name       string           `json:"name"`
	UnitID     string           `json:"unitId,omitempty"`
	Ward       string           `json:"ward,omitempty"`
	Audience   contest.Audience `json:"audience"`
	Roles      []contest.Role   `json:"roles"`
	MayCompete bool             `json:"mayCompete"`
	Contest    string           `json:"contest"`
}

type sessionResponse struct {
	Token       string          `json:"token"`
	ExpiresAt   time.Time       `json:"expiresAt"`
	Participant participantView `json:"participant"`
}

func (h *Handler) createSession(w http.ResponseWriter, r *http.Request) {
	var req sessionRequest
	if err := httpapi.DecodeJSON(w, r, &req, 4<<10); err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	res, err := h.openSession(r.Context(), req, h.requester(r))
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, res)
}

func (h *Handler) openSession(ctx context.Context, req sessionRequest, requester string) (sessionResponse, error) {
	if _, err := contest.NormalizeEmail(req.Email); err != nil {
		return sessionResponse{}, err
	}
	code := strings.TrimSpace(req.Code)
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		return sessionResponse{}, fault.Invalid("invalid_code_format", "Mã xác thực gồm 6 chữ số.")
	}
	c, err := h.contestOf(ctx, req.Contest)
	if err != nil {
		return sessionResponse{}, err
	}
	email, err := signin.Canonical(c, req.Email)
	if err != nil {
		return sessionResponse{}, err
	}
	now := h.now()
	hash := signin.Hash(h.codeKey, c.ID, email, code)
	// The right code, the usual case, is used at once (the store's condition
	// is signin.Check's rules); when it is not, Check on the state the store
	// found says why, and whether the try counts.
	st, used, err := h.store.UseCode(ctx, c.ID, email, hash, requester, now)
	if err != nil {
		return sessionResponse{}, err
	}
	if !used {
		countTry, err := signin.Check(st, hash, requester, now)
		if err == nil { // used or locked in the meantime
			err = fault.Unauthorized("code_invalid", "Mã xác thực không đúng hoặc đã được dùng. Vui lòng yêu cầu mã mới.")
		}
		if countTry {
			if err := h.store.AddCodeTry(ctx, c.ID, email, st.Hash, requester); err != nil {
				h.log.Warn("count wrong code", "err", err)
			}
		}
		return sessionResponse{}, err
	}
	var signUp *contest.SignUp
	if st != nil {
		signUp = st.SignUp
	}
	m, record, err := h.admit(ctx, c, email, signUp)
	if err != nil {
		return sessionResponse{}, err
	}
	if record {
		// a citizen's sign-up becomes a member once they proved the mailbox
		if err := h.store.PutMember(ctx, c.ID, m); err != nil {
			return sessionResponse{}, err
		}
	}
	m.Email = email
	claims := token.ClaimsFor(c.ID, m)
	tok, exp, err := h.signer.Issue(claims)
	if err != nil {
		return sessionResponse{}, err
	}
	h.log.Info("session opened", "contest", c.ID, "participant", claims.Subject)
	return sessionResponse{Token: tok, ExpiresAt: exp.In(contest.ICT), Participant: participantView{
		Email: email, Name: m.Name, UnitID: m.UnitID, Ward: m.Ward, Audience: m.Audience, Roles: m.Roles,
		MayCompete: contest.MayCompete(m.Roles), Contest: c.ID,
	}}, nil
}

// contestOf reads a contest's settings through the container's cache: the
// two calls of a sign-in, and every sign-in at the peak, would otherwise read
// the same item; an organiser's change (its budgets, who may sign in) shows
// within platform.SettingsCacheTTL. Contests not found are not kept.
func (h *Handler) contestOf(ctx context.Context, id string) (contest.Contest, error) {
	if id == "" {
		id = h.contest
	}
	if !contest.ValidID(id) {
		return contest.Contest{}, fault.NotFound("contest_not_found", "Không tìm thấy cuộc thi.")
	}
	now := h.now()
	h.mu.Lock()
	cached, ok := h.contests[id]
	h.mu.Unlock()
	if ok && now.Sub(cached.at) < platform.SettingsCacheTTL && now.Sub(cached.at) >= 0 {
		return cached.c, nil
	}
	c, err := h.store.GetContest(ctx, id)
	if err != nil {
		return contest.Contest{}, err
	}
	h.mu.Lock()
	h.contests[id] = cachedContest{c: c, at: now}
	h.mu.Unlock()
	return c, nil
}

// maskEmail shows enough of an address to recognise it: "ng***@hue.gov.vn".
func maskEmail(email string) string {
	at := strings.LastIndexByte(email, '@')
	local := email[:at]
	keep := min(2, len(local))
	return local[:keep] + "***" + email[at:]
}
