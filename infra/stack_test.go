package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/platform"
)

// The stack is synthesized once for all tests (jsii starts Node and loads the
// CDK library: seconds, not milliseconds), in one app with two stacks:
//   - configured: a site origin, a web/ folder and a mail identity given;
//   - defaults: nothing given, so the site origin is the CloudFront URL.
const (
	testOrigin   = "https://hoithi.example.gov.vn"
	testMailFrom = "no-reply@hoithi.example.gov.vn"
	// testClipCriteria are jury criteria given at deploy time (Vietnamese names).
	testClipCriteria = "noi-dung:Nội dung,sang-tao:Sáng tạo"
	testContest      = "hue-2026"
	// testBucketOrigin is a contest's own site the data bucket accepts too.
	testBucketOrigin = "https://thi.hue.gov.vn"
)

type synthesized struct {
	configured, defaults *stackUnderTest
	outdir               string
}

type stackUnderTest struct {
	h   *HoiThi
	tpl assertions.Template
	// doc is the template as JSON, for walks the assertion library cannot express.
	doc map[string]any
}

var (
	synthOnce sync.Once
	synthed   *synthesized
	synthErr  error
	tempRoot  string
)

func TestMain(m *testing.M) {
	// jsii prints a banner on Node 20 (end of life); the Makefile sets the same.
	os.Setenv("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
	os.Setenv("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
	var err error
	if tempRoot, err = os.MkdirTemp("", "hoithi-infra-test-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	if synthed != nil {
		jsii.Close()
	}
	os.RemoveAll(tempRoot)
	os.Exit(code)
}

// synth builds both stacks the first time a test needs them.
func synth(t *testing.T) *synthesized {
	t.Helper()
	synthOnce.Do(func() {
		defer func() {
			if r := recover(); r != nil {
				synthErr = fmt.Errorf("synthesis panicked: %v", r)
			}
		}()
		synthed, synthErr = build()
	})
	if synthErr != nil {
		t.Fatal(synthErr)
	}
	return synthed
}

func build() (*synthesized, error) {
	// GIVEN a dummy bootstrap per function, and a small site folder.
	assets := filepath.Join(tempRoot, "build")
	for _, f := range platform.Functions {
		dir := filepath.Join(assets, f.Name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, "bootstrap"), []byte("#!/bin/sh\n# "+f.Name+"\n"), 0o755); err != nil {
			return nil, err
		}
	}
	web := filepath.Join(tempRoot, "web")
	if err := os.MkdirAll(web, 0o755); err != nil {
		return nil, err
	}
	for name, text := range map[string]string{
		"index.html": "<!doctype html><title>HoiThi</title>", "embed/banner.html": "<!doctype html><title>Banner</title>",
		"README.md": "# the site", "tests/site.test.mjs": "// browser tests",
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(web, name)), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(web, name), []byte(text), 0o644); err != nil {
			return nil, err
		}
	}
	s := &synthesized{outdir: filepath.Join(tempRoot, "cdk.out")}
	app := NewApp(s.outdir, nil)
	configured := Settings{AssetRoot: assets, WebDir: web, ContestID: testContest, SiteOrigin: testOrigin, BucketOrigins: []string{testBucketOrigin},
		MailFrom: testMailFrom, GraceSeconds: 90, MailRate: 12, AlarmEmail: "ops@example.gov.vn",
		FunctionEnv: map[string]string{platform.EnvClipQuota: "5", platform.EnvClipCriteria: testClipCriteria}}
	defaults := Settings{AssetRoot: assets, ContestID: "demo", MailFrom: DefaultMailFrom, GraceSeconds: 60, MailRate: 8}
	for _, set := range []Settings{configured, defaults} {
		if err := set.Check(); err != nil {
			return nil, err
		}
	}
	// WHEN the app is synthesized
	s.configured = &stackUnderTest{h: NewHoiThi(app, "HoiThi", nil, configured)}
	s.defaults = &stackUnderTest{h: NewHoiThi(app, "HoiThiDefaults", nil, defaults)}
	for _, st := range []*stackUnderTest{s.configured, s.defaults} {
		st.tpl = assertions.Template_FromStack(st.h.Stack, nil)
		raw, err := json.Marshal(st.tpl.ToJSON())
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(raw, &st.doc); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// assert runs an assertion of the CDK library, whose failures are panics,
// and turns a failure into a test failure.
func assert(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("%s: %v", what, r)
		}
	}()
	f()
}

// resources returns the template's resources of one type by logical id.
func (s *stackUnderTest) resources(typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range s.doc["Resources"].(map[string]any) {
		r := r.(map[string]any)
		if r["Type"] == typ {
			out[id] = r
		}
	}
	return out
}

// byPath finds the resource a construct path names (HoiThi/AuthFunction/Resource).
func (s *stackUnderTest) byPath(t *testing.T, path string) (string, map[string]any) {
	t.Helper()
	for id, r := range s.doc["Resources"].(map[string]any) {
		r := r.(map[string]any)
		if md, _ := r["Metadata"].(map[string]any); md != nil && md["aws:cdk:path"] == *s.h.Stack.StackName()+"/"+path {
			return id, r
		}
	}
	t.Fatalf("no resource at %s", path)
	return "", nil
}

// function is a platform function's AWS::Lambda::Function (logical id, properties).
func (s *stackUnderTest) function(t *testing.T, name string) (string, map[string]any) {
	t.Helper()
	id, r := s.byPath(t, constructID(name)+"Function/Resource")
	return id, r["Properties"].(map[string]any)
}

func props(r map[string]any) map[string]any { p, _ := r["Properties"].(map[string]any); return p }

func jsonOf(v any) string { b, _ := json.Marshal(v); return string(b) }

func strs(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			out = append(out, fmt.Sprint(x))
		}
		return out
	}
	return nil
}

func TestEveryFunctionIsAGoBootstrapOnArm64(t *testing.T) {
	s := synth(t).configured
	for _, f := range platform.Functions {
		t.Run(f.Name+" runs bootstrap on provided.al2023 arm64 with its platform settings", func(t *testing.T) {
			// GIVEN the function as shared/platform describes it
			// WHEN the stack is synthesized
			// THEN the assertion library finds it with runtime, architecture, handler, memory, timeout, cap and JSON logs
			assert(t, "function "+f.Name, func() {
				s.tpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), &map[string]any{
					"Description":                  jsii.String("HoiThi " + f.Name + ": " + f.Describes),
					"Runtime":                      jsii.String("provided.al2023"),
					"Architectures":                jsii.Strings("arm64"),
					"Handler":                      jsii.String("bootstrap"),
					"MemorySize":                   jsii.Number(f.MemoryMB),
					"Timeout":                      jsii.Number(f.Timeout.Seconds()),
					"ReservedConcurrentExecutions": jsii.Number(f.Reserved),
					"LoggingConfig":                assertions.Match_ObjectLike(&map[string]any{"LogFormat": jsii.String("JSON")}),
				})
			})
			_, p := s.function(t, f.Name)
			logGroup := p["LoggingConfig"].(map[string]any)["LogGroup"].(map[string]any)["Ref"].(string)
			lg := s.resources("AWS::Logs::LogGroup")[logGroup]
			if lg == nil || props(lg)["RetentionInDays"] != float64(30) {
				t.Errorf("log group %s = %v, want retention 30 days", logGroup, lg)
			}
		})
	}
	t.Run("no other function runs a custom runtime", func(t *testing.T) {
		// GIVEN the stack WHEN synthesized THEN the only provided.al2023 functions are the platform's
		// (the other one is the library's site-deployment handler, in Python)
		n := 0
		for _, r := range s.resources("AWS::Lambda::Function") {
			if props(r)["Runtime"] == "provided.al2023" {
				n++
			}
		}
		if n != len(platform.Functions) {
			t.Errorf("%d provided.al2023 functions, want %d", n, len(platform.Functions))
		}
	})
}

