package main

import (
	"path/filepath"
	"strconv"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdaeventsources"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3notifications"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsscheduler"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsschedulertargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/jsii-runtime-go"

	"github.com/hoithi/hoithi/shared/platform"
)

// tableAccess is how much of the table a function may touch.
type tableAccess int

const (
	noTable tableAccess = iota
	// readTable: GetItem, Query, Scan… on the table and its indexes.
	readTable
	// readWriteTable: readTable plus PutItem, UpdateItem, DeleteItem, BatchWriteItem.
	readWriteTable
)

// Access is what one function may do; nothing else is granted.
type Access struct {
	Table tableAccess
	// PaperWrites are DynamoDB actions (besides Table) allowed on paper items
	// only: their partition keys, C#<contest>#R#<round>#P#<participant>.
	PaperWrites []string
	// ClaimWrites are DynamoDB actions (besides Table) allowed on reminder
	// claims only: C#<contest>#R#<round>#REMIND#<slot>.
	ClaimWrites []string
	// PracticeWrites are DynamoDB actions (besides Table) allowed on the
	// practice counts and the practice budgets only.
	PracticeWrites []string
	// OutboxActions are DynamoDB actions (besides Table) allowed on outbox
	// items and the SES rate's bucket only: MAILQ#….
	OutboxActions []string
	// ReadPrefixes, WritePrefixes and DeletePrefixes are data-bucket
	// prefixes (platform.Prefix*) the function may get objects from (and
	// presign downloads for), put objects under (and presign uploads for), or
	// delete objects under.
	ReadPrefixes, WritePrefixes, DeletePrefixes []string
	// Multipart: also abort and list the parts of multipart uploads under
	// WritePrefixes.
	Multipart bool
	// ListBucket lets the function list the data bucket's keys, so that S3
	// answers 404 rather than 403 for a missing object it may read.
	ListBucket bool
	// BucketCORS lets the function set the data bucket's CORS rule
	// (s3:PutBucketCORS on the data bucket only), with the deploy's
	// bucketOrigins in its environment (BUCKET_ORIGINS): a contest's new
	// origin needs no redeploy.
	BucketCORS bool
	// TokenKey: reads the signing key (TOKEN_SECRET_ARN is set).
	TokenKey bool
	// SendMail: sends as Settings.MailFrom through SES (MAIL_FROM is set).
	SendMail bool
	// QueueMail: queues e-mails for the mailer, paced at the SES rate's
	// share it is given (MAIL_RATE is set).
	QueueMail bool
	// MailLimits: shows and checks the contests' mail settings against the
	// deployment's rate and sending domains (MAIL_RATE and MAIL_DOMAINS are
	// set); sends nothing.
	MailLimits bool
	// ObjectCreated, if set, is a data-bucket prefix whose ObjectCreated
	// notifications invoke the function.
	ObjectCreated string
	// AuditAppendOnly denies the function UpdateItem, DeleteItem and
	// BatchWriteItem on audit partitions (C#<contest>#AUDIT), whatever Table
	// allows: it appends entries (a conditional PutItem) and cannot change them.
	AuditAppendOnly bool
}

