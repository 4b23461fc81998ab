package main

import (
	"bytes"
	"context"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/importer"
	"github.com/hoithi/hoithi/shared/testenv"
)

// localTarget is a fresh table and bucket on the local servers of `make test`.
func localTarget(t *testing.T) (Target, *dynamo.Store, *s3.Client) {
	t.Helper()
	db, table := testenv.Table(t)
	obj, bucket := testenv.Bucket(t)
	st := dynamo.New(db, table, nil)
	return Target{Store: st, Objects: obj, Table: table, Bucket: bucket, Where: "the test servers"}, st, obj
}

// snapshot is what the table and bucket hold of a contest, read back through
// the system's own store.
type snapshot struct {
	contest contest.Contest
	units   []contest.Unit
	members map[string]contest.Member
	rosters map[string][]string // unit → e-mails on its roster (the unit index)
	rounds  []contest.Round
	objects map[string]string // key → body
}

func take(t *testing.T, st *dynamo.Store, obj *s3.Client, bucket string, f *importer.Folder) snapshot {
	t.Helper()
	ctx := context.Background()
	var s snapshot
	var err error
	if s.contest, err = st.GetContest(ctx, f.Contest.ID); err != nil {
		t.Fatal(err)
	}
	if s.units, err = st.ListUnits(ctx, f.Contest.ID); err != nil {
		t.Fatal(err)
	}
	s.members = map[string]contest.Member{}
	for _, m := range f.Members {
		got, found, err := st.GetMember(ctx, f.Contest.ID, m.Email)
		if err != nil || !found {
			t.Fatalf("member %s: found %v, %v", m.Email, found, err)
		}
		s.members[m.Email] = got
	}
	s.rosters = map[string][]string{}
	for _, u := range f.Units {
		entries, err := st.ListRoster(ctx, f.Contest.ID, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			s.rosters[u.ID] = append(s.rosters[u.ID], e.Email)
		}
		slices.Sort(s.rosters[u.ID])
	}
	if s.rounds, err = st.ListRounds(ctx, f.Contest.ID); err != nil {
		t.Fatal(err)
	}
	s.objects = map[string]string{}
	list, err := obj.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range list.Contents {
		out, err := obj.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: o.Key})
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(out.Body)
		out.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		s.objects[*o.Key] = string(body)
	}
	return s
}

func sameRounds(a, b []contest.Round) bool {
	return slices.EqualFunc(a, b, func(x, y contest.Round) bool {
		return x.ContestID == y.ContestID && x.ID == y.ID && x.Title == y.Title && x.Audience == y.Audience &&
			x.OpensAt.Equal(y.OpensAt) && x.ClosesAt.Equal(y.ClosesAt) && x.QuestionCount == y.QuestionCount &&
			x.TimeLimit == y.TimeLimit && x.Attempts == y.Attempts && x.BankID == y.BankID && x.PublishedAt.Equal(y.PublishedAt) &&
			x.KnownAllCorrect() == y.KnownAllCorrect()
	})
}

func sameMember(a, b contest.Member) bool {
	return a.Email == b.Email && a.Name == b.Name && a.UnitID == b.UnitID && a.Ward == b.Ward &&
		a.Audience == b.Audience && slices.Equal(a.Roles, b.Roles)
}

