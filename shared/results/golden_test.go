package results_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/results"
	"github.com/hoithi/hoithi/shared/tally"
	"github.com/hoithi/hoithi/shared/testenv"
)

// goldenManifest is the SHA-256 of manifest.json (which holds every other
// published file's SHA-256) that the generated round below publishes, and
// goldenStatistics that of its stored question statistics: fixed from the
// tally that held the whole round in memory, so that any later design
// publishes the same bytes for the same data. The manifest changed once on
// purpose: results.json and units.json name their publication
// (goldenPublication); every other file kept its bytes.
const (
	goldenManifest   = "57421e00b61a9c0295c0b3aecd6cb15f83803283f677c86b8d7bc7c33ba9b32f"
	goldenStatistics = "7cf09904f75d3c4e8581b1971c9bc12f6999fa337425fe16a306d863a5e7d9c9"
)

// goldenRound is a generated round with what makes a tally's output
// delicate: two attempts for some (the best counts), exact ties (shared
// ranks, a tie at a prize boundary), papers the organisers excluded, an
// organiser at the top (ranked, no prize), papers of units not on the list
// and of none, names that need quoting or escaping, and papers left in
// progress that the tally closes.
type goldenRound struct {
	contest contest.Contest
	round   contest.Round
	units   []contest.Unit
	now     time.Time
}

const goldenGrace = 30 * time.Second

