package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoithi/hoithi/infra/lambdarie"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/funcurl"
	"github.com/hoithi/hoithi/shared/mp4/mp4test"
	"github.com/hoithi/hoithi/shared/platform"
	"github.com/hoithi/hoithi/shared/testenv"
)

// This test runs every file under events/ through the function's real
// bootstrap (built for this machine with the Lambda build flags) under the
// runtime interface emulator, against the local DynamoDB and S3 servers that
// `make test` starts: what the in-process handler tests cannot see (main's
// wiring, the environment, lambdaurl's streaming through a real Runtime API).

// eventWant is what one sample event must give under the emulator. The
// handlers' own tests (functions/*/events_test.go) check the bodies in detail.
type eventWant struct {
	status int    // function URL events: the HTTP status
	code   string // the error code, "" for a success
	// scheduled marks an event that is not a function URL request: its result
	// is the function's JSON result, with the given keys.
	scheduled  bool
	resultKeys []string
	// recordOutcome, for an S3 notification, is its first record's outcome.
	recordOutcome string
	// setup prepares state and returns placeholder values beyond the defaults.
	setup func(t *testing.T, e *eventEnv) map[string]string
}

// eventWants is the expected outcome of every file under events/: a file
// without an entry fails the test. Default placeholder values: {{token}} is
// demo.Roster()[0]'s, {{otherToken}} demo.Roster()[1]'s, {{roundId}} this
// week's open staff round, {{paperId}} and {{questionId}} a paper in progress
// of the {{token}} holder (created when the event names them).
var eventWants = map[string]eventWant{
	"auth/request-code.json":              {status: http.StatusAccepted},
	"auth/request-code-not-eligible.json": {status: http.StatusForbidden, code: "not_eligible"},
	"auth/request-code-malformed.json":    {status: http.StatusBadRequest, code: "invalid_json"},
	"auth/signup-form.json":               {status: http.StatusOK},
	"auth/create-session-wrong-code.json": {status: http.StatusUnauthorized, code: "code_wrong",
		// A code must have been sent to the e-mail first (by the same function).
		setup: func(t *testing.T, e *eventEnv) map[string]string {
			res := e.invokeFile(t, "auth/request-code.json", nil)
			if res.StatusCode != http.StatusAccepted {
				t.Fatalf("request a code first: %d %s", res.StatusCode, res.Body)
			}
			return nil
		}},
	"quiz/list-rounds.json":            {status: http.StatusOK},
	"quiz/start-paper.json":            {status: http.StatusCreated},
	"quiz/get-paper.json":              {status: http.StatusOK},
	"quiz/list-my-papers.json":         {status: http.StatusOK},
	"quiz/start-paper-no-token.json":   {status: http.StatusUnauthorized, code: "token_missing"},
	"quiz/practice.json":               {status: http.StatusOK},
	"quiz/practice-counts.json":        {status: http.StatusOK, setup: as("btc@" + demo.Domain)},
	"units/unit-this-week.json":        {status: http.StatusOK},
	"grade/save-answers.json":          {status: http.StatusOK},
	"grade/submit.json":                {status: http.StatusOK},
	"grade/submit-not-your-paper.json": {status: http.StatusForbidden, code: "not_your_paper"},
	"tally/scheduled.json":             {scheduled: true, resultKeys: []string{"contest", "rounds"}},
	"remind/reminder-midweek.json":     {scheduled: true, resultKeys: []string{"contest", "runs"}},
	"tally/tick.json":                  {scheduled: true, resultKeys: []string{"contests", "runs"}},
	"remind/tick.json":                 {scheduled: true, resultKeys: []string{"contests", "runs"}},
	"remind/reminder-last-day.json":    {scheduled: true, resultKeys: []string{"contest", "runs"}},
	"remind/job-insert.json":           {scheduled: true, resultKeys: []string{"batchItemFailures"}},
	// No such outbox item in the table: not claimed, nothing sent, no failure.
	"mailer/outbox-insert.json":             {scheduled: true, resultKeys: []string{"batchItemFailures"}},
	"clips/request-upload.json":             {status: http.StatusCreated, setup: as(clipsAdmin)},
	"clips/request-upload-multipart.json":   {status: http.StatusCreated, setup: as(clipsAdmin)},
	"clips/request-upload-participant.json": {status: http.StatusForbidden, code: "unit_admin_only", setup: as(clipsParticipant)},
	"clips/list-clips.json":                 {status: http.StatusOK, setup: as(clipsAdmin)},
	"clips/gallery.json":                    {status: http.StatusOK},
	"clips/ranking.json":                    {status: http.StatusOK, setup: as("btc@" + demo.Domain)},
	"clips/jury-progress.json":              {status: http.StatusOK, setup: as("btc@" + demo.Domain)},
	"tally/bank-history.json":               {status: http.StatusOK, setup: as("btc@" + demo.Domain)},
	"clips/confirm.json": {status: http.StatusOK,
		setup: func(t *testing.T, e *eventEnv) map[string]string {
			u := e.uploadClip(t, 1)
			return map[string]string{"token": e.c.TokenFor(t, clipsAdmin), "clipId": u.Clip.ID}
		}},
	"clips/put-scores.json": {status: http.StatusOK,
		setup: func(t *testing.T, e *eventEnv) map[string]string {
			return map[string]string{"token": e.c.TokenFor(t, "giamkhao1@"+demo.Domain), "clipId": e.acceptedClip(t)}
		}},
	"clips/put-scores-participant.json": {status: http.StatusForbidden, code: "jury_only",
		setup: func(t *testing.T, e *eventEnv) map[string]string {
			return map[string]string{"token": e.c.TokenFor(t, clipsParticipant), "clipId": e.acceptedClip(t)}
		}},
	"clips/s3-object-created.json": {scheduled: true, recordOutcome: "checked",
		setup: func(t *testing.T, e *eventEnv) map[string]string {
			return map[string]string{"key": e.uploadClip(t, 0).Upload.Fields["key"]}
		}},
	"clips/s3-unknown-key.json": {scheduled: true, recordOutcome: "deleted",
		setup: func(t *testing.T, e *eventEnv) map[string]string {
			key := "clips/demo/phuong-phu-hoi/phuong-phu-hoi.0123456789abcdef.mp4"
			if _, err := e.c.S3.PutObject(context.Background(), &s3.PutObjectInput{Bucket: &e.c.Bucket, Key: &key,
				Body: bytes.NewReader(mp4test.Fixtures()[0].Data)}); err != nil {
				t.Fatal(err)
			}
			return nil
		}},
	"tally/tally-on-demand.json": {status: http.StatusOK,
		setup: func(t *testing.T, e *eventEnv) map[string]string {
			return map[string]string{"token": e.c.TokenFor(t, "btc@"+demo.Domain), "roundId": demo.Rounds(e.c.Now)[0].ID}
		}},
	"tally/statistics.json": {status: http.StatusOK,
		setup: func(t *testing.T, e *eventEnv) map[string]string {
			return map[string]string{"token": e.c.TokenFor(t, "btc@"+demo.Domain), "roundId": demo.Rounds(e.c.Now)[0].ID}
		}},
	"tally/integrity.json": {status: http.StatusOK,
		setup: func(t *testing.T, e *eventEnv) map[string]string {
			return map[string]string{"token": e.c.TokenFor(t, "btc@"+demo.Domain), "roundId": demo.Rounds(e.c.Now)[0].ID}
		}},
	"tally/exclude-paper.json": {status: http.StatusOK,
		setup: func(t *testing.T, e *eventEnv) map[string]string {
			return map[string]string{"token": e.c.TokenFor(t, "btc@"+demo.Domain), "paperId": e.submittedPaper(t)}
		}},
	// The paper is excluded first (by the same function), then ranked again.
	"tally/include-paper.json": {status: http.StatusOK,
		setup: func(t *testing.T, e *eventEnv) map[string]string {
			v := map[string]string{"token": e.c.TokenFor(t, "btc@"+demo.Domain), "paperId": e.submittedPaper(t)}
			if res := e.invokeFile(t, "tally/exclude-paper.json", v); res.StatusCode != http.StatusOK {
				t.Fatalf("exclude the paper first: %d %s", res.StatusCode, res.Body)
			}
			return v
		}},
	"admin/audit.json":               {status: http.StatusOK, setup: as("btc@" + demo.Domain)},
	"admin/rounds.json":              {status: http.StatusOK, setup: as("btc@" + demo.Domain)},
	"admin/template-unit-admin.json": {status: http.StatusForbidden, code: "organiser_only", setup: as(clipsAdmin)},
	"units/participation.json": {status: http.StatusOK,
		setup: func(t *testing.T, e *eventEnv) map[string]string {
			const unit = "so-tu-phap"
			var admin string
			for _, m := range demo.Roster() {
				if m.UnitID == unit {
					admin = m.Email
					break
				}
			}
			return map[string]string{"token": e.c.TokenFor(t, admin), "roundId": demo.Rounds(e.c.Now)[0].ID, "unitId": unit}
		}},
}