// Grants says, per function name, what each function may touch: the one place
// to read to review the stack's permissions. A function of platform.Functions
// without an entry gets nothing but its logs (and the stack test fails).
var Grants = map[string]Access{
	// Auth queues each code's e-mail in the outbox (in the table): it sends
	// nothing itself.
	"auth": {Table: readWriteTable, TokenKey: true},
	// The mailer reads the outbox from the table's stream (the event source
	// mapping's own grant), claims and finishes each request, paces itself
	// with the SES rate's bucket, and sends: nothing else of the table.
	"mailer": {OutboxActions: []string{"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"}, SendMail: true,
		// and counts a reminder run's e-mails sent in its progress item
		ClaimWrites: []string{"dynamodb:UpdateItem"}},
	// Quiz starts papers and closes overdue ones when their owner comes back.
	// It counts practice answers (anonymously) and keeps each requester's
	// practice budget.
	"quiz": {Table: readTable, PaperWrites: []string{"dynamodb:PutItem", "dynamodb:UpdateItem"},
		PracticeWrites: []string{"dynamodb:PutItem", "dynamodb:UpdateItem"},
		ReadPrefixes:   []string{platform.PrefixBanks}, TokenKey: true},
	"grade": {Table: readWriteTable, TokenKey: true},
	// The tally reads papers and rosters and marks rounds published; it reads
	// and writes published results (it reads the previous units.json, which
	// may be missing) and the organisers' statistics, and reads banks (the
	// statistics' question texts).
	"tally": {Table: readWriteTable, ReadPrefixes: []string{platform.PrefixResults, platform.PrefixInsight, platform.PrefixBanks},
		WritePrefixes: []string{platform.PrefixResults, platform.PrefixInsight},
		ListBucket:    true, TokenKey: true, AuditAppendOnly: true},
	// Units reads rosters, units, rounds and papers for a unit's page, and
	// closes overdue papers on the way (someone who left has taken part);
	// nothing else of the table, no bucket.
	"units": {Table: readTable, PaperWrites: []string{"dynamodb:UpdateItem"}, TokenKey: true},
	// Remind reads rosters and papers, closes overdue papers (someone who
	// left has taken part), writes a run's progress and jobs (batch writes)
	// and each reminder's claim (one item per person, round and slot) in its
	// slot's claims partition, and queues the e-mails in the outbox, paced by
	// its bucket there; it sends nothing itself. No bucket, no token key.
	"remind": {Table: readTable, PaperWrites: []string{"dynamodb:UpdateItem"},
		ClaimWrites:   []string{"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem"},
		OutboxActions: []string{"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"}, QueueMail: true},
	// Clips presigns uploads (POST and multipart) and downloads under clips/,
	// checks each upload on its ObjectCreated notification (reads it, deletes
	// what fails) and keeps clips and jury scores in the table.
	"clips": {Table: readWriteTable, ReadPrefixes: []string{platform.PrefixClips}, WritePrefixes: []string{platform.PrefixClips, platform.PrefixResults + "*/clips/"},
		DeletePrefixes: []string{platform.PrefixClips}, Multipart: true, ListBucket: true, TokenKey: true,
		ObjectCreated: platform.PrefixClips},
	// The organiser console replaces units and rosters (batch writes and
	// deletes of versions), writes rounds, reads and uploads banks, presigns
	// the PUT of a large import file under imports/ (and reads and deletes
	// it), appends to the audit log, which it may not change, and sets the
	// data bucket's CORS rule when a contest's origins change.
	"admin": {Table: readWriteTable, ReadPrefixes: []string{platform.PrefixBanks, platform.PrefixImports},
		WritePrefixes: []string{platform.PrefixBanks, platform.PrefixImports}, DeletePrefixes: []string{platform.PrefixImports},
		ListBucket: true, BucketCORS: true, TokenKey: true, AuditAppendOnly: true, MailLimits: true},
}

// auditPartitions matches the partition keys of audit entries.
const auditPartitions = "C#*#AUDIT"