func TestFunctionsGetNamesAndTheSecretsARNNeverItsValue(t *testing.T) {
	s := synth(t).configured
	secretID, _ := s.byPath(t, "TokenKey/Resource")
	tableID, _ := s.byPath(t, "Table/Resource")
	for _, f := range platform.Functions {
		t.Run(f.Name+" reads resource names from its environment", func(t *testing.T) {
			// GIVEN the function's grants WHEN synthesized
			_, p := s.function(t, f.Name)
			env := p["Environment"].(map[string]any)["Variables"].(map[string]any)
			// THEN the names come from the stack and context
			if got := jsonOf(env[platform.EnvTable]); got != jsonOf(map[string]any{"Ref": tableID}) {
				t.Errorf("%s = %s, want the table's Ref", platform.EnvTable, got)
			}
			if env[platform.EnvContest] != testContest || env[platform.EnvGraceSeconds] != "90" || env[platform.EnvSiteURL] != testOrigin {
				t.Errorf("contest %v, grace %v, site %v: want %s, 90, %s from the settings", env[platform.EnvContest], env[platform.EnvGraceSeconds], env[platform.EnvSiteURL], testContest, testOrigin)
			}
			if env[platform.EnvBucket] == nil {
				t.Errorf("%s is not set", platform.EnvBucket)
			}
			// AND the deploy's bucket origins go to the function that sets the bucket's CORS, only
			if want := map[bool]any{true: testBucketOrigin, false: nil}[Grants[f.Name].BucketCORS]; env[platform.EnvBucketOrigins] != want {
				t.Errorf("%s = %v, want %v", platform.EnvBucketOrigins, env[platform.EnvBucketOrigins], want)
			}
			// AND the signing key is passed by ARN, to those granted it only
			wantARN := Grants[f.Name].TokenKey
			if got := jsonOf(env[platform.EnvTokenSecretARN]); wantARN && got != jsonOf(map[string]any{"Ref": secretID}) {
				t.Errorf("%s = %s, want the secret's Ref", platform.EnvTokenSecretARN, got)
			} else if !wantARN && env[platform.EnvTokenSecretARN] != nil {
				t.Errorf("%s is set for a function not granted the key", platform.EnvTokenSecretARN)
			}
			if _, ok := env[platform.EnvTokenKey]; ok {
				t.Errorf("%s is set: the key must come from Secrets Manager", platform.EnvTokenKey)
			}
			// AND the server keeps the wall clock (the offset is for local runs and tests)
			if _, ok := env[platform.EnvClockOffset]; ok {
				t.Errorf("%s is set: on AWS the functions keep the wall clock", platform.EnvClockOffset)
			}
			// AND no variable resolves the secret's value
			for k, v := range env {
				if j := jsonOf(v); strings.Contains(j, "resolve:secretsmanager") || strings.Contains(j, "SecretString") ||
					(k != platform.EnvTokenSecretARN && strings.Contains(j, secretID)) {
					t.Errorf("%s = %s refers to the secret's value", k, j)
				}
			}
			if got, want := env[platform.EnvMailFrom] != nil, Grants[f.Name].SendMail; got != want {
				t.Errorf("%s set = %v, want %v (only mail senders)", platform.EnvMailFrom, got, want)
			}
			for _, name := range []string{platform.EnvClipQuota, platform.EnvClipCriteria, platform.EnvClipMaxBytes} {
				var want any // only clips gets the clip settings given, unset ones keep its defaults
				if f.Name == "clips" && name != platform.EnvClipMaxBytes {
					want = map[string]string{platform.EnvClipQuota: "5", platform.EnvClipCriteria: testClipCriteria}[name]
				}
				if env[name] != want {
					t.Errorf("%s = %v, want %v", name, env[name], want)
				}
			}
			var want any // only mail senders and queuers get the rate, from the settings
			if Grants[f.Name].SendMail || Grants[f.Name].QueueMail || Grants[f.Name].MailLimits {
				want = "12"
			}
			if env[platform.EnvMailRate] != want {
				t.Errorf("%s = %v, want %v (the setting, for mail senders only)", platform.EnvMailRate, env[platform.EnvMailRate], want)
			}
		})
	}
	t.Run("the key is generated by Secrets Manager", func(t *testing.T) {
		// GIVEN the stack WHEN synthesized THEN the secret's value is generated by AWS, never in the template
		assert(t, "secret", func() {
			s.tpl.HasResourceProperties(jsii.String("AWS::SecretsManager::Secret"), &map[string]any{
				"GenerateSecretString": assertions.Match_ObjectLike(&map[string]any{"PasswordLength": jsii.Number(64), "ExcludePunctuation": jsii.Bool(true)}),
				"SecretString":         assertions.Match_Absent(),
			})
		})
	})
}

func TestFunctionURLsLeaveCORSToTheFunctions(t *testing.T) {
	all := synth(t)
	var withURL []platform.Function
	for _, f := range platform.Functions {
		if f.HasURL {
			withURL = append(withURL, f)
		}
	}
	check := func(t *testing.T, s *stackUnderTest, wantOrigin any) {
		t.Helper()
		if n := len(s.resources("AWS::Lambda::Url")); n != len(withURL) {
			t.Fatalf("%d function URLs, want %d", n, len(withURL))
		}
		for _, f := range withURL {
			fnID, fn := s.function(t, f.Name)
			_, u := s.byPath(t, constructID(f.Name)+"Function/FunctionUrl/Resource")
			p := props(u)
			if jsonOf(p["TargetFunctionArn"]) != jsonOf(map[string]any{"Fn::GetAtt": []any{fnID, "Arn"}}) {
				t.Errorf("%s URL targets %s", f.Name, jsonOf(p["TargetFunctionArn"]))
			}
			if p["AuthType"] != "NONE" || p["InvokeMode"] != "RESPONSE_STREAM" {
				t.Errorf("%s URL: auth %v, invoke mode %v; want NONE, RESPONSE_STREAM", f.Name, p["AuthType"], p["InvokeMode"])
			}
			// the URL answers no CORS itself (preflights reach the function) ...
			if cors, set := p["Cors"]; set {
				t.Errorf("%s URL has CORS %s: the function answers CORS itself", f.Name, jsonOf(cors))
			}
			// ... which is given the site origin, always allowed
			env := fn["Environment"].(map[string]any)["Variables"].(map[string]any)
			if jsonOf(env[platform.EnvSiteURL]) != jsonOf(wantOrigin) {
				t.Errorf("%s %s = %s, want %s", f.Name, platform.EnvSiteURL, jsonOf(env[platform.EnvSiteURL]), jsonOf(wantOrigin))
			}
		}
	}
	t.Run("with siteOrigin given, every function is given that origin", func(t *testing.T) {
		check(t, all.configured, testOrigin)
	})
	t.Run("without siteOrigin, every function is given the CloudFront site", func(t *testing.T) {
		distID, _ := all.defaults.byPath(t, "Site/Resource")
		check(t, all.defaults, map[string]any{"Fn::Join": []any{"", []any{"https://", map[string]any{"Fn::GetAtt": []any{distID, "DomainName"}}}}})
	})
}

