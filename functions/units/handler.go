package main

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/httpapi"
	"github.com/hoithi/hoithi/shared/participation"
	"github.com/hoithi/hoithi/shared/platform"
	"github.com/hoithi/hoithi/shared/token"
	"github.com/hoithi/hoithi/shared/warm"
)

// store is what the unit pages read (and write: overdue papers are closed
// on the way, as the final tally will).
type store interface {
	participation.Store
	GetRound(ctx context.Context, contestID, roundID string) (contest.Round, error)
	ListRounds(ctx context.Context, contestID string) ([]contest.Round, error)
	ListUnits(ctx context.Context, contestID string) ([]contest.Unit, error)
}

// Handler serves the units function URL.
type Handler struct {
	store  store
	signer *token.Signer
	grace  time.Duration
	now    func() time.Time
	log    *slog.Logger

	// A national contest has 5,000 units: at 100 views a second, reading
	// them all on each view would cost more than the page.
	units  *warm.Cache[[]contest.Unit]   // by contest
	rounds *warm.Cache[contest.Round]    // by contest and round
	week   *warm.Cache[thisWeekResponse] // the banner's figures
}

// NewHandler builds the handler. grace is how long after a deadline a paper
// still counts as in progress (the grade function's submit grace).
func NewHandler(s store, signer *token.Signer, grace time.Duration, now func() time.Time, log *slog.Logger) *Handler {
	return &Handler{store: s, signer: signer, grace: grace, now: now, log: log,
		units: warm.New[[]contest.Unit](platform.SettingsCacheTTL, nil), rounds: warm.New[contest.Round](platform.SettingsCacheTTL, nil),
		week: warm.New[thisWeekResponse](thisWeekTTL, now)}
}

// Routes is the function's HTTP API.
func (h *Handler) Routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /rounds/{roundId}/units/{unitId}/participation", h.participation)
	mux.HandleFunc("GET /units/{unitId}/this-week", h.thisWeek)
	mux.HandleFunc("/", httpapi.NotFound(h.log))
	return httpapi.Wrap(mux, h.log)
}

type participationResponse struct {
	Round        string                 `json:"round"`
	Unit         contest.Unit           `json:"unit"`
	Participants int                    `json:"participants"`
	Rate         float64                `json:"rate"`
	TakenPart    []participation.Person `json:"takenPart"`
	InProgress   []participation.Person `json:"inProgress"`
	NotTakenPart []participation.Person `json:"notTakenPart"`
	AsOf         time.Time              `json:"asOf"`
	Status       contest.Status         `json:"status"`
}

// participation: a unit admin (own unit only) or an organiser sees who of the
// unit's roster has taken part in the round so far, who is taking a paper
// now, and who has not started. Papers left past their deadline are closed on
// the way (participation.Of), as the final tally will.
func (h *Handler) participation(w http.ResponseWriter, r *http.Request) {
	claims, err := h.signer.FromRequest(r)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	unitID := r.PathValue("unitId")
	if !claims.Actor().MaySeeUnit(unitID) {
		httpapi.WriteError(w, r, h.log, fault.Forbidden("not_your_unit", "Bạn chỉ được xem danh sách của đơn vị mình."))
		return
	}
	ctx := r.Context()
	roundID := r.PathValue("roundId")
	if !contest.ValidID(roundID) {
		httpapi.WriteError(w, r, h.log, fault.NotFound("round_not_found", "Không tìm thấy tuần thi."))
		return
	}
	round, err := h.rounds.Get(claims.Contest+"/"+roundID, func() (contest.Round, error) {
		return h.store.GetRound(ctx, claims.Contest, roundID)
	})
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	units, err := h.units.Get(claims.Contest, func() ([]contest.Unit, error) {
		return h.store.ListUnits(ctx, claims.Contest)
	})
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	i := slices.IndexFunc(units, func(u contest.Unit) bool { return u.ID == unitID })
	if i < 0 {
		httpapi.WriteError(w, r, h.log, fault.NotFound("unit_not_found", "Không tìm thấy đơn vị."))
		return
	}
	now := h.now()
	u, err := participation.Of(ctx, h.store, claims.Contest, round, unitID, now, h.grace)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	if u.Closed > 0 {
		h.log.Info("overdue papers closed", "round", round.ID, "unit", unitID, "closed", u.Closed)
	}
	httpapi.WriteJSON(w, http.StatusOK, participationResponse{
		Round: round.ID, Unit: units[i], Participants: len(u.TakenPart), Rate: participation.Rate(len(u.TakenPart), units[i].Headcount),
		TakenPart: nonNil(u.TakenPart), InProgress: nonNil(u.InProgress), NotTakenPart: nonNil(u.NotTakenPart),
		AsOf: now.In(contest.ICT), Status: round.Status(now),
	})
}

// nonNil makes an empty list [] rather than null in JSON.
func nonNil(people []participation.Person) []participation.Person {
	if people == nil {
		return []participation.Person{}
	}
	return people
}