// eventEnv is one event's world: a freshly seeded contest and the function
// running under its own emulator.
type eventEnv struct {
	root string
	c    *testenv.Contest
	emu  *lambdarie.Emulator
}

func TestEveryEventHasAnExpectedOutcome(t *testing.T) {
	root := repoRoot(t)
	files := eventFiles(t, root)
	for _, f := range files {
		if _, ok := eventWants[f]; !ok {
			t.Errorf("events/%s has no expected outcome in eventWants (infra/invoke/events_test.go): add one", f)
		}
		if _, ok := platform.FunctionNamed(filepath.Dir(f)); !ok {
			t.Errorf("events/%s: no function %q in shared/platform", f, filepath.Dir(f))
		}
	}
	for f := range eventWants {
		if !slices.Contains(files, f) {
			t.Errorf("eventWants expects events/%s, which does not exist", f)
		}
	}
}

func TestEventsThroughTheRuntimeEmulator(t *testing.T) {
	root := repoRoot(t)
	rie := filepath.Join(root, ".local", "bin", "aws-lambda-rie")
	if _, err := os.Stat(rie); err != nil {
		if os.Getenv("HOITHI_REQUIRE_SERVERS") == "1" {
			t.Fatalf("no runtime interface emulator at %s: `make deps` builds it", rie)
		}
		t.Skipf("no runtime interface emulator at %s: run through `make test`", rie)
	}
	files := eventFiles(t, root)
	var fns []string
	for _, f := range files {
		if fn := filepath.Dir(f); !slices.Contains(fns, fn) {
			fns = append(fns, fn)
		}
	}
	bin := buildBootstraps(t, root, fns)
	for _, f := range files {
		want, ok := eventWants[f]
		name := f + " gives its expected answer through the real bootstrap"
		if want.status != 0 {
			name = fmt.Sprintf("%s gives %d through the real bootstrap", f, want.status)
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if !ok {
				t.Fatalf("events/%s has no expected outcome in eventWants: add one", f)
			}
			fn := filepath.Dir(f)
			spec, _ := platform.FunctionNamed(fn)
			// GIVEN a freshly seeded contest and the function under the emulator
			// An event seeded in one week and run in the next would find its
			// round closed: at Sunday 23:59:30 ICT (make test-instants) the
			// seeding waits for the new week instead.
			if closes := demo.WeekStart(testenv.Now()).AddDate(0, 0, 7); closes.Sub(testenv.Now()) < time.Minute {
				time.Sleep(closes.Sub(testenv.Now()) + time.Second)
			}
			e := &eventEnv{root: root, c: testenv.SeededContest(t)}
			local := lambdarie.Local{
				DynamoDBURL: os.Getenv("AWS_ENDPOINT_URL_DYNAMODB"), S3URL: os.Getenv("AWS_ENDPOINT_URL_S3"),
				AccessKey: os.Getenv("AWS_ACCESS_KEY_ID"), SecretKey: os.Getenv("AWS_SECRET_ACCESS_KEY"), Region: os.Getenv("AWS_REGION"),
				Table: e.c.Table, Bucket: e.c.Bucket, Contest: demo.ContestID, TokenKey: string(e.c.Key),
				MailOutbox: t.TempDir(), SiteURL: "http://127.0.0.1:8080",
			}
			ctx, cancel := context.WithTimeout(context.Background(), spec.Timeout+time.Minute)
			defer cancel()
			emu, err := lambdarie.Start(ctx, lambdarie.Options{
				RIE: rie, Bootstrap: filepath.Join(bin, fn, "bootstrap"), Env: append(local.Env(), testenv.ClockEnv()...),
				FunctionName: fn, MemoryMB: spec.MemoryMB, Timeout: spec.Timeout,
			})
			if err != nil {
				t.Fatal(err)
			}
			e.emu = emu
			t.Cleanup(func() {
				if t.Failed() {
					t.Logf("emulator and function output:\n%s", emu.Logs())
				}
				emu.Stop()
			})
			var values map[string]string
			if want.setup != nil {
				values = want.setup(t, e)
			}
			// WHEN the event is invoked
			event := e.fill(t, f, values)
			res, err := emu.Invoke(ctx, event, funcurl.RequestID(event))
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != http.StatusOK {
				t.Fatalf("emulator status %d: %s", res.Status, res.Body)
			}
			// THEN the answer is the expected one
			if fe, isErr := lambdarie.AsFunctionError(res.Body); isErr && (want.scheduled || !funcurl.IsURLEvent(event)) {
				t.Fatalf("function error %s: %s", fe.Type, fe.Message)
			}
			if want.scheduled {
				var result map[string]any
				if err := json.Unmarshal(res.Body, &result); err != nil {
					t.Fatalf("result is not a JSON object: %v: %s", err, res.Body)
				}
				for _, k := range want.resultKeys {
					if _, ok := result[k]; !ok {
						t.Errorf("result %s lacks %q", res.Body, k)
					}
				}
				if want.recordOutcome != "" {
					var recs struct {
						Records []struct {
							Outcome string `json:"outcome"`
						} `json:"records"`
					}
					if err := json.Unmarshal(res.Body, &recs); err != nil || len(recs.Records) == 0 || recs.Records[0].Outcome != want.recordOutcome {
						t.Errorf("result %s, want the first record's outcome %q", res.Body, want.recordOutcome)
					}
				}
				return
			}
			r, err := lambdarie.ParseHTTP(res.Body)
			if err != nil {
				t.Fatalf("%v: %q", err, res.Body)
			}
			checkHTTP(t, r, want, funcurl.RequestID(event))
		})
	}
}

