package dynamo_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/testenv"
)

// failingBatches is the real client whose BatchWriteItem calls fail after
// the first ok ones (a network or throttling failure part-way through).
type failingBatches struct {
	*dynamodb.Client
	ok atomic.Int64
}

func (f *failingBatches) BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	for _, reqs := range in.RequestItems {
		if len(reqs) > 0 && reqs[0].PutRequest != nil && f.ok.Add(-1) < 0 {
			return nil, errors.New("connection reset")
		}
	}
	return f.Client.BatchWriteItem(ctx, in, opts...)
}

func roster(n int, unit string) []contest.Member {
	out := make([]contest.Member, n)
	for i := range out {
		out[i] = contest.Member{Email: fmt.Sprintf("nguoi%05d@hue.gov.vn", i), Name: fmt.Sprintf("Người %05d", i), UnitID: unit,
			Audience: contest.AudienceStaff, Roles: []contest.Role{contest.RoleParticipant}}
	}
	return out
}

func TestReplaceRosterIsAllOrNothingForReaders(t *testing.T) {
	ctx := context.Background()
	db, table := testenv.Table(t)
	good := dynamo.New(db, table, nil)
	if err := good.ReplaceRoster(ctx, "c1", "v1", roster(300, "so-cu")); err != nil {
		t.Fatal(err)
	}

	t.Run("a write that fails part-way leaves the previous roster live and nothing of the new one", func(t *testing.T) {
		// GIVEN a client whose batch writes fail after 3 (75 people) of 20
		fc := &failingBatches{Client: db}
		fc.ok.Store(3)
		bad := dynamo.New(fc, table, nil)
		next := roster(500, "so-moi")
		// WHEN the roster is replaced through it
		err := bad.ReplaceRoster(ctx, "c1", "v2", next)
		// THEN the replacement fails, and readers still see version 1 whole
		if err == nil {
			t.Fatal("the replacement succeeded")
		}
		if got, _ := good.ListRoster(ctx, "c1", "so-cu"); len(got) != 300 {
			t.Errorf("so-cu lists %d people, want 300", len(got))
		}
		if got, _ := good.ListRoster(ctx, "c1", "so-moi"); len(got) != 0 {
			t.Errorf("so-moi lists %d people of the failed version", len(got))
		}
		if m, found, _ := good.GetMember(ctx, "c1", "nguoi00000@hue.gov.vn"); !found || m.UnitID != "so-cu" {
			t.Errorf("member %+v, %v: want version 1's", m, found)
		}
	})

	t.Run("a replacement that lost a race to another is refused and written off", func(t *testing.T) {
		// GIVEN two organisers' imports that both read version 1
		if err := good.ReplaceRoster(ctx, "c1", "v3", roster(10, "so-ba")); err != nil {
			t.Fatal(err)
		}
		// WHEN one writes a version the pointer has already moved past
		err := good.ReplaceRoster(ctx, "c1", "v3", roster(10, "so-ba"))
		// THEN it is a conflict
		if fault.CodeOf(err) != "import_conflict" {
			t.Errorf("err = %v, want import_conflict", err)
		}
	})
}

// BenchmarkReplaceRoster30000 replaces a roster of 30,000 people (Huế 2025's
// size) on the local server: `make bench-import` prints the time it takes.
func BenchmarkReplaceRoster30000(b *testing.B) {
	db, table := testenv.Table(b)
	st := dynamo.New(db, table, nil)
	people := roster(30000, "so-noi-vu")
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		if err := st.ReplaceRoster(ctx, "bench", fmt.Sprintf("v%d", i), people); err != nil {
			b.Fatal(err)
		}
		b.Logf("30,000 people replaced in %.1f s (the previous version deleted in it)", time.Since(start).Seconds())
	}
}

func TestStaffFollowTheImportedRoster(t *testing.T) {
	db, table := testenv.Table(t)
	s := dynamo.New(db, table, nil)
	ctx := context.Background()
	// before any import, the staff partition kept by PutMember
	if err := s.PutMember(ctx, "c1", contest.Member{Email: "cu@hue.gov.vn", Name: "Ban tổ chức cũ", Roles: []contest.Role{contest.RoleOrganiser}}); err != nil {
		t.Fatal(err)
	}
	members := roster(3, "so-noi-vu")
	members[1].Roles = []contest.Role{contest.RoleJury}
	members = append(members, contest.Member{Email: "btc@hue.gov.vn", Name: "Ban tổ chức", Roles: []contest.Role{contest.RoleOrganiser}})
	if err := s.ReplaceRoster(ctx, "c1", "v1", members); err != nil {
		t.Fatal(err)
	}
	staff, err := s.ListStaff(ctx, "c1")
	if err != nil {
		t.Fatal(err)
	}
	var emails []string
	for _, m := range staff {
		emails = append(emails, m.Email)
	}
	if want := []string{"btc@hue.gov.vn", "nguoi00001@hue.gov.vn"}; fmt.Sprint(emails) != fmt.Sprint(want) {
		t.Errorf("staff after an import: %v, want %v (the imported roster's organisers and jury)", emails, want)
	}
}
