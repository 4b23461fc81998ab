// Command invoke runs one sample event through a function's real bootstrap
// under the AWS Lambda Runtime Interface Emulator, against the local platform
// of a running `make dev` (its .local/endpoints.json), and prints the answer:
//
//	make invoke FN=quiz EVENT=events/quiz/list-rounds.json
//	go run ./infra/invoke -fn grade -event events/grade/save-answers.json -as yen.vovan@demo.hue.gov.vn
//
// Placeholders in the event are filled in: {{token}} with a session token of
// -as (default: the first demo participant), {{unitId}} with that person's
// unit, {{bucket}} with the local bucket, {{otherToken}} with a token of the
// second participant, {{roundId}} with this week's open round of that person's
// audience, {{paperId}} and {{questionId}} from their paper in progress in it
// (start one first with events/quiz/start-paper.json); -set name=value fills
// or overrides any placeholder.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/hoithi/hoithi/infra/lambdarie"
	"github.com/hoithi/hoithi/infra/localenv"
	"github.com/hoithi/hoithi/shared/config"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/funcurl"
	"github.com/hoithi/hoithi/shared/platform"
	"github.com/hoithi/hoithi/shared/token"
)

type setFlags map[string]string

func (s setFlags) String() string { return fmt.Sprint(map[string]string(s)) }
func (s setFlags) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	if !ok || k == "" {
		return fmt.Errorf("want name=value, got %q", v)
	}
	s[k] = val
	return nil
}

// endpoints is the part of .local/endpoints.json the invocation needs.
type endpoints struct {
	Site     string `json:"site"`
	Contest  string `json:"contest"`
	Outbox   string `json:"outbox"`
	DynamoDB string `json:"dynamodb"`
	S3       string `json:"s3"`
	Accounts struct {
		Participant []string `json:"participant"`
	} `json:"accounts"`
}

func main() {
	fn := flag.String("fn", "", "function name (functions/<name>)")
	eventPath := flag.String("event", "", "event file (events/<name>/<file>.json)")
	state := flag.String("state", ".local", "the local platform's state folder (make dev's)")
	bootstrap := flag.String("bootstrap", "", "the host build of the function (default <state>/build-host/<fn>/bootstrap)")
	rie := flag.String("rie", "", "the runtime interface emulator (default <state>/bin/aws-lambda-rie)")
	as := flag.String("as", "", "whose session token fills {{token}} (default: the first demo participant)")
	raw := flag.Bool("raw", false, "print the emulator's payload as it is")
	sets := setFlags{}
	flag.Var(sets, "set", "name=value: fill {{name}} (repeatable)")
	flag.Parse()
	if err := run(*fn, *eventPath, *state, *bootstrap, *rie, *as, *raw, sets); err != nil {
		fmt.Fprintln(os.Stderr, "invoke:", err)
		os.Exit(1)
	}
}