func TestBucketsArePrivateEncryptedAndTLSOnly(t *testing.T) {
	s := synth(t).configured
	buckets := s.resources("AWS::S3::Bucket")
	if len(buckets) != 2 {
		t.Fatalf("%d buckets, want 2 (data, site)", len(buckets))
	}
	policies := s.resources("AWS::S3::BucketPolicy")
	for id, b := range buckets {
		t.Run(id+" blocks public access, is encrypted and refuses plain HTTP", func(t *testing.T) {
			// GIVEN a bucket of the stack WHEN synthesized THEN
			p := props(b)
			if got := jsonOf(p["PublicAccessBlockConfiguration"]); got != `{"BlockPublicAcls":true,"BlockPublicPolicy":true,"IgnorePublicAcls":true,"RestrictPublicBuckets":true}` {
				t.Errorf("public access block %s, want all four on", got)
			}
			if got := jsonOf(p["BucketEncryption"]); !strings.Contains(got, `"SSEAlgorithm":"AES256"`) {
				t.Errorf("encryption %s, want S3-managed", got)
			}
			denies := false
			for _, pol := range policies {
				pp := props(pol)
				if jsonOf(pp["Bucket"]) != jsonOf(map[string]any{"Ref": id}) {
					continue
				}
				for _, st := range pp["PolicyDocument"].(map[string]any)["Statement"].([]any) {
					st := st.(map[string]any)
					if st["Effect"] == "Deny" && strings.Contains(jsonOf(st["Condition"]), `"aws:SecureTransport":"false"`) {
						denies = true
					}
				}
			}
			if !denies {
				t.Error("no policy statement denies requests without TLS")
			}
		})
	}
	t.Run("the data bucket takes browser uploads from the site origin only, aborts stale multipart uploads and expires import files", func(t *testing.T) {
		// GIVEN -c siteOrigin WHEN synthesized THEN CORS and lifecycle are as below
		assert(t, "data bucket", func() {
			s.tpl.HasResourceProperties(jsii.String("AWS::S3::Bucket"), &map[string]any{
				"CorsConfiguration": map[string]any{"CorsRules": []any{map[string]any{
					"AllowedOrigins": jsii.Strings(testOrigin, testBucketOrigin),
					"AllowedMethods": jsii.Strings(platform.BucketCORS.AllowMethods...),
					"AllowedHeaders": jsii.Strings(platform.BucketCORS.AllowHeaders...),
					"ExposedHeaders": jsii.Strings(platform.BucketCORS.ExposeHeaders...),
					"MaxAge":         jsii.Number(platform.BucketCORS.MaxAge.Seconds()),
				}}},
				"LifecycleConfiguration": map[string]any{"Rules": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
					"AbortIncompleteMultipartUpload": map[string]any{"DaysAfterInitiation": jsii.Number(1)},
					"Status":                         jsii.String("Enabled"),
				}), assertions.Match_ObjectLike(&map[string]any{
					"Prefix": jsii.String(platform.PrefixImports), "ExpirationInDays": jsii.Number(1), "Status": jsii.String("Enabled"),
				})})},
			})
		})
	})
}

// statement is one IAM policy statement with where it was found.
type statement struct {
	where string
	st    map[string]any
}

// policyStatements walks every policy document of the template: identity
// policies (all statements) and resource policies (their Allow statements).
func (s *stackUnderTest) policyStatements() []statement {
	var out []statement
	add := func(where string, doc any, allowOnly bool) {
		d, _ := doc.(map[string]any)
		list, _ := d["Statement"].([]any)
		for _, x := range list {
			st := x.(map[string]any)
			if allowOnly && st["Effect"] != "Allow" {
				continue
			}
			out = append(out, statement{where, st})
		}
	}
	for id, r := range s.resources("AWS::IAM::Policy") {
		add(id, props(r)["PolicyDocument"], false)
	}
	for id, r := range s.resources("AWS::IAM::ManagedPolicy") {
		add(id, props(r)["PolicyDocument"], false)
	}
	for id, r := range s.resources("AWS::IAM::Role") {
		ps, _ := props(r)["Policies"].([]any)
		for _, p := range ps {
			add(id, p.(map[string]any)["PolicyDocument"], false)
		}
	}
	for _, typ := range []string{"AWS::S3::BucketPolicy", "AWS::SNS::TopicPolicy", "AWS::SecretsManager::ResourcePolicy"} {
		for id, r := range s.resources(typ) {
			add(id, props(r)["PolicyDocument"], true)
		}
	}
	return out
}

// actionsOf lists the actions a function's role policy allows.
func (s *stackUnderTest) actionsOf(t *testing.T, fn string) map[string][]statement {
	t.Helper()
	id, _ := s.byPath(t, constructID(fn)+"Function/ServiceRole/DefaultPolicy/Resource")
	out := map[string][]statement{}
	for _, st := range s.policyStatements() {
		if st.where == id {
			for _, a := range strs(st.st["Action"]) {
				out[a] = append(out[a], st)
			}
		}
	}
	return out
}

func TestLeastPrivilege(t *testing.T) {
	s := synth(t).configured
	t.Run("no policy statement allows an action with a wildcard", func(t *testing.T) {
		// GIVEN every IAM policy and every resource policy's Allow statements
		// WHEN their actions are read THEN none contains *
		sts := s.policyStatements()
		if len(sts) == 0 {
			t.Fatal("found no policy statements")
		}
		for _, st := range sts {
			if st.st["NotAction"] != nil {
				t.Errorf("%s uses NotAction: %s", st.where, jsonOf(st.st))
			}
			for _, a := range strs(st.st["Action"]) {
				if strings.Contains(a, "*") {
					t.Errorf("%s allows %q", st.where, a)
				}
			}
		}
	})
	t.Run("every platform function has its grants declared", func(t *testing.T) {
		// GIVEN shared/platform's functions THEN each has an entry in Grants
		for _, f := range platform.Functions {
			if _, ok := Grants[f.Name]; !ok {
				t.Errorf("function %s has no entry in Grants (infra/functions.go)", f.Name)
			}
		}
	})
	for _, f := range platform.Functions {
		a := Grants[f.Name]
		t.Run(f.Name+" may do what its grants say and no more", func(t *testing.T) {
			// GIVEN the function's Grants entry WHEN synthesized THEN its role allows:
			got := s.actionsOf(t, f.Name)
			has := func(action string) bool { return len(got[action]) > 0 }
			if has("dynamodb:Query") != (a.Table != noTable) {
				t.Errorf("table actions %v do not match access %d", keys(got, "dynamodb:"), a.Table)
			}
			// each write is either the whole table's (readWriteTable) or
			// limited to the partitions its Grants entry names
			for _, action := range []string{"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"} {
				var want []string
				if slices.Contains(a.PaperWrites, action) {
					want = append(want, paperPartitions)
				}
				if slices.Contains(a.ClaimWrites, action) {
					want = append(want, reminderPartitions)
				}
				if slices.Contains(a.OutboxActions, action) {
					want = append(want, outboxPartitions)
				}
				practice := strings.Join(practicePartitions, `","`)
				if slices.Contains(a.PracticeWrites, action) {
					want = append(want, practice)
				}
				var scoped []string
				whole, deniedOnAudit := false, false
				for _, st := range got[action] {
					cond := jsonOf(st.st["Condition"])
					switch {
					case st.st["Effect"] == "Deny":
						deniedOnAudit = deniedOnAudit || strings.Contains(cond, `"ForAnyValue:StringLike":{"dynamodb:LeadingKeys":["`+auditPartitions+`"]}`)
					case strings.Contains(cond, `"dynamodb:LeadingKeys":["`+paperPartitions+`"]`):
						scoped = append(scoped, paperPartitions)
					case strings.Contains(cond, `"dynamodb:LeadingKeys":["`+reminderPartitions+`"]`):
						scoped = append(scoped, reminderPartitions)
					case strings.Contains(cond, `"dynamodb:LeadingKeys":["`+outboxPartitions+`"]`):
						scoped = append(scoped, outboxPartitions)
					case strings.Contains(cond, `"dynamodb:LeadingKeys":["`+practice+`"]`):
						scoped = append(scoped, practice)
					case cond == "null" || cond == "":
						whole = true
					default:
						t.Errorf("%s with an unexpected condition: %s", action, jsonOf(st.st))
					}
				}
				if wantDeny := a.AuditAppendOnly && slices.Contains(auditChanges, action); deniedOnAudit != wantDeny {
					t.Errorf("%s denied on audit entries = %v, want %v", action, deniedOnAudit, wantDeny)
				}
				if whole != (a.Table == readWriteTable) || (a.Table != readWriteTable && !slices.Equal(scoped, want)) {
					t.Errorf("%s: whole table %v, limited to %v; want whole table %v, limited to %v", action, whole, scoped, a.Table == readWriteTable, want)
				}
			}
			checkPrefixes(t, got["s3:GetObject"], a.ReadPrefixes)
			checkPrefixes(t, got["s3:PutObject"], a.WritePrefixes)
			if has("s3:ListBucket") != a.ListBucket {
				t.Errorf("s3:ListBucket granted = %v, want %v", has("s3:ListBucket"), a.ListBucket)
			}
			if has("s3:PutBucketCORS") != a.BucketCORS {
				t.Errorf("s3:PutBucketCORS granted = %v, want %v", has("s3:PutBucketCORS"), a.BucketCORS)
			}
			for _, st := range got["s3:PutBucketCORS"] {
				// on the data bucket itself, nothing else
				dataID, _ := s.byPath(t, "DataBucket/Resource")
				if r := jsonOf(st.st["Resource"]); !strings.Contains(r, dataID) || strings.Contains(r, "/*") || strings.Contains(r, `"*"`) {
					t.Errorf("s3:PutBucketCORS on %s, want the data bucket only", r)
				}
			}
			checkPrefixes(t, got["s3:DeleteObject"], a.DeletePrefixes)
			if a.Multipart {
				checkPrefixes(t, got["s3:AbortMultipartUpload"], a.WritePrefixes)
			} else if has("s3:AbortMultipartUpload") {
				t.Error("may abort multipart uploads")
			}
			if has("secretsmanager:GetSecretValue") != a.TokenKey {
				t.Errorf("reads the token key = %v, want %v", has("secretsmanager:GetSecretValue"), a.TokenKey)
			}
			if has("ses:SendEmail") != a.SendMail {
				t.Errorf("sends e-mail = %v, want %v", has("ses:SendEmail"), a.SendMail)
			}
			for _, st := range got["ses:SendEmail"] {
				// the deployment's sender and addresses of its verified domains
				// (mailDomains: by default the sender's), nothing else
				domain := testMailFrom[strings.IndexByte(testMailFrom, '@')+1:]
				want := `"StringLike":{"ses:FromAddress":["` + testMailFrom + `","*@` + domain + `","*@*.` + domain + `"]}`
				if !strings.Contains(jsonOf(st.st), want) || !strings.Contains(jsonOf(st.st["Resource"]), ":identity/"+testMailFrom) ||
					!strings.Contains(jsonOf(st.st["Resource"]), ":identity/"+domain+`"`) {
					t.Errorf("ses:SendEmail not limited to the mailFrom identity and its domain: %s, want %s", jsonOf(st.st), want)
				}
			}
		})
	}
	t.Run("CloudFront reads published results, nothing else of the data bucket", func(t *testing.T) {
		// GIVEN the data bucket's policy WHEN CloudFront is its principal THEN only results/* is readable
		dataID, _ := s.byPath(t, "DataBucket/Resource")
		for _, st := range s.policyStatements() {
			if !strings.Contains(jsonOf(st.st["Principal"]), "cloudfront.amazonaws.com") || !strings.Contains(jsonOf(st.st["Resource"]), dataID) {
				continue
			}
			if got := jsonOf(st.st["Resource"]); !strings.Contains(got, `"/`+platform.PrefixResults+`*"`) {
				t.Errorf("CloudFront may read %s of the data bucket, want %s* only", got, platform.PrefixResults)
			}
		}
	})
}