func checkHTTP(t *testing.T, r lambdarie.HTTPResponse, want eventWant, requestID string) {
	t.Helper()
	if r.StatusCode != want.status {
		t.Fatalf("status = %d, want %d; body %s", r.StatusCode, want.status, r.Body)
	}
	if got := r.Headers["Content-Type"]; !strings.HasPrefix(got, "application/json") {
		t.Errorf("Content-Type = %q, want application/json", got)
	}
	if got := r.Headers["X-Request-Id"]; got != requestID {
		t.Errorf("X-Request-Id = %q, want the invocation's request id %q", got, requestID)
	}
	var body map[string]any
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatalf("body is not a JSON object: %v: %s", err, r.Body)
	}
	e, isErr := body["error"].(map[string]any)
	switch {
	case want.code == "" && isErr:
		t.Errorf("got error %v, want a success", e)
	case want.code != "" && (!isErr || e["code"] != want.code):
		t.Errorf("body %s, want error code %q", r.Body, want.code)
	}
}

// submittedPaper is the ID of a submitted paper of last week's staff round.
func (e *eventEnv) submittedPaper(t *testing.T) string {
	t.Helper()
	round := demo.Rounds(e.c.Now)[0].ID
	listed, err := e.c.Store.ListSubmitted(context.Background(), demo.ContestID, round)
	if err != nil || len(listed) == 0 {
		t.Fatalf("submitted papers of %s: %d, %v", round, len(listed), err)
	}
	return listed[0].PaperID
}