func run(fn, eventPath, state, bootstrap, rie, as string, raw bool, sets setFlags) error {
	f, ok := platform.FunctionNamed(fn)
	if !ok || eventPath == "" {
		return fmt.Errorf("usage: make invoke FN=<function> EVENT=events/<function>/<file>.json (functions: %s)", functionNames())
	}
	if bootstrap == "" {
		bootstrap = filepath.Join(state, "build-host", fn, "bootstrap")
	}
	if rie == "" {
		rie = filepath.Join(state, "bin", "aws-lambda-rie")
	}
	var ep endpoints
	data, err := os.ReadFile(filepath.Join(state, "endpoints.json"))
	if err == nil {
		err = json.Unmarshal(data, &ep)
	}
	if err != nil || ep.DynamoDB == "" || ep.S3 == "" {
		return fmt.Errorf("no local platform in %s/endpoints.json (%v): start `make dev` in another terminal", state, err)
	}
	key, err := os.ReadFile(filepath.Join(state, "token.key"))
	if err != nil {
		return fmt.Errorf("signing key: %w", err)
	}
	event, err := os.ReadFile(eventPath)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), f.Timeout+30*time.Second)
	defer cancel()

	if as == "" && len(ep.Accounts.Participant) > 0 {
		as = ep.Accounts.Participant[0]
	}
	other := ""
	if len(ep.Accounts.Participant) > 1 {
		other = ep.Accounts.Participant[1]
	}
	store := dynamo.New(dynamodb.NewFromConfig(aws.Config{
		Region:       localenv.Region,
		Credentials:  credentials.NewStaticCredentialsProvider(localenv.AccessKey, localenv.SecretKey, ""),
		BaseEndpoint: aws.String(ep.DynamoDB),
	}), localenv.Table, nil)
	filled, err := fill(ctx, event, placeholderValues{store: store, key: key, contest: ep.Contest, as: as, other: other, sets: sets})
	if err != nil {
		return err
	}

	local := lambdarie.Local{
		DynamoDBURL: ep.DynamoDB, S3URL: ep.S3, AccessKey: localenv.AccessKey, SecretKey: localenv.SecretKey, Region: localenv.Region,
		Table: localenv.Table, Bucket: localenv.Bucket, Contest: ep.Contest, TokenKey: strings.TrimSpace(string(key)),
		MailOutbox: ep.Outbox, SiteURL: ep.Site,
	}
	emu, err := lambdarie.Start(ctx, lambdarie.Options{
		RIE: rie, Bootstrap: bootstrap, Env: local.Env(),
		FunctionName: fn, MemoryMB: f.MemoryMB, Timeout: f.Timeout,
	})
	if err != nil {
		return err
	}
	defer emu.Stop()
	res, err := emu.Invoke(ctx, filled, funcurl.RequestID(filled))
	if err != nil {
		return fmt.Errorf("%w\n%s", err, emu.Logs())
	}
	emu.WaitLog("REPORT RequestId", 2*time.Second)
	fmt.Fprint(os.Stderr, functionLog(emu.Logs()))
	if d, ok := emu.InitDuration(); ok {
		fmt.Fprintf(os.Stderr, "init %.1f ms (emulator)\n", float64(d.Microseconds())/1000)
	}
	if raw {
		os.Stdout.Write(res.Body)
		return nil
	}
	if r, err := lambdarie.ParseHTTP(res.Body); err == nil {
		fmt.Printf("HTTP %d\n", r.StatusCode)
		for k, v := range r.Headers {
			fmt.Printf("%s: %s\n", k, v)
		}
		fmt.Println()
		fmt.Println(pretty(r.Body))
		return nil
	}
	if fe, ok := lambdarie.AsFunctionError(res.Body); ok {
		return fmt.Errorf("function error %s: %s", fe.Type, fe.Message)
	}
	fmt.Printf("emulator status %d, result:\n%s\n", res.Status, pretty(res.Body))
	return nil
}