// auditChanges are the writes that could change or remove an audit entry.
var auditChanges = []string{"dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}

// paperPartitions matches the partition keys of paper items (see
// docs/data-model.md), the only items the quiz function writes.
const paperPartitions = "C#*#R#*#P#*"

// reminderPartitions matches the partition keys of reminder claims.
const reminderPartitions = "C#*#R#*#REMIND#*"

// practicePartitions match the practice answers' anonymous counts and the
// requesters' practice budgets (signin.PracticeBudget).
var practicePartitions = []string{"C#*#PRACTICE#*", "C#*#LIMIT#practice#*"}

// outboxPartitions matches the outbox's partition keys (and its bucket's).
const outboxPartitions = platform.OutboxPrefix + "*"

// constructID is a function's name as a construct id: "auth" → "Auth"
// (AuthFunction is what `sam local invoke` is given).
func constructID(name string) string {
	return strings.ToUpper(name[:1]) + name[1:]
}

// mappingID is a stream mapping's name (platform.MappingName) as a
// construct id: "remind" → "Remind", "mailer-reminders" → "MailerReminders".
func mappingID(name string) string {
	var b strings.Builder
	for _, part := range strings.Split(name, "-") {
		b.WriteString(constructID(part))
	}
	return b.String()
}

// addFunction is the one helper every function goes through: provided.al2023
// on arm64, the `bootstrap` that make build puts in <assetRoot>/<name>/,
// memory, timeout and reserved concurrency (a cap against denial of wallet)
// from shared/platform, JSON logs kept a month, resource names by environment,
// its grants, and its function URL (streaming; the function answers CORS).
func (h *HoiThi) addFunction(f platform.Function) awslambda.Function {
	id := constructID(f.Name)
	access, known := Grants[f.Name]
	if !known {
		awscdk.Annotations_Of(h.Stack).AddWarningV2(jsii.String("hoithi:no-grants"),
			jsii.String("function "+f.Name+" has no entry in Grants (infra/functions.go): it can reach nothing but its logs"), nil)
	}

	env := map[string]*string{
		platform.EnvTable:        h.Table.TableName(),
		platform.EnvBucket:       h.DataBucket.BucketName(),
		platform.EnvContest:      jsii.String(h.Settings.ContestID),
		platform.EnvGraceSeconds: jsii.String(strconv.Itoa(h.Settings.GraceSeconds)),
		platform.EnvSiteURL:      jsii.String(h.SiteOrigin),
	}
	if access.TokenKey {
		// The ARN, never the value: the function reads the secret once per container.
		env[platform.EnvTokenSecretARN] = h.TokenSecret.SecretArn()
	}
	if access.SendMail {
		env[platform.EnvMailFrom] = jsii.String(h.Settings.MailFrom)
	}
	if access.SendMail || access.QueueMail || access.MailLimits {
		env[platform.EnvMailRate] = jsii.String(strconv.Itoa(h.Settings.MailRate))
	}
	if access.BucketCORS {
		env[platform.EnvBucketOrigins] = jsii.String(strings.Join(h.Settings.BucketOrigins, ","))
	}
	if access.SendMail || access.MailLimits {
		env[platform.EnvMailDomains] = jsii.String(strings.Join(h.Settings.sendingDomains(), ","))
	}
	for _, fs := range functionSettings {
		if v, set := h.Settings.FunctionEnv[fs.Env]; set && fs.Function == f.Name {
			env[fs.Env] = jsii.String(v)
		}
	}

	logs := awslogs.NewLogGroup(h.Stack, jsii.String(id+"Logs"), &awslogs.LogGroupProps{
		Retention:     awslogs.RetentionDays_ONE_MONTH,
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	fn := awslambda.NewFunction(h.Stack, jsii.String(id+"Function"), &awslambda.FunctionProps{
		Description:                  jsii.String("HoiThi " + f.Name + ": " + f.Describes),
		Runtime:                      awslambda.Runtime_PROVIDED_AL2023(),
		Architecture:                 awslambda.Architecture_ARM_64(),
		Handler:                      jsii.String("bootstrap"),
		Code:                         awslambda.Code_FromAsset(jsii.String(filepath.Join(h.Settings.AssetRoot, f.Name)), nil),
		MemorySize:                   jsii.Number(f.MemoryMB),
		Timeout:                      awscdk.Duration_Seconds(jsii.Number(f.Timeout.Seconds())),
		ReservedConcurrentExecutions: jsii.Number(f.Reserved),
		LoggingFormat:                awslambda.LoggingFormat_JSON,
		LogGroup:                     logs,
		Environment:                  &env,
		EphemeralStorageSize:         ephemeral(f),
	})
	h.Functions[f.Name] = fn
	h.grant(fn, access)
	for _, s := range f.Streams {
		h.streamSource(f, s, fn)
	}
	if access.ObjectCreated != "" {
		h.DataBucket.AddEventNotification(awss3.EventType_OBJECT_CREATED, awss3notifications.NewLambdaDestination(fn),
			&awss3.NotificationKeyFilter{Prefix: jsii.String(access.ObjectCreated)})
	}

	if f.HasURL {
		// No CORS configuration on the URL: the function answers CORS itself
		// (shared/app), for the site origin (SITE_URL) and every contest's own
		// origins from the contests' registry, so a contest's new site needs
		// no redeploy; preflights reach the function.
		h.URLs[f.Name] = fn.AddFunctionUrl(&awslambda.FunctionUrlOptions{
			AuthType:   awslambda.FunctionUrlAuthType_NONE, // the functions check tokens themselves
			InvokeMode: awslambda.InvokeMode_RESPONSE_STREAM,
		})
	}
	return fn
}

// grant turns an Access into policy statements on the function's role, with
// named actions only (no wildcards) on the narrowest resources.
func (h *HoiThi) grant(fn awslambda.Function, a Access) {
	switch a.Table {
	case readTable:
		h.Table.GrantReadData(fn)
	case readWriteTable:
		h.Table.GrantReadWriteData(fn)
	}
	for _, w := range []struct {
		sid        string
		partitions []string
		actions    []string
	}{
		{"WritePapersOnly", []string{paperPartitions}, a.PaperWrites},
		{"ClaimRemindersOnly", []string{reminderPartitions}, a.ClaimWrites},
		{"OutboxOnly", []string{outboxPartitions}, a.OutboxActions},
		{"PracticeCountsAndBudgetsOnly", practicePartitions, a.PracticeWrites},
	} {
		if len(w.actions) == 0 {
			continue
		}
		fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:        jsii.String(w.sid),
			Actions:    jsii.Strings(w.actions...),
			Resources:  jsii.Strings(*h.Table.TableArn()),
			Conditions: &map[string]any{"ForAllValues:StringLike": map[string]any{"dynamodb:LeadingKeys": w.partitions}},
		}))
	}
	if a.AuditAppendOnly {
		fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:        jsii.String("AuditLogIsAppendOnly"),
			Effect:     awsiam.Effect_DENY,
			Actions:    jsii.Strings(auditChanges...),
			Resources:  jsii.Strings(*h.Table.TableArn()),
			Conditions: &map[string]any{"ForAnyValue:StringLike": map[string]any{"dynamodb:LeadingKeys": []string{auditPartitions}}},
		}))
	}
	for _, p := range a.ReadPrefixes {
		fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions:   jsii.Strings("s3:GetObject"),
			Resources: jsii.Strings(*h.DataBucket.ArnForObjects(jsii.String(p + "*"))),
		}))
	}
	for _, p := range a.WritePrefixes {
		actions := []string{"s3:PutObject"}
		if a.Multipart {
			actions = append(actions, "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts")
		}
		fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions:   jsii.Strings(actions...),
			Resources: jsii.Strings(*h.DataBucket.ArnForObjects(jsii.String(p + "*"))),
		}))
	}
	for _, p := range a.DeletePrefixes {
		fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions:   jsii.Strings("s3:DeleteObject"),
			Resources: jsii.Strings(*h.DataBucket.ArnForObjects(jsii.String(p + "*"))),
		}))
	}
	if a.ListBucket {
		fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions:   jsii.Strings("s3:ListBucket"),
			Resources: jsii.Strings(*h.DataBucket.BucketArn()),
		}))
	}
	if a.BucketCORS {
		fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions:   jsii.Strings("s3:PutBucketCORS"),
			Resources: jsii.Strings(*h.DataBucket.BucketArn()),
		}))
	}
	if a.TokenKey {
		h.TokenSecret.GrantRead(fn, nil)
	}
	if a.SendMail {
		identity := func(name string) string {
			return *awscdk.Arn_Format(&awscdk.ArnComponents{Service: jsii.String("ses"), Resource: jsii.String("identity"), ResourceName: jsii.String(name)}, h.Stack)
		}
		// the deployment's sender, and any address of its verified domains
		// (a contest's own sender, contest.Contest.MailFrom)
		resources, senders := []string{identity(h.Settings.MailFrom)}, []string{h.Settings.MailFrom}
		for _, d := range h.Settings.sendingDomains() {
			resources = append(resources, identity(d))
			senders = append(senders, "*@"+d, "*@*."+d)
		}
		fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:        jsii.String("SendMail"),
			Actions:    jsii.Strings("ses:SendEmail"),
			Resources:  jsii.Strings(resources...),
			Conditions: &map[string]any{"StringLike": map[string]any{"ses:FromAddress": senders}},
		}))
	}
}