func TestImportWritesTheFolderAndAgainChangesNothing(t *testing.T) {
	target, st, obj := localTarget(t)
	ctx := context.Background()
	f := load(t, validDir)
	var out bytes.Buffer
	w, err := Import(ctx, target, f, testNow, &out)
	if err != nil {
		t.Fatal(err)
	}
	if want := (Written{Banks: 2, Units: 6, Members: 16, Rounds: 6}); w != want {
		t.Errorf("written %+v, want %+v", w, want)
	}
	first := take(t, st, obj, target.Bucket, f)

	t.Run("the contest reads back as in contest.json", func(t *testing.T) {
		got, want := first.contest, f.Contest
		if got.ID != want.ID || got.Title != want.Title || !slices.Equal(got.AllowedDomains, want.AllowedDomains) ||
			!slices.Equal(got.OpenSignUp, want.OpenSignUp) || !slices.Equal(got.TieBreak, want.TieBreak) ||
			!slices.Equal(got.Prizes, want.Prizes) || got.ReportThreshold != want.ReportThreshold {
			t.Errorf("contest = %+v, want %+v", got, want)
		}
	})
	t.Run("units read back in id order, Vietnamese names intact", func(t *testing.T) {
		want := slices.Clone(f.Units)
		slices.SortFunc(want, func(a, b contest.Unit) int { return strings.Compare(a.ID, b.ID) })
		if !slices.Equal(first.units, want) {
			t.Errorf("units = %+v\nwant %+v", first.units, want)
		}
	})
	t.Run("every person reads back, and units list their roster", func(t *testing.T) {
		for _, m := range f.Members {
			if got := first.members[m.Email]; !sameMember(got, m) {
				t.Errorf("member = %+v, want %+v", got, m)
			}
		}
		if got, want := first.rosters["so-noi-vu"], []string{"le.minh.chau@vidu.hue.gov.vn", "nguyen.van.an@vidu.hue.gov.vn", "tran.thi.binh@vidu.hue.gov.vn"}; !slices.Equal(got, want) {
			t.Errorf("roster of so-noi-vu = %q, want %q", got, want)
		}
	})
	t.Run("rounds read back with their settings", func(t *testing.T) {
		want := slices.Clone(f.Rounds)
		slices.SortFunc(want, func(a, b contest.Round) int { return strings.Compare(a.ID, b.ID) })
		if !sameRounds(first.rounds, want) {
			t.Errorf("rounds = %+v\nwant %+v", first.rounds, want)
		}
	})
	t.Run("the banks are in the bucket as the functions load them", func(t *testing.T) {
		if len(first.objects) != 2 {
			t.Errorf("objects %q, want the 2 banks", sortedKeys(first.objects))
		}
		for _, b := range f.Banks {
			key := blob.BankKey(f.Contest.ID, b.Bank.ID)
			if first.objects[key] != string(b.Data) {
				t.Errorf("%s is not %s as it is", key, b.File)
			}
			got, err := blob.NewBanks(obj, target.Bucket).Load(ctx, f.Contest.ID, b.Bank.ID)
			if err != nil || len(got.Questions) != len(b.Bank.Questions) {
				t.Errorf("load bank %s: %v", b.Bank.ID, err)
			}
		}
	})

	// the tally publishes a round between the imports: the publication stays
	published := time.Date(2026, 12, 14, 0, 30, 0, 0, contest.ICT)
	if err := st.MarkPublished(ctx, f.Contest.ID, "tuan-1", published, 7); err != nil {
		t.Fatal(err)
	}
	w, err = Import(ctx, target, f, testNow, &out)
	if err != nil {
		t.Fatal(err)
	}
	if w.KeptPublished != 1 {
		t.Errorf("kept %d publications, want 1", w.KeptPublished)
	}
	second := take(t, st, obj, target.Bucket, f)
	t.Run("importing again changes nothing and duplicates nothing", func(t *testing.T) {
		if !slices.Equal(second.units, first.units) {
			t.Errorf("units %+v, then %+v", first.units, second.units)
		}
		for email, m := range first.members {
			if !sameMember(second.members[email], m) {
				t.Errorf("member %+v, then %+v", m, second.members[email])
			}
		}
		for unit, emails := range first.rosters {
			if !slices.Equal(second.rosters[unit], emails) {
				t.Errorf("roster of %s %q, then %q", unit, emails, second.rosters[unit])
			}
		}
		want := slices.Clone(first.rounds)
		allCorrect := 7
		want[slices.IndexFunc(want, func(r contest.Round) bool { return r.ID == "tuan-1" })].KeepPublication(contest.Round{PublishedAt: published, AllCorrect: &allCorrect})
		if !sameRounds(second.rounds, want) {
			t.Errorf("rounds %+v, then %+v", want, second.rounds)
		}
		if len(second.objects) != len(first.objects) {
			t.Errorf("objects %q, then %q", sortedKeys(first.objects), sortedKeys(second.objects))
		}
		for k, v := range first.objects {
			if second.objects[k] != v {
				t.Errorf("%s changed", k)
			}
		}
	})
}

func TestRunWritesNothingFromAnInvalidFolder(t *testing.T) {
	target, st, obj := localTarget(t)
	ctx := context.Background()
	connect := func(context.Context, options) (Target, error) { return target, nil }
	var stdout, stderr bytes.Buffer
	if err := run(ctx, options{dir: "testdata/invalid"}, connect, testNow, &stdout, &stderr); err == nil {
		t.Fatal("an invalid folder was imported")
	}
	if _, err := st.GetContest(ctx, "vi-du-loi"); fault.CodeOf(err) != "contest_not_found" {
		t.Errorf("contest: %v, want none", err)
	}
	if units, err := st.ListUnits(ctx, "vi-du-loi"); err != nil || len(units) > 0 {
		t.Errorf("units %+v, %v; want none", units, err)
	}
	if _, found, err := st.GetMember(ctx, "vi-du-loi", "nguyen.van.an@vidu.hue.gov.vn"); err != nil || found {
		t.Errorf("member found %v, %v; want none", found, err)
	}
	if rounds, err := st.ListRounds(ctx, "vi-du-loi"); err != nil || len(rounds) > 0 {
		t.Errorf("rounds %+v, %v; want none", rounds, err)
	}
	list, err := obj.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(target.Bucket)})
	if err != nil || len(list.Contents) > 0 {
		t.Errorf("bucket holds %d objects (%v), want none", len(list.Contents), err)
	}
}

func TestRunImportsAndSummarises(t *testing.T) {
	target, _, _ := localTarget(t)
	connect := func(context.Context, options) (Target, error) { return target, nil }
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), options{dir: validDir}, connect, testNow, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if want := "Đã ghi: 2 bộ câu hỏi, thiết lập cuộc thi, 6 đơn vị, 16 người, 6 tuần thi."; !strings.Contains(stdout.String(), want) {
		t.Errorf("output lacks %q:\n%s", want, stdout.String())
	}
}

func TestImportExplainsAMissingTableOrBucket(t *testing.T) {
	db, table := testenv.Table(t)
	obj, bucket := testenv.Bucket(t)
	target := Target{Store: dynamo.New(db, table, nil), Objects: obj, Table: table, Bucket: bucket}
	f := load(t, validDir)
	tests := []struct {
		name   string
		change func(*Target)
		want   string
	}{
		{"a table that is not there", func(tg *Target) {
			tg.Table = "hoithi-missing-" + testenv.Suffix()
			tg.Store = dynamo.New(db, tg.Table, nil)
		}, "the table does not exist there: check -table"},
		{"a bucket that is not there", func(tg *Target) { tg.Bucket = "hoithi-missing-" + testenv.Suffix() },
			"the bucket does not exist there: check -bucket"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg := target
			tt.change(&tg)
			w, err := Import(context.Background(), tg, f, testNow, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to say %q", err, tt.want)
			}
			if w != (Written{}) {
				t.Errorf("wrote %+v before finding out", w)
			}
		})
	}
}