func seedGoldenRound(t *testing.T, store *dynamo.Store, objects *s3.Client, bucket string) goldenRound {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 3, 9, 1, 0, 0, 0, time.UTC) // an hour after the round closed
	g := goldenRound{
		contest: contest.Contest{ID: "c1", Title: "Hội thi"},
		round: contest.Round{ContestID: "c1", ID: "tuan-1", Title: "Tuần 1 <thử> & \"kiểm tra\"", Audience: contest.AudienceStaff,
			OpensAt: now.Add(-7*24*time.Hour - time.Hour), ClosesAt: now.Add(-time.Hour), QuestionCount: 5, TimeLimit: 10 * time.Minute, Attempts: 2, BankID: "b"},
		now: now,
	}
	for _, err := range []error{store.PutContest(ctx, g.contest), store.PutRound(ctx, g.round)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	bank := contest.Bank{ID: "b", Title: "Ngân hàng thử"}
	for q := range 20 {
		bank.Questions = append(bank.Questions, contest.Question{ID: fmt.Sprintf("q%02d", q+1), Text: fmt.Sprintf("Câu hỏi %d", q+1),
			Options: []string{"Một", "Hai", "Ba", "Bốn"}, Correct: q % 4})
	}
	data, err := json.Marshal(bank)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := blob.PutBank(ctx, objects, bucket, "c1", data)
	if err != nil {
		t.Fatal(err)
	}
	blocks := []contest.Block{contest.BlockAgency, contest.BlockService, contest.BlockCommune}
	for i := range 12 {
		u := contest.Unit{ID: fmt.Sprintf("dv-%02d", i+1), Name: fmt.Sprintf("Đơn vị %02d", i+1), Block: blocks[i%3], Headcount: 150 + 40*(i%4)}
		if i == 5 {
			u.Name = "=Phòng \"Nội vụ\", xã A" // quoted in the CSV, never a formula
		}
		if i == 11 {
			u.Headcount = 0 // roster not imported yet
		}
		g.units = append(g.units, u)
		if err := store.PutUnit(ctx, "c1", u); err != nil {
			t.Fatal(err)
		}
	}
	organiser := contest.Member{Email: "btc@hue.gov.vn", Name: "Ban Tổ Chức", UnitID: "dv-01", Roles: []contest.Role{contest.RoleOrganiser, contest.RoleParticipant}}
	if err := store.PutMember(ctx, "c1", organiser); err != nil {
		t.Fatal(err)
	}

	rng := rand.New(rand.NewPCG(2024, 17))
	unitOf := func(i int) string {
		switch i % 50 {
		case 7:
			return "" // no unit
		case 13:
			return "dv-99" // a unit no longer on the list
		}
		return g.units[rng.IntN(len(g.units))].ID
	}
	var papers []*contest.Paper
	var left []*contest.Paper
	paper := func(email, name, unit string, attempt int, started time.Time) *contest.Paper {
		items, key, err := contest.Draw(stored, g.round.QuestionCount, rng)
		if err != nil {
			t.Fatal(err)
		}
		return &contest.Paper{ContestID: "c1", RoundID: g.round.ID, ParticipantID: contest.ParticipantID("c1", email), Attempt: attempt,
			Email: email, Name: name, UnitID: unit, Audience: contest.AudienceStaff, BankID: "b", Items: items, Key: key,
			StartedAt: started, Deadline: g.round.Deadline(started), Status: contest.PaperInProgress, Answers: map[string]string{}}
	}
	submit := func(p *contest.Paper, correct, prediction int, took time.Duration) {
		answers := map[string]string{}
		wrong := rng.Perm(len(p.Items))[:len(p.Items)-correct]
		for i, it := range p.Items {
			answers[it.QuestionID] = p.Key[i : i+1]
			if slices.Contains(wrong, i) {
				answers[it.QuestionID] = string("ABCD"[(strings.IndexByte("ABCD", p.Key[i])+1+rng.IntN(3))%4])
			}
			if slices.Contains(wrong, i) && rng.IntN(4) == 0 {
				delete(answers, it.QuestionID) // left blank
			}
		}
		r := contest.Grade(p, answers, prediction, p.StartedAt.Add(took))
		p.Status, p.Result, p.Answers = contest.PaperSubmitted, &r, answers
		papers = append(papers, p)
	}
	names := []string{"Nguyễn Văn An", "Trần Thị Bình", "Lê \"Tí\" Cường", "Phạm <Dũng> & Co", "Hoàng Văn Yến", "=SUM(A1)", "Võ Thị Hà, Hạnh"}
	for i := range 1200 {
		email := fmt.Sprintf("cb%04d@hue.gov.vn", i)
		name := fmt.Sprintf("%s %d", names[i%len(names)], i%97) // names repeat
		started := g.round.OpensAt.Add(time.Duration(rng.IntN(6*24*60)) * time.Minute)
		p := paper(email, name, unitOf(i), 1, started)
		if i%100 == 99 {
			left = append(left, p) // started and left: closed by the tally
			if rng.IntN(2) == 0 {
				p.Answers[p.Items[0].QuestionID] = p.Key[0:1]
			}
			continue
		}
		correct := 5
		if rng.IntN(100) >= 55 {
			correct = rng.IntN(5)
		}
		// predictions near the count, times in whole seconds: many ties
		took := time.Duration(30+rng.IntN(40)) * time.Second
		submit(p, correct, 600+rng.IntN(30), took)
		if i%9 == 0 { // a second attempt, better or worse
			submit(paper(email, name, p.UnitID, 2, started.Add(time.Hour)), rng.IntN(6), 600+rng.IntN(30), took)
		}
	}
	// exact ties near the top: every answer right, the exact all-correct
	// count, the same time and submission instant, different people; and an
	// organiser above them all (ranked, no prize)
	all := 3 + 4 + 1
	for _, p := range papers {
		if p.Result.Correct == p.Result.Total {
			all++
		}
	}
	top := g.round.OpensAt.Add(time.Hour)
	for i := range 7 {
		took := 20 * time.Second
		if i >= 3 {
			took = 25 * time.Second
		}
		submit(paper(fmt.Sprintf("hoa%d@hue.gov.vn", i), fmt.Sprintf("Đồng hạng %d", i), g.units[i].ID, 1, top), 5, all, took)
	}
	submit(paper(organiser.Email, organiser.Name, organiser.UnitID, 1, top.Add(-time.Minute)), 5, all, 5*time.Second)
	if err := store.ImportSubmitted(ctx, papers); err != nil {
		t.Fatal(err)
	}
	for _, p := range left {
		if _, _, err := store.CreatePaper(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	for i, p := range papers {
		if i%61 == 3 && i < len(papers)-8 { // the last eight are the ties and the organiser
			if _, err := store.SetExclusion(ctx, "c1", p.Ref(), &contest.Exclusion{Reason: "Làm bài quá nhanh", At: now, By: organiser.Email}); err != nil {
				t.Fatal(err)
			}
		}
	}
	return g
}

// publishedFiles reads every object under prefix.
func publishedFiles(t *testing.T, objects *s3.Client, bucket, prefix string) map[string][]byte {
	t.Helper()
	ctx := context.Background()
	out := map[string][]byte{}
	p := s3.NewListObjectsV2Paginator(objects, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Contents {
			got, err := objects.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: o.Key})
			if err != nil {
				t.Fatal(err)
			}
			data, err := io.ReadAll(got.Body)
			got.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			out[strings.TrimPrefix(*o.Key, prefix)] = data
		}
	}
	return out
}

func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// goldenPublication is the publication the golden round's files name (the
// audit log's entry of an organiser's publication).
func goldenPublication(g goldenRound) tally.Publication {
	return tally.Publication{ID: "0123456789abcdef", At: g.now, By: tally.PublishedByOrganisers}
}