// invokeFile invokes another event file (with default values) in this
// event's world, as a setup step.
func (e *eventEnv) invokeFile(t *testing.T, file string, values map[string]string) lambdarie.HTTPResponse {
	t.Helper()
	event := e.fill(t, file, values)
	res, err := e.emu.Invoke(context.Background(), event, funcurl.RequestID(event))
	if err != nil {
		t.Fatal(err)
	}
	r, err := lambdarie.ParseHTTP(res.Body)
	if err != nil {
		t.Fatalf("%s: %v: %q", file, err, res.Body)
	}
	return r
}

// fill reads an event file and fills its placeholders: values first, then
// the defaults (see eventWants).
func (e *eventEnv) fill(t *testing.T, file string, values map[string]string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(e.root, "events", file))
	if err != nil {
		t.Fatal(err)
	}
	roster := demo.Roster()
	v := map[string]string{}
	has := func(name string) bool { return bytes.Contains(raw, []byte("{{"+name+"}}")) && v[name] == "" }
	for k, val := range values {
		v[k] = val
	}
	if has("token") {
		v["token"] = e.c.TokenFor(t, roster[0].Email)
	}
	if has("otherToken") {
		v["otherToken"] = e.c.TokenFor(t, roster[1].Email)
	}
	if has("roundId") {
		v["roundId"] = e.c.OpenRound().ID
	}
	if has("bucket") {
		v["bucket"] = e.c.Bucket
	}
	if has("paperId") || has("questionId") {
		p := e.newPaper(t, roster[0].Email)
		if has("paperId") {
			v["paperId"] = p.ID()
		}
		if has("questionId") {
			v["questionId"] = p.Items[0].QuestionID
		}
	}
	for k, val := range v {
		raw = bytes.ReplaceAll(raw, []byte("{{"+k+"}}"), []byte(val))
	}
	if left := placeholder.FindAll(raw, -1); len(left) > 0 {
		t.Fatalf("events/%s: placeholders left unfilled: %s", file, bytes.Join(left, []byte(", ")))
	}
	return raw
}