// schedule gives a function that Ticks its one frequent EventBridge
// Scheduler schedule (platform.TickExpression): a "Scheduled Event" from
// aws.scheduler whose detail is the tick's (platform.TickDetail), on which
// the function reads the contests' registry and starts what each contest's
// own schedule says is due; the local platform plays the same event. No
// contest's schedule is baked into the stack: a contest's settings change
// its runs without a redeploy.
func (h *HoiThi) schedule(f platform.Function, fn awslambda.Function) {
	if !f.Ticks {
		return
	}
	// Scheduler invokes asynchronously. A tick that fails is not tried
	// again: the next tick, TickEvery later, is its retry (runs are claimed
	// once each, a failed one released for the next tick).
	fn.ConfigureAsyncInvoke(&awslambda.EventInvokeConfigOptions{
		RetryAttempts: jsii.Number(0),
		MaxEventAge:   awscdk.Duration_Seconds(jsii.Number(platform.TickEvery.Seconds())),
	})
	event := map[string]any{
		"version":     "0",
		"id":          awsscheduler.ContextAttribute_ExecutionId(),
		"detail-type": "Scheduled Event",
		"source":      "aws.scheduler",
		"account":     h.Stack.Account(),
		"time":        awsscheduler.ContextAttribute_ScheduledTime(),
		"region":      h.Stack.Region(),
		"resources":   []*string{awsscheduler.ContextAttribute_ScheduleArn()},
		"detail":      platform.TickDetail(),
	}
	awsscheduler.NewSchedule(h.Stack, jsii.String(constructID(f.Name)+"Tick"), &awsscheduler.ScheduleProps{
		Description: jsii.String(f.Name + " tick: the runs due by each contest's schedule"),
		Schedule:    awsscheduler.ScheduleExpression_Expression(jsii.String(platform.TickExpression()), nil),
		Target: awsschedulertargets.NewLambdaInvoke(fn, &awsschedulertargets.ScheduleTargetBaseProps{
			Input:         awsscheduler.ScheduleTargetInput_FromObject(event),
			RetryAttempts: jsii.Number(0),
			MaxEventAge:   awscdk.Duration_Seconds(jsii.Number(platform.TickEvery.Seconds())),
		}),
	})
}