func keys(m map[string][]statement, prefix string) []string {
	var out []string
	for k := range m {
		if strings.HasPrefix(k, prefix) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// checkPrefixes checks that S3 object statements cover exactly the prefixes.
func checkPrefixes(t *testing.T, sts []statement, prefixes []string) {
	t.Helper()
	var got []string
	for _, st := range sts {
		j := jsonOf(st.st["Resource"])
		known := []string{platform.PrefixBanks, platform.PrefixResults, platform.PrefixClips, platform.PrefixInsight, platform.PrefixImports}
		for _, p := range append(known, prefixes...) {
			if strings.Contains(j, `"/`+p+`*"`) && !slices.Contains(got, p) {
				got = append(got, p)
			}
		}
		if !slices.ContainsFunc(known, func(p string) bool { return strings.Contains(j, `/`+p) }) {
			t.Errorf("object access beyond the data bucket's prefixes: %s", j)
		}
	}
	sort.Strings(got)
	want := slices.Clone(prefixes)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Errorf("object prefixes %v, want %v", got, want)
	}
}

func TestTableIsThePlatformTable(t *testing.T) {
	s := synth(t).configured
	// GIVEN platform.Table WHEN synthesized THEN the one table matches it
	assert(t, "one table", func() { s.tpl.ResourceCountIs(jsii.String("AWS::DynamoDB::Table"), jsii.Number(1)) })
	_, r := s.byPath(t, "Table/Resource")
	p := props(r)
	if p["BillingMode"] != "PAY_PER_REQUEST" || jsonOf(p["PointInTimeRecoverySpecification"]) != `{"PointInTimeRecoveryEnabled":true}` {
		t.Errorf("billing %v, PITR %s: want on demand with point-in-time recovery", p["BillingMode"], jsonOf(p["PointInTimeRecoverySpecification"]))
	}
	if jsonOf(p["TimeToLiveSpecification"]) != jsonOf(map[string]any{"AttributeName": platform.Table.TTLAttribute, "Enabled": true}) {
		t.Errorf("TTL %s, want %s", jsonOf(p["TimeToLiveSpecification"]), platform.Table.TTLAttribute)
	}
	if got := jsonOf(p["StreamSpecification"]); got != `{"StreamViewType":"NEW_IMAGE"}` {
		t.Errorf("stream %s: want new images (the mailer reads the outbox from them)", got)
	}
	keySchema := func(pk, sk string) string {
		return jsonOf([]any{map[string]any{"AttributeName": pk, "KeyType": "HASH"}, map[string]any{"AttributeName": sk, "KeyType": "RANGE"}})
	}
	if jsonOf(p["KeySchema"]) != keySchema(platform.Table.PartitionKey, platform.Table.SortKey) {
		t.Errorf("key schema %s", jsonOf(p["KeySchema"]))
	}
	gsis, _ := p["GlobalSecondaryIndexes"].([]any)
	if len(gsis) != len(platform.Table.Indexes) {
		t.Fatalf("%d indexes, want %d", len(gsis), len(platform.Table.Indexes))
	}
	for i, ix := range platform.Table.Indexes {
		g := gsis[i].(map[string]any)
		proj := map[string]any{"ProjectionType": "KEYS_ONLY"}
		if len(ix.Projected) > 0 {
			proj = map[string]any{"ProjectionType": "INCLUDE", "NonKeyAttributes": ix.Projected}
		}
		if g["IndexName"] != ix.Name || jsonOf(g["KeySchema"]) != keySchema(ix.PartitionKey, ix.SortKey) || jsonOf(g["Projection"]) != jsonOf(proj) {
			t.Errorf("index %d = %s, want %+v", i, jsonOf(g), ix)
		}
	}
	// every key attribute is a string (the stores' key builders write strings,
	// the in-progress index's deadline too)
	types := map[string]any{}
	for _, d := range asSlice(p["AttributeDefinitions"]) {
		d := d.(map[string]any)
		types[d["AttributeName"].(string)] = d["AttributeType"]
	}
	want := map[string]any{platform.Table.PartitionKey: "S", platform.Table.SortKey: "S"}
	for _, ix := range platform.Table.Indexes {
		want[ix.PartitionKey], want[ix.SortKey] = "S", "S"
	}
	if jsonOf(types) != jsonOf(want) {
		t.Errorf("attribute definitions %s, want %s", jsonOf(types), jsonOf(want))
	}
	t.Run("papers in progress have their own sparse index, keys only", func(t *testing.T) {
		// GIVEN the in-progress index WHEN synthesized THEN it is keyed on
		// GSI3PK/GSI3SK and projects only the keys: autosaves, which change a
		// paper's answers, write nothing to it
		i := slices.IndexFunc(gsis, func(g any) bool { return g.(map[string]any)["IndexName"] == platform.IndexInProgress })
		if i < 0 {
			t.Fatalf("no index %s in %s", platform.IndexInProgress, jsonOf(gsis))
		}
		g := gsis[i].(map[string]any)
		if jsonOf(g["KeySchema"]) != keySchema(platform.AttrGSI3PK, platform.AttrGSI3SK) || jsonOf(g["Projection"]) != `{"ProjectionType":"KEYS_ONLY"}` {
			t.Errorf("index %s = %s, want keys %s/%s, KEYS_ONLY", platform.IndexInProgress, jsonOf(g), platform.AttrGSI3PK, platform.AttrGSI3SK)
		}
	})
}

func asSlice(v any) []any { s, _ := v.([]any); return s }

func TestScheduledFunctionsAreRetried(t *testing.T) {
	s := synth(t).configured
	configs := s.resources("AWS::Lambda::EventInvokeConfig")
	for _, f := range platform.Functions {
		t.Run(f.Name, func(t *testing.T) {
			// GIVEN a function WHEN synthesized THEN one that ticks has a failed
			// tick left to the next tick (no retry, no event older than a
			// tick), the others keep Lambda's defaults
			fnID, _ := s.function(t, f.Name)
			var found []map[string]any
			for _, r := range configs {
				p := props(r)
				if jsonOf(p["FunctionName"]) == jsonOf(map[string]any{"Ref": fnID}) {
					found = append(found, p)
				}
			}
			switch {
			case !f.Ticks && len(found) != 0:
				t.Errorf("async invoke config %v for a function without a tick", found)
			case f.Ticks && (len(found) != 1 || jsonOf(found[0]["MaximumRetryAttempts"]) != "0" || jsonOf(found[0]["MaximumEventAgeInSeconds"]) != "300"):
				t.Errorf("async invoke config %v, want no retry and events of at most 300 s", found)
			}
		})
	}
}

func TestTheStackSchedulesOneTickPerFunctionAndNoContest(t *testing.T) {
	s := synth(t).configured
	scheds := s.resources("AWS::Scheduler::Schedule")
	n := 0
	var tickARNs []string
	for _, f := range platform.Functions {
		if !f.Ticks {
			continue
		}
		n++
		fnID, _ := s.function(t, f.Name)
		tickARNs = append(tickARNs, jsonOf(map[string]any{"Fn::GetAtt": []any{fnID, "Arn"}}))
		t.Run(f.Name+" ticks every five minutes with the tick's event", func(t *testing.T) {
			_, r := s.byPath(t, constructID(f.Name)+"Tick/Resource")
			p := props(r)
			if p["ScheduleExpression"] != "rate(5 minutes)" || p["ScheduleExpression"] != platform.TickExpression() {
				t.Errorf("expression %v, want rate(5 minutes)", p["ScheduleExpression"])
			}
			target := p["Target"].(map[string]any)
			if jsonOf(target["Arn"]) != tickARNs[len(tickARNs)-1] {
				t.Errorf("target %s, want %s", jsonOf(target["Arn"]), fnID)
			}
			var ev struct {
				Source     string            `json:"source"`
				DetailType string            `json:"detail-type"`
				Detail     map[string]string `json:"detail"`
			}
			if err := json.Unmarshal([]byte(joined(target["Input"])), &ev); err != nil {
				t.Fatalf("input %s: %v", jsonOf(target["Input"]), err)
			}
			if ev.Source != "aws.scheduler" || ev.DetailType != "Scheduled Event" || jsonOf(ev.Detail) != `{"action":"tick"}` {
				t.Errorf("event %+v, want a Scheduled Event from aws.scheduler with the tick's detail and no contest", ev)
			}
		})
	}
	if len(scheds) != n || n != 2 {
		t.Errorf("%d schedules, want one tick for each of tally and remind", len(scheds))
	}
	t.Run("the schedules' role may invoke the ticking functions and nothing else", func(t *testing.T) {
		roles := map[string]bool{}
		for id, r := range s.resources("AWS::IAM::Role") {
			if strings.Contains(jsonOf(props(r)["AssumeRolePolicyDocument"]), "scheduler.amazonaws.com") {
				roles[id] = true
			}
		}
		if len(roles) == 0 {
			t.Fatal("no role for the schedules")
		}
		found := 0
		for _, r := range s.resources("AWS::IAM::Policy") {
			p := props(r)
			attached := false
			for _, role := range asSlice(p["Roles"]) {
				if ref, ok := role.(map[string]any)["Ref"].(string); ok && roles[ref] {
					attached = true
				}
			}
			if !attached {
				continue
			}
			for _, x := range asSlice(p["PolicyDocument"].(map[string]any)["Statement"]) {
				st := x.(map[string]any)
				found++
				if jsonOf(st["Action"]) != `"lambda:InvokeFunction"` || st["Effect"] != "Allow" {
					t.Errorf("statement %s, want lambda:InvokeFunction only", jsonOf(st))
				}
				for _, res := range asSlice(st["Resource"]) {
					if !slices.ContainsFunc(tickARNs, func(arn string) bool { return strings.Contains(jsonOf(res), arn) }) {
						t.Errorf("resource %s is not a ticking function", jsonOf(res))
					}
				}
			}
		}
		if found == 0 {
			t.Error("no statement for the schedules' role")
		}
	})
}

func TestTheDefaultContestScheduleIsThePlatformsSlots(t *testing.T) {
	if platform.TickEvery != time.Duration(contest.ScheduleLimits.TickMinutes)*time.Minute {
		t.Errorf("tick every %v, but the settings' limits say %d minutes", platform.TickEvery, contest.ScheduleLimits.TickMinutes)
	}
	def := contest.ScheduleLimits.Default
	for _, f := range platform.Functions {
		for _, sc := range f.Schedules {
			t.Run(f.Name+" "+sc.Name+" is the default contest schedule's", func(t *testing.T) {
				switch sc.Action {
				case "tally":
					if sc.Weekday != time.Monday || sc.Hour*60+sc.Minute != def.TallyAfterMinutes {
						t.Errorf("%+v, want Monday %d minutes after midnight", sc, def.TallyAfterMinutes)
					}
				case "remind":
					i := slices.IndexFunc(def.Reminders, func(r contest.ReminderSlot) bool { return r.Name == sc.Name })
					if i < 0 || def.Reminders[i].Weekday != sc.Weekday || def.Reminders[i].Time != fmt.Sprintf("%02d:%02d", sc.Hour, sc.Minute) || def.Reminders[i].Audience != sc.Audience {
						t.Errorf("%+v, not among %+v", sc, def.Reminders)
					}
				}
			})
		}
	}
}

// joined renders an Fn::Join of strings and references as text (references
// become "REF"), to read JSON the template builds at deploy time.
func joined(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case map[string]any:
		if j, ok := v["Fn::Join"].([]any); ok {
			var parts []string
			for _, p := range j[1].([]any) {
				parts = append(parts, joined(p))
			}
			return strings.Join(parts, j[0].(string))
		}
	}
	return "REF"
}

