package console_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/console"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/importer"
	"github.com/hoithi/hoithi/shared/memstore"
)

// banks are a contest's banks in memory: sizes by id, the JSON put, and
// whether the sizes were asked counted.
type banks struct {
	sizes   map[string]int
	put     []byte
	counted []bool
	fail    bool
}

func (b *banks) BankSizes(_ context.Context, _ string, count bool) (map[string]int, error) {
	b.counted = append(b.counted, count)
	if b.fail {
		return nil, errors.New("bucket unreachable")
	}
	return b.sizes, nil
}

func (b *banks) PutBank(_ context.Context, _ string, bankJSON []byte) error {
	b.put = bankJSON
	return nil
}

func TestWhatAnImportReadsAndWrites(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	unit := contest.Unit{ID: "so-noi-vu", Name: "Sở Nội vụ", Block: contest.BlockAgency}
	justice := contest.Unit{ID: "so-tu-phap", Name: "Sở Tư pháp", Block: contest.BlockAgency}
	member := contest.Member{Email: "a@demo.vn", Name: "Nguyễn Văn A", UnitID: "so-noi-vu", Audience: contest.AudienceStaff,
		Roles: []contest.Role{contest.RoleParticipant}}
	newcomer := member
	newcomer.Email, newcomer.Name = "b@demo.vn", "Trần Thị B"
	round := contest.Round{ContestID: "demo", ID: "tuan-1", BankID: "ngan-hang-01", Audience: contest.AudienceStaff,
		OpensAt: now, ClosesAt: now.Add(7 * 24 * time.Hour), QuestionCount: 10, Attempts: 1}
	round2 := round
	round2.ID, round2.OpensAt, round2.ClosesAt = "tuan-2", round.ClosesAt, round.ClosesAt.Add(7*24*time.Hour)
	tests := []struct {
		name                       string
		kind                       importer.Kind
		bankFails                  bool
		wantPeople, wantRoundBanks bool
		counted                    []bool
		fails                      bool
		checked                    importer.Checked
		written                    func(t *testing.T, s *memstore.Store, b *banks)
	}{
		{"units are read against the units and the roster, and replace the units", importer.KindUnits, false, true, false, nil, false,
			importer.Checked{Kind: importer.KindUnits, Units: []contest.Unit{justice}}, func(t *testing.T, s *memstore.Store, _ *banks) {
				if got, _ := s.ListUnits(ctx, "demo"); len(got) != 1 || got[0].ID != justice.ID {
					t.Errorf("units %+v", got)
				}
			}},
		{"a roster is read against the units and the roster, and updates the roster", importer.KindRoster, false, true, false, nil, false,
			importer.Checked{Kind: importer.KindRoster, Members: []contest.Member{member, newcomer}}, func(t *testing.T, s *memstore.Store, _ *banks) {
				if got, _ := s.ListMembers(ctx, "demo"); !slices.ContainsFunc(got, func(m contest.Member) bool { return m.Email == newcomer.Email }) {
					t.Errorf("members %+v", got)
				}
			}},
		{"a bank is read against the rounds and which banks exist, and is put whole", importer.KindBank, false, false, true, []bool{false}, false,
			importer.Checked{Kind: importer.KindBank, BankJSON: []byte(`{"id":"ngan-hang-02"}`)}, func(t *testing.T, _ *memstore.Store, b *banks) {
				if string(b.put) != `{"id":"ngan-hang-02"}` {
					t.Errorf("bank put %s", b.put)
				}
			}},
		{"rounds are read against the rounds and the banks' sizes, and are put", importer.KindRounds, false, false, true, []bool{true}, false,
			importer.Checked{Kind: importer.KindRounds, Rounds: []contest.Round{round, round2}}, func(t *testing.T, s *memstore.Store, _ *banks) {
				if got, _ := s.ListRounds(ctx, "demo"); len(got) != 2 {
					t.Errorf("rounds %+v", got)
				}
			}},
		{"banks that cannot be listed fail the read", importer.KindRounds, true, false, true, []bool{true}, true, importer.Checked{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, b := memstore.New(), &banks{sizes: map[string]int{"ngan-hang-01": 40}, fail: tt.bankFails}
			err := errors.Join(s.PutContest(ctx, contest.Contest{ID: "demo"}), s.ReplaceUnits(ctx, "demo", "v0", []contest.Unit{unit}),
				s.PutMember(ctx, "demo", member), s.PutRounds(ctx, []contest.Round{round}))
			if err != nil {
				t.Fatal(err)
			}
			cur, err := console.ImportCurrent(ctx, s, b, "demo", tt.kind, "btc@demo.vn", now)
			if (err != nil) != tt.fails {
				t.Fatalf("error %v, want failure %v", err, tt.fails)
			}
			if !slices.Equal(b.counted, tt.counted) {
				t.Errorf("bank sizes asked %v, want %v", b.counted, tt.counted)
			}
			if tt.fails {
				return
			}
			if cur.Contest.ID != "demo" || cur.Actor != "btc@demo.vn" || !cur.Now.Equal(now) ||
				(cur.Units != nil) != tt.wantPeople || (cur.Banks != nil) != tt.wantRoundBanks {
				t.Errorf("current %+v", cur)
			}
			if err := console.WriteImport(ctx, s, b, cur, &tt.checked); err != nil {
				t.Fatal(err)
			}
			tt.written(t, s, b)
		})
	}
	t.Run("an unknown kind is not written", func(t *testing.T) {
		if err := console.WriteImport(ctx, memstore.New(), &banks{}, importer.Current{}, &importer.Checked{Kind: "khac"}); err == nil {
			t.Error("no error")
		}
	})
}