// functionLog keeps the function's own lines (JSON logs, START/END/REPORT),
// not the emulator's.
func functionLog(logs string) string {
	var b strings.Builder
	for _, line := range strings.Split(logs, "\n") {
		if strings.HasPrefix(line, "{") || strings.HasPrefix(line, "REPORT") || strings.HasPrefix(line, "timestamp=") {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

func pretty(body []byte) string {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return string(body)
	}
	out, _ := json.MarshalIndent(v, "", "  ")
	return string(out)
}

func functionNames() string {
	var names []string
	for _, f := range platform.Functions {
		names = append(names, f.Name)
	}
	return strings.Join(names, ", ")
}

var placeholder = regexp.MustCompile(`\{\{([A-Za-z]+)\}\}`)

// placeholderValues fills an event's placeholders from the local platform.
type placeholderValues struct {
	store       *dynamo.Store
	key         []byte
	contest, as string
	other       string
	sets        setFlags
}

// now is the platform's clock: the wall clock, or shifted as the functions'
// is when CLOCK_OFFSET is set (a contest run at a chosen instant).
func (v placeholderValues) now() (time.Time, error) {
	offset := os.Getenv(platform.EnvClockOffset)
	if offset == "" {
		return time.Now(), nil
	}
	clock, err := config.OffsetClock(offset)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: %w", platform.EnvClockOffset, err)
	}
	return clock(), nil
}

func fill(ctx context.Context, event []byte, v placeholderValues) ([]byte, error) {
	names := map[string]bool{}
	for _, m := range placeholder.FindAllSubmatch(event, -1) {
		names[string(m[1])] = true
	}
	values := map[string]string{}
	for k, val := range v.sets {
		values[k] = val
	}
	need := func(name string) bool { _, set := values[name]; return names[name] && !set }
	var err error
	var member contest.Member
	if need("bucket") {
		values["bucket"] = localenv.Bucket
	}
	if need("token") || need("unitId") || need("roundId") || need("paperId") || need("questionId") {
		if member, err = v.member(ctx, v.as); err != nil {
			return nil, err
		}
	}
	if need("token") {
		if values["token"], err = v.tokenFor(member); err != nil {
			return nil, err
		}
	}
	if need("unitId") {
		values["unitId"] = member.UnitID
	}
	if need("otherToken") {
		m, err := v.member(ctx, v.other)
		if err != nil {
			return nil, err
		}
		if values["otherToken"], err = v.tokenFor(m); err != nil {
			return nil, err
		}
	}
	roundID := values["roundId"]
	if need("roundId") || need("paperId") || need("questionId") {
		if roundID == "" {
			if roundID, err = v.openRound(ctx, member.Audience); err != nil {
				return nil, err
			}
		}
		values["roundId"] = roundID
	}
	if need("paperId") || need("questionId") {
		p, err := v.paperInProgress(ctx, roundID, member.Email)
		if err != nil {
			return nil, err
		}
		if need("paperId") {
			values["paperId"] = p.ID()
		}
		if need("questionId") && len(p.Items) > 0 {
			values["questionId"] = p.Items[0].QuestionID
		}
	}
	for k, val := range values {
		event = bytes.ReplaceAll(event, []byte("{{"+k+"}}"), []byte(val))
	}
	if left := placeholder.FindAll(event, -1); len(left) > 0 {
		return nil, fmt.Errorf("placeholders left: %s (fill them with -set name=value; see events/README.md)", bytes.Join(left, []byte(", ")))
	}
	return event, nil
}

func (v placeholderValues) member(ctx context.Context, email string) (contest.Member, error) {
	if email == "" {
		return contest.Member{}, errors.New("no demo participant in endpoints.json: give -as <email>")
	}
	m, ok, err := v.store.GetMember(ctx, v.contest, email)
	if err != nil {
		return m, fmt.Errorf("read member %s: %w", email, err)
	}
	if !ok {
		return m, fmt.Errorf("%s is not on the roster of contest %s", email, v.contest)
	}
	return m, nil
}

// tokenFor signs a session token as the auth function would, with the local key.
func (v placeholderValues) tokenFor(m contest.Member) (string, error) {
	signer, err := token.NewSigner([]byte(strings.TrimSpace(string(v.key))), time.Hour, nil)
	if err != nil {
		return "", err
	}
	tok, _, err := signer.Issue(token.ClaimsFor(v.contest, m))
	return tok, err
}

func (v placeholderValues) openRound(ctx context.Context, audience contest.Audience) (string, error) {
	rounds, err := v.store.ListRounds(ctx, v.contest)
	if err != nil {
		return "", err
	}
	now, err := v.now()
	if err != nil {
		return "", err
	}
	for _, r := range rounds {
		if r.Audience == audience && r.Status(now) == contest.StatusOpen {
			return r.ID, nil
		}
	}
	return "", fmt.Errorf("no open %s round in contest %s: give -set roundId=<id>", audience, v.contest)
}

func (v placeholderValues) paperInProgress(ctx context.Context, roundID, email string) (*contest.Paper, error) {
	papers, err := v.store.ListPapers(ctx, v.contest, roundID, contest.ParticipantID(v.contest, email))
	if err != nil {
		return nil, err
	}
	for _, p := range papers {
		if p.Status == contest.PaperInProgress {
			return p, nil
		}
	}
	return nil, fmt.Errorf("%s has no paper in progress in %s: start one with `make invoke FN=quiz EVENT=events/quiz/start-paper.json`, or give -set paperId=… -set questionId=…", email, roundID)
}