func TestObjectNotificationsReachTheirFunction(t *testing.T) {
	s := synth(t).configured
	configs := ""
	for _, r := range s.resources("Custom::S3BucketNotifications") {
		configs += jsonOf(props(r)["NotificationConfiguration"])
	}
	n := 0
	for _, f := range platform.Functions {
		prefix := Grants[f.Name].ObjectCreated
		if prefix == "" {
			continue
		}
		n++
		t.Run(f.Name+" is notified of objects created under "+prefix, func(t *testing.T) {
			// GIVEN the function's ObjectCreated prefix WHEN synthesized
			// THEN the data bucket notifies it, for that prefix only
			fnID, _ := s.function(t, f.Name)
			want := jsonOf(map[string]any{
				"Events":            []any{"s3:ObjectCreated:*"},
				"Filter":            map[string]any{"Key": map[string]any{"FilterRules": []any{map[string]any{"Name": "prefix", "Value": prefix}}}},
				"LambdaFunctionArn": map[string]any{"Fn::GetAtt": []any{fnID, "Arn"}},
			})
			if !strings.Contains(configs, want) {
				t.Errorf("notifications %s lack %s", configs, want)
			}
		})
	}
	if got := strings.Count(configs, "LambdaFunctionArn"); got != n {
		t.Errorf("%d notification targets, want %d", got, n)
	}
}

