// Package participation works out who of a unit's roster has taken part in a
// round so far. The unit admin's page (tally function) and the reminders
// (remind function) count with it, so a unit sees in its e-mail what its page
// shows.
//
// The unit index lists the unit's submitted papers. It does not list papers
// in progress (it is sparse), and it is eventually consistent, so the roster
// members it does not list have their papers read by key: someone taking the
// quiz right now is "in progress", not "not taken part"; someone who started
// and left (a closed tab) past their deadline has their paper closed on what
// they saved, as the final tally would, and has taken part; someone who has
// just submitted counts even before the index has caught up.
package participation

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
)

// Store is what counting reads, and writes to close overdue papers.
type Store interface {
	// ListRoster lists a unit's roster members (e-mail, name and roles are enough).
	ListRoster(ctx context.Context, contestID, unitID string) ([]contest.Member, error)
	// ListUnitPapers lists a unit's submitted papers in a round as the unit
	// index does (e-mail and name are enough), eventually consistent.
	ListUnitPapers(ctx context.Context, contestID, roundID, unitID string) ([]contest.Submitted, error)
	GetPapers(ctx context.Context, contestID, roundID string, participantIDs []string, attempts int) ([]*contest.Paper, error)
	ClosePapers(ctx context.Context, overdue []*contest.Paper) ([]*contest.Paper, error)
}

// Person is someone of a unit's roster, or who took part for the unit.
type Person struct {
	Email string `json:"email"`
	Name  string `json:"name"`
	// Deadline is when the paper of someone taking it now closes (in
	// progress only).
	Deadline time.Time `json:"deadline,omitzero"`
}

// Unit is a unit's participation in a round.
type Unit struct {
	// TakenPart: everyone with a submitted paper for the unit, closed ones
	// included, roster or not, by e-mail.
	TakenPart []Person
	// InProgress: roster members taking a paper now, none submitted, by e-mail.
	InProgress []Person
	// NotTakenPart: roster members who may take part and have not started,
	// by e-mail. Organisers and their support staff may not take part and
	// are never listed.
	NotTakenPart []Person
	// Admins: the roster's unit admins (whatever they have done).
	Admins []Person
	// Closed: overdue papers closed while counting.
	Closed int
}

// Of counts a unit's participation in round r at now: overdue papers (past
// deadline plus grace) of roster members are closed on the way.
func Of(ctx context.Context, s Store, contestID string, r contest.Round, unitID string, now time.Time, grace time.Duration) (Unit, error) {
	roster, err := s.ListRoster(ctx, contestID, unitID)
	if err != nil {
		return Unit{}, err
	}
	listed, err := s.ListUnitPapers(ctx, contestID, r.ID, unitID)
	if err != nil {
		return Unit{}, err
	}
	var unlisted []string
	for _, m := range Unlisted(roster, listed) {
		unlisted = append(unlisted, contest.ParticipantID(contestID, m.Email))
	}
	papers, err := s.GetPapers(ctx, contestID, r.ID, unlisted, max(1, r.Attempts))
	if err != nil {
		return Unit{}, err
	}
	var overdue []*contest.Paper
	for _, p := range papers {
		if p.Overdue(now, grace) {
			overdue = append(overdue, p)
		}
	}
	closed, err := s.ClosePapers(ctx, overdue)
	if err != nil {
		return Unit{}, fmt.Errorf("close overdue papers of unit %s: %w", unitID, err)
	}
	papers = slices.DeleteFunc(papers, func(p *contest.Paper) bool { return p.Overdue(now, grace) })
	u := Count(contestID, roster, listed, append(papers, closed...))
	u.Closed = len(closed)
	return u, nil
}

