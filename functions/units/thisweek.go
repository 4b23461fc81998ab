package main

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/httpapi"
	"github.com/hoithi/hoithi/shared/participation"
)

// thisWeekTTL is how long a warm container keeps a unit's figure of the
// week so far: the banner on a unit's website is viewed by everyone who
// opens that website, and a figure some minutes old is what it says
// ("tuần này đến <time>"). The figures are kept per contest, audience and
// unit (shared/warm, by the handler's clock); a refusal is not kept.
const thisWeekTTL = 5 * time.Minute

type thisWeekResponse struct {
	Round struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	} `json:"round"`
	Unit struct {
		ID    string        `json:"id"`
		Name  string        `json:"name"`
		Block contest.Block `json:"block"`
	} `json:"unit"`
	participation.SoFar
}

// thisWeek: GET /units/{unitId}/this-week?contest=&audience=, public, for the
// banner: the unit's participation in the open round so far (counts only,
// no names), computed at most every thisWeekTTL per container.
func (h *Handler) thisWeek(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	contestID, unitID := q.Get("contest"), r.PathValue("unitId")
	audience := contest.Audience(q.Get("audience"))
	if audience == "" {
		audience = contest.AudienceStaff
	}
	if !contest.ValidID(contestID) || !contest.ValidID(unitID) || !audience.Valid() {
		httpapi.WriteError(w, r, h.log, fault.NotFound("unit_not_found", "Không tìm thấy đơn vị."))
		return
	}
	now := h.now()
	res, err := h.week.Get(contestID+"/"+string(audience)+"/"+unitID, func() (thisWeekResponse, error) {
		return h.thisWeekAt(r.Context(), contestID, audience, unitID, now)
	})
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, res)
}

// thisWeekAt computes a unit's figure of the week so far at now.
func (h *Handler) thisWeekAt(ctx context.Context, contestID string, audience contest.Audience, unitID string, now time.Time) (thisWeekResponse, error) {
	var res thisWeekResponse
	rounds, err := h.store.ListRounds(ctx, contestID)
	if err != nil {
		return res, err
	}
	round, open := participation.OpenRound(rounds, audience, now)
	if !open {
		return res, fault.Closed("no_open_round", "Hiện không có tuần thi nào đang diễn ra.")
	}
	units, err := h.units.Get(contestID, func() ([]contest.Unit, error) { return h.store.ListUnits(ctx, contestID) })
	if err != nil {
		return res, err
	}
	i := slices.IndexFunc(units, func(u contest.Unit) bool { return u.ID == unitID })
	if i < 0 {
		return res, fault.NotFound("unit_not_found", "Không tìm thấy đơn vị.")
	}
	listed, err := h.store.ListUnitPapers(ctx, contestID, round.ID, unitID)
	if err != nil {
		return res, err
	}
	res.Round.ID, res.Round.Title = round.ID, round.Title
	res.Unit.ID, res.Unit.Name, res.Unit.Block = units[i].ID, units[i].Name, units[i].Block
	res.SoFar = participation.CountSoFar(listed, units[i].Headcount, now)
	return res, nil
}