func TestAlarmsGoToTheTopic(t *testing.T) {
	s := synth(t).configured
	topicID, _ := s.byPath(t, "Alarms/Resource")
	alarms := s.resources("AWS::CloudWatch::Alarm")
	find := func(metric string, dims map[string]any) bool {
		for _, a := range alarms {
			p := props(a)
			if !strings.Contains(jsonOf(p["AlarmActions"]), topicID) {
				continue
			}
			if p["MetricName"] == metric && strings.Contains(jsonOf(p["Dimensions"]), jsonOf(dims)[1:len(jsonOf(dims))-1]) {
				return true
			}
			if strings.Contains(jsonOf(p["Metrics"]), `"MetricName":"`+metric+`"`) {
				return true
			}
		}
		return false
	}
	for _, f := range platform.Functions {
		fnID, _ := s.function(t, f.Name)
		for _, metric := range []string{"Errors", "Throttles"} {
			t.Run(f.Name+" "+metric+" alarm", func(t *testing.T) {
				// GIVEN the function WHEN synthesized THEN an alarm on its metric notifies the topic
				if !find(metric, map[string]any{"Name": "FunctionName", "Value": map[string]any{"Ref": fnID}}) {
					t.Errorf("no %s alarm for %s to the topic", metric, f.Name)
				}
			})
		}
	}
	t.Run("sign-in budget alarm", func(t *testing.T) {
		// GIVEN the auth function WHEN synthesized THEN its log group counts the
		// contest's budget refusals as a metric, and an alarm on it notifies the topic
		_, p := s.function(t, "auth")
		logGroup := p["LoggingConfig"].(map[string]any)["LogGroup"].(map[string]any)["Ref"].(string)
		found := false
		for _, f := range s.resources("AWS::Logs::MetricFilter") {
			p := props(f)
			pattern, _ := p["FilterPattern"].(string)
			if jsonOf(p["LogGroupName"]) == jsonOf(map[string]any{"Ref": logGroup}) && strings.Contains(pattern, `$.message = "`+platform.LogSigninBudget+`"`) &&
				strings.Contains(pattern, `$.limit = "contest"`) && strings.Contains(jsonOf(p["MetricTransformations"]), `"MetricName":"`+signinBudgetMetric+`"`) {
				found = true
			}
		}
		if !found {
			t.Fatal("no metric filter on the auth function's log group for the contest's sign-in budget")
		}
		if !find(signinBudgetMetric, nil) {
			t.Error("no alarm on " + signinBudgetMetric + " to the topic")
		}
	})
	t.Run("the outbox's dead letters and delay raise alarms", func(t *testing.T) {
		// GIVEN the mailer's dead-letter queue WHEN synthesized THEN alarms on its
		// messages and on the mailer's iterator age (the queue's delay) notify the topic
		if !find("ApproximateNumberOfMessagesVisible", map[string]any{"Name": "QueueName"}) {
			t.Error("no alarm on the mailer's dead-letter queue")
		}
		fnID, _ := s.function(t, "mailer")
		if !find("IteratorAge", map[string]any{"Name": "FunctionName", "Value": map[string]any{"Ref": fnID}}) {
			t.Error("no alarm on the mailer's iterator age")
		}
	})
	t.Run("DynamoDB throttling alarm", func(t *testing.T) {
		// GIVEN the table WHEN synthesized THEN an alarm on its throttled requests notifies the topic
		if !find("ThrottledRequests", nil) {
			t.Error("no alarm on the table's ThrottledRequests")
		}
	})
	t.Run("the alarm e-mail is subscribed", func(t *testing.T) {
		// GIVEN -c alarmEmail WHEN synthesized THEN the topic has that e-mail subscription
		assert(t, "subscription", func() {
			s.tpl.HasResourceProperties(jsii.String("AWS::SNS::Subscription"), &map[string]any{
				"Protocol": jsii.String("email"), "Endpoint": jsii.String("ops@example.gov.vn"),
			})
		})
	})
}

func TestSAMFindsEachFunctionsCode(t *testing.T) {
	all := synth(t)
	s := all.configured
	for _, f := range platform.Functions {
		t.Run(f.Name+" keeps aws:asset:path and aws:asset:property", func(t *testing.T) {
			// GIVEN a function from a bootstrap folder WHEN synthesized
			_, r := s.byPath(t, constructID(f.Name)+"Function/Resource")
			md := r["Metadata"].(map[string]any)
			// THEN the metadata names the staged folder and the property it fills
			if md["aws:asset:property"] != "Code" {
				t.Errorf("aws:asset:property = %v, want Code", md["aws:asset:property"])
			}
			p, _ := md["aws:asset:path"].(string)
			if p == "" {
				t.Fatalf("no aws:asset:path in %v", md)
			}
			if _, err := os.Stat(filepath.Join(all.outdir, p, "bootstrap")); err != nil {
				t.Errorf("the staged asset has no bootstrap: %v", err)
			}
		})
	}
}

func TestSiteServesWebAndTheGeneratedConfig(t *testing.T) {
	all := synth(t)
	s := all.configured
	t.Run("CloudFront reaches both buckets through origin access control only", func(t *testing.T) {
		// GIVEN the site WHEN synthesized THEN every origin uses OAC, viewers are sent to HTTPS
		_, d := s.byPath(t, "Site/Resource")
		cfg := props(d)["DistributionConfig"].(map[string]any)
		for _, o := range cfg["Origins"].([]any) {
			o := o.(map[string]any)
			if o["OriginAccessControlId"] == nil || strings.Contains(jsonOf(o), "OriginAccessIdentity\":\"origin-access-identity") {
				t.Errorf("origin %s without OAC", jsonOf(o))
			}
		}
		if got := jsonOf(cfg["DefaultCacheBehavior"]); !strings.Contains(got, `"ViewerProtocolPolicy":"redirect-to-https"`) {
			t.Errorf("default behavior %s", got)
		}
		if got := jsonOf(cfg["CacheBehaviors"]); !strings.Contains(got, `"PathPattern":"/`+platform.PrefixResults+`*"`) {
			t.Errorf("no /%s* behavior: %s", platform.PrefixResults, got)
		}
	})
	t.Run("config.js names every function URL and the contest", func(t *testing.T) {
		// GIVEN a web folder WHEN synthesized THEN the deployment writes config.js with the URLs
		deps := s.resources("Custom::CDKBucketDeployment")
		if len(deps) != 1 {
			t.Fatalf("%d site deployments, want 1", len(deps))
		}
		for _, d := range deps {
			markers := jsonOf(props(d)["SourceMarkers"])
			for _, f := range platform.Functions {
				if !f.HasURL {
					continue
				}
				urlID, _ := s.byPath(t, constructID(f.Name)+"Function/FunctionUrl/Resource")
				if !strings.Contains(markers, `\"`+f.Name+`\":\"`) || !strings.Contains(markers, `"Fn::GetAtt":["`+urlID+`","FunctionUrl"]`) {
					t.Errorf("config.js lacks the %s URL: %s", f.Name, markers)
				}
			}
			if !strings.Contains(markers, `\"contest\":\"`+testContest+`\"`) {
				t.Errorf("config.js lacks the contest: %s", markers)
			}
		}
	})
	t.Run("the site's files are deployed, its tests and README are not", func(t *testing.T) {
		// GIVEN a web folder with tests and a README WHEN synthesized THEN the staged site has neither
		staged, _ := filepath.Glob(filepath.Join(all.outdir, "asset.*", "index.html"))
		if len(staged) != 1 {
			t.Fatalf("%d staged site folders, want 1: %v", len(staged), staged)
		}
		dir := filepath.Dir(staged[0])
		if _, err := os.Stat(filepath.Join(dir, "embed", "banner.html")); err != nil {
			t.Errorf("the banner is not deployed: %v", err)
		}
		for _, gone := range []string{"README.md", "tests"} {
			if _, err := os.Stat(filepath.Join(dir, gone)); err == nil {
				t.Errorf("%s is deployed with the site", gone)
			}
		}
	})
	t.Run("without a web folder nothing is deployed", func(t *testing.T) {
		// GIVEN no web folder WHEN synthesized THEN there is no site deployment
		if n := len(all.defaults.resources("Custom::CDKBucketDeployment")); n != 0 {
			t.Errorf("%d site deployments without a web folder", n)
		}
	})
}