// newPaper puts a paper in progress of email in the open round, started two
// minutes ago, as the quiz function would.
func (e *eventEnv) newPaper(t *testing.T, email string) *contest.Paper {
	t.Helper()
	ctx := context.Background()
	round := e.c.OpenRound()
	m, ok, err := e.c.Store.GetMember(ctx, demo.ContestID, email)
	if err != nil || !ok {
		t.Fatalf("member %s: %v %v", email, ok, err)
	}
	bank, err := e.c.Banks.Load(ctx, demo.ContestID, round.BankID)
	if err != nil {
		t.Fatal(err)
	}
	items, key, err := contest.Draw(bank, round.QuestionCount, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	started := testenv.Now().Add(-2 * time.Minute).Truncate(time.Millisecond)
	p := &contest.Paper{
		ContestID: demo.ContestID, RoundID: round.ID, ParticipantID: contest.ParticipantID(demo.ContestID, email), Attempt: 1,
		Email: email, Name: m.Name, UnitID: m.UnitID, Audience: m.Audience, BankID: round.BankID,
		Items: items, Key: key, StartedAt: started, Deadline: round.Deadline(started),
		Answers: map[string]string{}, Status: contest.PaperInProgress,
	}
	if _, created, err := e.c.Store.CreatePaper(ctx, p); err != nil || !created {
		t.Fatalf("create paper: created=%v err=%v", created, err)
	}
	return p
}

// Clip contest accounts: the admin and a participant of a ward.
var (
	clipsAdmin       = memberOf("phuong-phu-hoi", 0)
	clipsParticipant = memberOf("phuong-phu-hoi", 1)
)

func memberOf(unit string, i int) string {
	var ms []string
	for _, m := range demo.Roster() {
		if m.UnitID == unit {
			ms = append(ms, m.Email)
		}
	}
	return ms[i]
}

// as is a setup giving {{token}} to one account.
func as(email string) func(t *testing.T, e *eventEnv) map[string]string {
	return func(t *testing.T, e *eventEnv) map[string]string {
		return map[string]string{"token": e.c.TokenFor(t, email)}
	}
}

// clipUpload is what the clips function answers a request for an upload.
type clipUpload struct {
	Clip struct {
		ID string `json:"id"`
	} `json:"clip"`
	Upload struct {
		URL    string            `json:"url"`
		Fields map[string]string `json:"fields"`
	} `json:"upload"`
}

// uploadClip asks the function (under the emulator) for an upload of one of
// mp4test's fixtures and posts it to the local S3 server, as a browser would.
func (e *eventEnv) uploadClip(t *testing.T, fixture int) clipUpload {
	t.Helper()
	data := mp4test.Fixtures()[fixture].Data
	event := e.fill(t, "clips/request-upload.json", map[string]string{"token": e.c.TokenFor(t, clipsAdmin)})
	var ev map[string]any
	if err := json.Unmarshal(event, &ev); err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"title": "Hướng dẫn nộp hồ sơ trực tuyến", "genre": "huong-dan-dvc", "size": len(data), "contentType": "video/mp4"})
	ev["body"] = string(body)
	event, _ = json.Marshal(ev)
	res, err := e.emu.Invoke(context.Background(), event, funcurl.RequestID(event))
	if err != nil {
		t.Fatal(err)
	}
	r, err := lambdarie.ParseHTTP(res.Body)
	if err != nil || r.StatusCode != http.StatusCreated {
		t.Fatalf("request an upload: %v %d %s", err, r.StatusCode, r.Body)
	}
	var u clipUpload
	if err := json.Unmarshal(r.Body, &u); err != nil {
		t.Fatal(err)
	}
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	for k, v := range u.Upload.Fields {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", "clip.mp4")
	_, _ = fw.Write(data)
	_ = mw.Close()
	resp, err := http.Post(u.Upload.URL, mw.FormDataContentType(), &form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		msg, _ := io.ReadAll(resp.Body)
		t.Fatalf("POST the clip to S3: %d %s", resp.StatusCode, msg)
	}
	return u
}