// Unlisted returns the roster members who may take part and whom the unit
// index does not list: the ones whose papers Of reads by key.
func Unlisted(roster []contest.Member, listed []contest.Submitted) []contest.Member {
	took := map[string]bool{}
	for _, p := range listed {
		took[p.Email] = true
	}
	var out []contest.Member
	for _, m := range roster {
		if !took[m.Email] && contest.MayCompete(m.Roles) {
			out = append(out, m)
		}
	}
	return out
}

// Count sorts a unit's people: listed are the unit's submitted papers as the
// unit index lists them; papers are the papers of the roster members it does
// not list (overdue ones already closed). A paper of someone not on the
// roster is ignored.
func Count(contestID string, roster []contest.Member, listed []contest.Submitted, papers []*contest.Paper) Unit {
	var u Unit
	took := map[string]bool{}
	for _, p := range listed {
		if !took[p.Email] {
			took[p.Email] = true
			u.TakenPart = append(u.TakenPart, Person{Email: p.Email, Name: p.Name})
		}
	}
	byParticipant := map[string][]*contest.Paper{}
	for _, p := range papers {
		byParticipant[p.ParticipantID] = append(byParticipant[p.ParticipantID], p)
	}
	for _, m := range roster {
		if slices.Contains(m.Roles, contest.RoleUnitAdmin) {
			u.Admins = append(u.Admins, Person{Email: m.Email, Name: m.Name})
		}
		if took[m.Email] || !contest.MayCompete(m.Roles) {
			continue
		}
		took[m.Email] = true
		person := Person{Email: m.Email, Name: m.Name}
		mine := byParticipant[contest.ParticipantID(contestID, m.Email)]
		switch {
		case slices.ContainsFunc(mine, func(p *contest.Paper) bool { return p.Status == contest.PaperSubmitted }):
			u.TakenPart = append(u.TakenPart, person)
		case len(mine) > 0:
			for _, p := range mine {
				person.Deadline = maxTime(person.Deadline, p.Deadline)
			}
			u.InProgress = append(u.InProgress, person)
		default:
			u.NotTakenPart = append(u.NotTakenPart, person)
		}
	}
	for _, list := range [][]Person{u.TakenPart, u.InProgress, u.NotTakenPart, u.Admins} {
		slices.SortFunc(list, func(a, b Person) int { return cmp.Compare(a.Email, b.Email) })
	}
	return u
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// Rate is a unit's participation rate: participants over headcount, at most
// 1. A unit without a headcount (roster not imported yet) is at 1 once
// anyone has taken part.
func Rate(participants, headcount int) float64 {
	switch {
	case headcount > 0:
		return min(1, float64(participants)/float64(headcount))
	case participants > 0:
		return 1
	}
	return 0
}

// SoFar is a unit's participation in a round as published at a moment of
// the week (the banner's "tuần này đến <time>"): how many distinct people
// have a submitted paper for the unit, of its headcount. It names nobody.
type SoFar struct {
	Participants int       `json:"participants"`
	Headcount    int       `json:"headcount"`
	Rate         float64   `json:"rate"`
	AsOf         time.Time `json:"asOf"`
}

// CountSoFar counts listed (a unit's submitted papers, ListUnitPapers) at
// asOf: one person with several attempts counts once.
func CountSoFar(listed []contest.Submitted, headcount int, asOf time.Time) SoFar {
	took := map[string]bool{}
	for _, p := range listed {
		took[p.ParticipantID+"\x00"+p.Email] = true
	}
	return SoFar{Participants: len(took), Headcount: headcount, Rate: Rate(len(took), headcount), AsOf: asOf.In(contest.ICT)}
}

// OpenRound is the round of audience open at now (the first by opening), if any.
func OpenRound(rounds []contest.Round, audience contest.Audience, now time.Time) (contest.Round, bool) {
	var found contest.Round
	ok := false
	for _, r := range rounds {
		if r.Audience == audience && r.Status(now) == contest.StatusOpen && (!ok || r.OpensAt.Before(found.OpensAt)) {
			found, ok = r, true
		}
	}
	return found, ok
}