// Managed CloudFront policies, by the ids the template names them with.
const (
	managedCachingOptimized    = "658327ea-f89d-4fab-a63d-7e88639e58f6"
	managedSecurityHeaders     = "67f7725c-6f97-4210-82d7-5512b31e9d03" // X-Frame-Options SAMEORIGIN among others
	managedCORSAllowAllOrigins = "60669652-455b-4ae9-85a4-c4c02393f86c"
)

func TestOnlyTheEmbedBannerMayBeFramedByOtherSites(t *testing.T) {
	all := synth(t)
	for _, c := range []struct {
		name string
		s    *stackUnderTest
	}{{"configured", all.configured}, {"defaults", all.defaults}} {
		name, s := c.name, c.s
		_, d := s.byPath(t, "Site/Resource")
		cfg := props(d)["DistributionConfig"].(map[string]any)
		def := cfg["DefaultCacheBehavior"].(map[string]any)
		behavior := func(t *testing.T, pattern string) map[string]any {
			t.Helper()
			for _, b := range cfg["CacheBehaviors"].([]any) {
				if b := b.(map[string]any); b["PathPattern"] == pattern {
					return b
				}
			}
			t.Fatalf("no %s behavior in %s", pattern, jsonOf(cfg["CacheBehaviors"]))
			return nil
		}
		t.Run(name+": /embed/* is served from the site bucket with frame-ancestors * and no X-Frame-Options", func(t *testing.T) {
			// GIVEN the banner under web/embed/ WHEN the stack is synthesized
			b := behavior(t, "/"+embedPrefix+"*")
			// THEN its behavior reads the site bucket through the default behavior's origin, cached and compressed over HTTPS
			if b["TargetOriginId"] != def["TargetOriginId"] || b["ViewerProtocolPolicy"] != "redirect-to-https" ||
				b["CachePolicyId"] != managedCachingOptimized || b["Compress"] != true {
				t.Errorf("behavior %s, want origin %v, redirect-to-https, CachingOptimized, compressed", jsonOf(b), def["TargetOriginId"])
			}
			// AND its response headers policy is the stack's own: CSP frame-ancestors *, no X-Frame-Options
			ref, _ := b["ResponseHeadersPolicyId"].(map[string]any)
			policyID, _ := ref["Ref"].(string)
			policy := s.resources("AWS::CloudFront::ResponseHeadersPolicy")[policyID]
			if policy == nil {
				t.Fatalf("ResponseHeadersPolicyId %s is not a response headers policy of the stack", jsonOf(b["ResponseHeadersPolicyId"]))
			}
			sec, _ := props(policy)["ResponseHeadersPolicyConfig"].(map[string]any)["SecurityHeadersConfig"].(map[string]any)
			csp, _ := sec["ContentSecurityPolicy"].(map[string]any)
			if v, _ := csp["ContentSecurityPolicy"].(string); !strings.Contains(v, "frame-ancestors *") || csp["Override"] != true {
				t.Errorf("Content-Security-Policy %s, want frame-ancestors * (override)", jsonOf(csp))
			}
			if sec["FrameOptions"] != nil {
				t.Errorf("X-Frame-Options %s is sent: other sites could not frame the banner", jsonOf(sec["FrameOptions"]))
			}
			// AND the other security headers of the managed policy are kept
			assert(t, "embed headers policy", func() {
				s.tpl.HasResourceProperties(jsii.String("AWS::CloudFront::ResponseHeadersPolicy"), &map[string]any{
					"ResponseHeadersPolicyConfig": assertions.Match_ObjectLike(&map[string]any{
						"SecurityHeadersConfig": assertions.Match_ObjectLike(&map[string]any{
							"StrictTransportSecurity": &map[string]any{"AccessControlMaxAgeSec": jsii.Number(31536000), "IncludeSubdomains": jsii.Bool(true), "Override": jsii.Bool(true)},
							"ContentTypeOptions":      &map[string]any{"Override": jsii.Bool(true)},
							"ReferrerPolicy":          &map[string]any{"ReferrerPolicy": jsii.String("strict-origin-when-cross-origin"), "Override": jsii.Bool(true)},
							"FrameOptions":            assertions.Match_Absent(),
						}),
					}),
				})
			})
		})
		t.Run(name+": the rest of the site keeps the managed SecurityHeadersPolicy (SAMEORIGIN)", func(t *testing.T) {
			// GIVEN the sign-in and quiz pages WHEN synthesized THEN the default behavior still uses the managed policy
			if def["ResponseHeadersPolicyId"] != managedSecurityHeaders {
				t.Errorf("default behavior's response headers policy %s, want the managed SecurityHeadersPolicy %s", jsonOf(def["ResponseHeadersPolicyId"]), managedSecurityHeaders)
			}
		})
		t.Run(name+": /results/* is unchanged", func(t *testing.T) {
			// GIVEN the published results WHEN synthesized THEN their behavior reads the data bucket's origin, with CORS for every origin
			b := behavior(t, "/"+platform.PrefixResults+"*")
			siteID, _ := s.byPath(t, "SiteBucket/Resource")
			var dataOrigin any
			for _, o := range cfg["Origins"].([]any) {
				if o := o.(map[string]any); !strings.Contains(jsonOf(o["DomainName"]), siteID) {
					dataOrigin = o["Id"]
				}
			}
			want := map[string]any{
				"CachePolicyId": managedCachingOptimized, "Compress": true, "PathPattern": "/" + platform.PrefixResults + "*",
				"ResponseHeadersPolicyId": managedCORSAllowAllOrigins, "TargetOriginId": dataOrigin, "ViewerProtocolPolicy": "redirect-to-https",
			}
			if jsonOf(b) != jsonOf(want) {
				t.Errorf("behavior %s, want %s", jsonOf(b), jsonOf(want))
			}
		})
		t.Run(name+": the site bucket keeps one origin and one origin access control", func(t *testing.T) {
			// GIVEN /embed/* on the default behavior's origin WHEN synthesized
			// THEN there are two origins (site, results), two OACs and one CloudFront statement on the site bucket
			if n := len(cfg["Origins"].([]any)); n != 2 {
				t.Errorf("%d origins, want 2 (site bucket, published results)", n)
			}
			if n := len(s.resources("AWS::CloudFront::OriginAccessControl")); n != 2 {
				t.Errorf("%d origin access controls, want 2", n)
			}
			siteID, _ := s.byPath(t, "SiteBucket/Resource")
			n := 0
			for _, pol := range s.resources("AWS::S3::BucketPolicy") {
				if jsonOf(props(pol)["Bucket"]) != jsonOf(map[string]any{"Ref": siteID}) {
					continue
				}
				for _, st := range props(pol)["PolicyDocument"].(map[string]any)["Statement"].([]any) {
					if strings.Contains(jsonOf(st.(map[string]any)["Principal"]), "cloudfront.amazonaws.com") {
						n++
					}
				}
			}
			if n != 1 {
				t.Errorf("%d CloudFront statements on the site bucket's policy, want 1", n)
			}
		})
	}
}

