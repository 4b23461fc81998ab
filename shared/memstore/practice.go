package memstore

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/hoithi/hoithi/shared/contest"
)

// CountPractice adds one practice answer to the question's count of the day.
func (s *Store) CountPractice(_ context.Context, contestID string, a contest.PracticeAnswer) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := contestID + "/" + a.Day + "/" + a.BankID + "/" + a.QuestionID
	c := s.practice[k]
	c[0]++
	if a.Right {
		c[1]++
	}
	s.practice[k] = c
	return nil
}

// PracticeCount reads a question's practice count of a day.
func (s *Store) PracticeCount(_ context.Context, contestID, day, bankID, questionID string) (answered, right int, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.practice[contestID+"/"+day+"/"+bankID+"/"+questionID]
	return c[0], c[1], nil
}

// PracticeCounts reads every question's practice count of a day, by bank and question.
func (s *Store) PracticeCounts(_ context.Context, contestID, day string) ([]contest.PracticeCount, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	prefix := contestID + "/" + day + "/"
	out := []contest.PracticeCount{}
	for k, c := range s.practice {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		bank, q, _ := strings.Cut(rest, "/")
		out = append(out, contest.PracticeCount{BankID: bank, QuestionID: q, Answered: c[0], Right: c[1]})
	}
	slices.SortFunc(out, func(a, b contest.PracticeCount) int {
		return cmp.Or(cmp.Compare(a.BankID, b.BankID), cmp.Compare(a.QuestionID, b.QuestionID))
	})
	return out, nil
}