func TestAPublishedRoundsFilesStayByteIdentical(t *testing.T) {
	db, table := testenv.Table(t)
	objects, bucket := testenv.Bucket(t)
	store := dynamo.New(db, table, nil)
	ctx := context.Background()
	g := seedGoldenRound(t, store, objects, bucket)
	svc := results.NewService(store, objects, bucket, goldenGrace, func() time.Time { return g.now }, testenv.Logger())

	out, err := svc.Publish(ctx, g.contest, g.round, goldenPublication(g))
	if err != nil {
		t.Fatal(err)
	}
	files := publishedFiles(t, objects, bucket, blob.ResultsPrefix("c1", g.round.ID))
	insight, found, err := blob.GetInsight(ctx, objects, bucket, blob.InsightKey("c1", g.round.ID, results.StatisticsName), 64<<20)
	if err != nil || !found {
		t.Fatalf("statistics: found %v, %v", found, err)
	}

	t.Run("the round is as generated: closed papers, exclusions, second attempts", func(t *testing.T) {
		if out.Timings.Closed != 12 || out.Result.ExcludedPapers == 0 || out.Result.Papers <= out.Result.Participants ||
			len(out.Leaders) == 0 || !out.Leaders[0].Excluded || out.Leaders[0].Rank != 1 || out.Leaders[1].Rank != 2 || out.Leaders[3].Rank != 2 {
			t.Errorf("closed %d, excluded %d, papers %d, participants %d, leaders %+v", out.Timings.Closed, out.Result.ExcludedPapers, out.Result.Papers, out.Result.Participants, out.Leaders)
		}
	})
	t.Run("the manifest is the one the in-memory tally published", func(t *testing.T) {
		if got := digest(files["manifest.json"]); got != goldenManifest {
			t.Errorf("manifest.json sha256 %s, want %s\n%s", got, goldenManifest, files["manifest.json"])
		}
	})
	t.Run("the question statistics are the ones the in-memory tally stored", func(t *testing.T) {
		if got := digest(insight); got != goldenStatistics {
			t.Errorf("statistics sha256 %s, want %s", got, goldenStatistics)
		}
	})
	t.Run("every published file is what the manifest says", func(t *testing.T) {
		var m struct {
			Artefacts []tally.Artefact `json:"artefacts"`
		}
		if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
			t.Fatal(err)
		}
		if len(m.Artefacts) != len(files)-1 {
			t.Errorf("manifest lists %d files, %d published besides it", len(m.Artefacts), len(files)-1)
		}
		for _, a := range m.Artefacts {
			if got := digest(files[a.Name]); got != a.SHA256 || len(files[a.Name]) != a.Bytes {
				t.Errorf("%s: %d bytes sha256 %s, manifest says %d %s", a.Name, len(files[a.Name]), got, a.Bytes, a.SHA256)
			}
		}
	})
	t.Run("spilling units' lines often and reading the top a little at a time publishes the same files", func(t *testing.T) {
		defer results.Tiny()()
		again, err := svc.Publish(ctx, g.contest, g.round, goldenPublication(g))
		if err != nil {
			t.Fatal(err)
		}
		now := publishedFiles(t, objects, bucket, blob.ResultsPrefix("c1", g.round.ID))
		if len(now) != len(files) {
			t.Errorf("%d files, then %d", len(files), len(now))
		}
		for name, data := range files {
			if !bytes.Equal(now[name], data) {
				t.Errorf("%s differs", name)
			}
		}
		if again.Timings.Closed != 0 || again.Result.Papers != out.Result.Papers {
			t.Errorf("closed %d, %d papers; want none closed, %d papers", again.Timings.Closed, again.Result.Papers, out.Result.Papers)
		}
	})
	t.Run("the files equal the in-memory rendering of the same papers", func(t *testing.T) {
		papers, err := store.ListSubmitted(ctx, "c1", g.round.ID)
		if err != nil {
			t.Fatal(err)
		}
		for i := range papers {
			papers[i].Audience = g.round.Audience
		}
		rules := tally.Rules{Order: contest.DefaultOrder, Prizes: tally.DefaultPrizes, Excluded: map[string]bool{contest.ParticipantID("c1", "btc@hue.gov.vn"): true}}
		res := tally.Compute("c1", g.round, g.units, papers, rules, g.now)
		pub := goldenPublication(g)
		pub.At = pub.At.In(contest.ICT)
		res.Publication = &pub
		want, err := tally.Artefacts(res, tally.ReportOptions{Threshold: 0.8})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range want {
			if !bytes.Equal(files[a.Name], a.Data) {
				t.Errorf("%s differs from the in-memory rendering (%d bytes, want %d)", a.Name, len(files[a.Name]), len(a.Data))
			}
		}
	})
}