func TestOutputsNameEveryURLAndResource(t *testing.T) {
	// GIVEN the configured stack WHEN synthesized THEN the outputs name every URL and resource
	s := synth(t).configured
	outs := s.doc["Outputs"].(map[string]any)
	want := []string{"SiteURL", "SiteOrigin", "TableName", "DataBucketName", "SiteBucketName", "TokenSecretArn", "AlarmTopicArn"}
	for _, f := range platform.Functions {
		want = append(want, constructID(f.Name)+"FunctionName")
		if f.HasURL {
			want = append(want, constructID(f.Name)+"FunctionURL")
		}
	}
	for _, k := range want {
		if outs[k] == nil {
			t.Errorf("no output %s", k)
		}
	}
	if got := outs["SiteOrigin"].(map[string]any)["Value"]; got != testOrigin {
		t.Errorf("SiteOrigin = %v, want %s", got, testOrigin)
	}
}

func TestSettingsAreChecked(t *testing.T) {
	assets := t.TempDir()
	for _, f := range platform.Functions {
		os.MkdirAll(filepath.Join(assets, f.Name), 0o755)
		os.WriteFile(filepath.Join(assets, f.Name, "bootstrap"), nil, 0o755)
	}
	good := Settings{AssetRoot: assets, ContestID: "demo", MailFrom: DefaultMailFrom, GraceSeconds: 60, MailRate: 8}
	cases := []struct {
		name string
		edit func(*Settings)
		ok   bool
	}{
		{"the defaults pass", func(*Settings) {}, true},
		{"an https origin passes", func(s *Settings) { s.SiteOrigin = "https://hoithi.hue.gov.vn" }, true},
		{"an origin with a path fails", func(s *Settings) { s.SiteOrigin = "https://hue.gov.vn/hoithi" }, false},
		{"bucket origins of https sites pass", func(s *Settings) { s.BucketOrigins = []string{"https://thi.hue.gov.vn", "https://thi.qt.gov.vn"} }, true},
		{"a plain http bucket origin fails", func(s *Settings) { s.BucketOrigins = []string{"http://thi.hue.gov.vn"} }, false},
		{"an origin without a scheme fails", func(s *Settings) { s.SiteOrigin = "hoithi.hue.gov.vn" }, false},
		{"a custom domain without its certificate fails", func(s *Settings) { s.SiteDomain = "hoithi.hue.gov.vn" }, false},
		{"a display name in mailFrom fails", func(s *Settings) { s.MailFrom = "HoiThi <no-reply@hue.gov.vn>" }, false},
		{"a grace over an hour fails", func(s *Settings) { s.GraceSeconds = 3601 }, false},
		{"no mail rate fails", func(s *Settings) { s.MailRate = 0 }, false},
		{"clip settings within the clips function's rules pass", func(s *Settings) {
			s.FunctionEnv = map[string]string{platform.EnvClipQuota: "5", platform.EnvClipCriteria: testClipCriteria}
		}, true},
		{"a clip quota of 0 fails", func(s *Settings) { s.FunctionEnv = map[string]string{platform.EnvClipQuota: "0"} }, false},
		{"clip criteria with capitals fail", func(s *Settings) { s.FunctionEnv = map[string]string{platform.EnvClipCriteria: "NoiDung:Nội dung"} }, false},
		{"a mail rate over 1000 a second fails", func(s *Settings) { s.MailRate = 1001 }, false},
		{"a contest id with # fails", func(s *Settings) { s.ContestID = "a#b" }, false},
		{"a missing bootstrap fails", func(s *Settings) { s.AssetRoot = t.TempDir() }, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// GIVEN good settings with one change WHEN checked THEN only valid ones pass
			s := good
			c.edit(&s)
			if err := s.Check(); (err == nil) != c.ok {
				t.Errorf("Check() = %v, want ok=%v", err, c.ok)
			}
		})
	}
}

func TestTheMailerReadsTheOutboxFromTheStream(t *testing.T) {
	s := synth(t).configured
	fnID, _ := s.function(t, "mailer")
	maps := s.resources("AWS::Lambda::EventSourceMapping")
	// GIVEN shared/platform's mailer WHEN synthesized THEN two mappings feed
	// it the table's stream, as platform.MailerStream (codes) and
	// MailerReminderStream (reminders) say
	var mine []map[string]any
	for _, m := range maps {
		if jsonOf(props(m)["FunctionName"]) == jsonOf(map[string]any{"Ref": fnID}) {
			mine = append(mine, props(m))
		}
	}
	if len(mine) != 2 {
		t.Fatalf("%d event source mappings for the mailer among %d, want 2", len(mine), len(maps))
	}
	tableID, _ := s.byPath(t, "Table/Resource")
	for _, want := range []platform.StreamSource{platform.MailerStream, platform.MailerReminderStream} {
		var p map[string]any
		for _, m := range mine {
			if strings.Contains(jsonOf(m["FilterCriteria"]), `{\"prefix\":\"`+want.SortKeyPrefix+`\"}`) {
				p = m
			}
		}
		if p == nil {
			t.Fatalf("no mailer mapping filters sort keys %q: %s", want.SortKeyPrefix, jsonOf(mine))
		}
		checkMailerMapping(t, want, p, tableID)
	}
	t.Run("auth sends no e-mail itself", func(t *testing.T) {
		if got := s.actionsOf(t, "auth"); len(got["ses:SendEmail"]) > 0 || len(got["ses:SendRawEmail"]) > 0 {
			t.Error("auth may still send through SES")
		}
	})
}

// checkMailerMapping checks one of the mailer's mappings p against want.
func checkMailerMapping(t *testing.T, want platform.StreamSource, p map[string]any, tableID string) {
	t.Helper()
	for _, c := range []struct {
		name string
		ok   bool
	}{
		{"it reads the table's stream from its start", strings.Contains(jsonOf(p["EventSourceArn"]), tableID) && strings.Contains(jsonOf(p["EventSourceArn"]), "StreamArn") && p["StartingPosition"] == "TRIM_HORIZON"},
		{"its batches have the platform's size", p["BatchSize"] == float64(want.BatchSize)},
		{"failed batches are halved", p["BisectBatchOnFunctionError"] == want.Bisect},
		{"retries are bounded", p["MaximumRetryAttempts"] == float64(want.MaxRetries) && p["MaximumRecordAgeInSeconds"] == want.MaxRecordAge.Seconds()},
		{"the mailer reports partial batch failures", jsonOf(p["FunctionResponseTypes"]) == `["ReportBatchItemFailures"]`},
		{"one batch per shard at a time keeps the order", p["ParallelizationFactor"] == float64(1)},
		{"what is given up goes to the dead-letter queue", strings.Contains(jsonOf(p["DestinationConfig"]), "OnFailure") && strings.Contains(jsonOf(p["DestinationConfig"]), "DeadLetters")},
		{"only outbox inserts invoke it", strings.Contains(jsonOf(p["FilterCriteria"]), `{\"prefix\":\"`+want.KeyPrefix+`\"}`) && strings.Contains(jsonOf(p["FilterCriteria"]), `\"eventName\":[\"INSERT\"]`)},
	} {
		t.Run(want.SortKeyPrefix+" items: "+c.name, func(t *testing.T) {
			if !c.ok {
				t.Errorf("mapping %s", jsonOf(p))
			}
		})
	}
}