// acceptedClip uploads a clip and confirms it through the function.
func (e *eventEnv) acceptedClip(t *testing.T) string {
	t.Helper()
	u := e.uploadClip(t, 0)
	if r := e.invokeFile(t, "clips/confirm.json", map[string]string{"token": e.c.TokenFor(t, clipsAdmin), "clipId": u.Clip.ID}); r.StatusCode != http.StatusOK {
		t.Fatalf("confirm the clip: %d %s", r.StatusCode, r.Body)
	}
	return u.Clip.ID
}

// eventFiles lists events/<function>/<file>.json as "<function>/<file>.json".
func eventFiles(t *testing.T, root string) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(root, "events", "*", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no sample events under events/")
	}
	var out []string
	for _, p := range paths {
		out = append(out, filepath.Base(filepath.Dir(p))+"/"+filepath.Base(p))
	}
	return out
}

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// buildBootstraps builds each function for this machine with the flags of
// `make build`, into <dir>/<function>/bootstrap, once per test binary.
func buildBootstraps(t *testing.T, root string, fns []string) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "hoithi-bootstraps-")
		if buildErr != nil {
			return
		}
		out := filepath.Join(buildDir, "bin") + string(filepath.Separator)
		args := []string{"build", "-tags", "lambda.norpc", "-trimpath", "-ldflags=-s -w", "-o", out}
		for _, fn := range fns {
			args = append(args, "./functions/"+fn)
		}
		cmd := exec.Command("go", args...)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if msg, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, msg)
			return
		}
		for _, fn := range fns {
			if err := os.MkdirAll(filepath.Join(buildDir, fn), 0o755); err != nil {
				buildErr = err
				return
			}
			if err := os.Rename(filepath.Join(out, fn), filepath.Join(buildDir, fn, "bootstrap")); err != nil {
				buildErr = err
				return
			}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// repoRoot finds the repository (HOITHI_ROOT, set by localdev exec, or the
// folder of go.mod above the test).
func repoRoot(t *testing.T) string {
	t.Helper()
	if r := os.Getenv("HOITHI_ROOT"); r != "" {
		return r
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && bytes.Contains(data, []byte("module github.com/hoithi/hoithi\n")) {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("not inside the HoiThi repository")
		}
		dir = parent
	}
}
