package memstore

import (
	"context"

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