// streamSource invokes fn with the table's stream as s (one of f.Streams) says: only
// the records its filter lets through, in batches, reporting partial
// failures, halving failed batches, retrying a bounded number of times;
// what is given up becomes a message on a dead-letter queue (which names
// the stream records, still readable for 24 hours, and the outbox items stay
// in the table), and an alarm watches it.
func (h *HoiThi) streamSource(f platform.Function, s platform.StreamSource, fn awslambda.Function) {
	name := platform.MappingName(f, s)
	id := mappingID(name)
	dlq := awssqs.NewQueue(h.Stack, jsii.String(id+"DeadLetters"), &awssqs.QueueProps{
		RetentionPeriod: awscdk.Duration_Days(jsii.Number(14)),
		Encryption:      awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL:      jsii.Bool(true),
	})
	h.DeadLetters[name] = dlq
	h.MappingFunction[name] = f.Name
	filters := &[]*map[string]any{awslambda.FilterCriteria_Filter(&map[string]any{
		"eventName": awslambda.FilterRule_IsEqual(s.EventName),
		"dynamodb":  map[string]any{"Keys": streamKeyFilter(s)},
	})}
	if s.Name != "" {
		// a function's further mapping: CDK's DynamoEventSource allows one
		// per table and function, so this one is made as a plain mapping
		// (the first one granted the stream's reads)
		fn.AddEventSourceMapping(jsii.String(id+"Stream"), &awslambda.EventSourceMappingOptions{
			EventSourceArn:          h.Table.TableStreamArn(),
			StartingPosition:        awslambda.StartingPosition_TRIM_HORIZON,
			BatchSize:               jsii.Number(s.BatchSize),
			BisectBatchOnError:      jsii.Bool(s.Bisect),
			RetryAttempts:           jsii.Number(s.MaxRetries),
			MaxRecordAge:            awscdk.Duration_Seconds(jsii.Number(s.MaxRecordAge.Seconds())),
			ReportBatchItemFailures: jsii.Bool(true),
			ParallelizationFactor:   jsii.Number(1),
			OnFailure:               awslambdaeventsources.NewSqsDlq(dlq),
			Filters:                 filters,
		})
		return
	}
	fn.AddEventSource(awslambdaeventsources.NewDynamoEventSource(h.Table, &awslambdaeventsources.DynamoEventSourceProps{
		StartingPosition:        awslambda.StartingPosition_TRIM_HORIZON,
		BatchSize:               jsii.Number(s.BatchSize),
		BisectBatchOnError:      jsii.Bool(s.Bisect),
		RetryAttempts:           jsii.Number(s.MaxRetries),
		MaxRecordAge:            awscdk.Duration_Seconds(jsii.Number(s.MaxRecordAge.Seconds())),
		ReportBatchItemFailures: jsii.Bool(true),
		ParallelizationFactor:   jsii.Number(1), // one batch per shard at a time: in order
		OnFailure:               awslambdaeventsources.NewSqsDlq(dlq),
		Filters:                 filters,
	}))
}

// streamKeyFilter is the filter on a stream record's keys: the partition
// key's prefix and, if the source names one, the sort key's.
func streamKeyFilter(s platform.StreamSource) map[string]any {
	keys := map[string]any{platform.AttrPK: map[string]any{"S": awslambda.FilterRule_BeginsWith(jsii.String(s.KeyPrefix))}}
	if s.SortKeyPrefix != "" {
		keys[platform.AttrSK] = map[string]any{"S": awslambda.FilterRule_BeginsWith(jsii.String(s.SortKeyPrefix))}
	}
	return keys
}

// ephemeral is a function's /tmp size (platform.Function.EphemeralMB), nil
// for Lambda's default.
func ephemeral(f platform.Function) awscdk.Size {
	if f.EphemeralMB == 0 {
		return nil
	}
	return awscdk.Size_Mebibytes(jsii.Number(f.EphemeralMB))
}
