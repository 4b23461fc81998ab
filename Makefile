# HoiThi — make dev runs the whole contest locally, make test runs every test.
# Everything the targets need is installed by the targets themselves.

SHELL := /bin/bash
GO    ?= go
LOCAL := .local
BIN   := $(LOCAL)/bin
DYNOXIDE  := node_modules/@dynoxide/linux-x64/dynoxide
VERSITYGW := $(BIN)/versitygw
RIE       := $(BIN)/aws-lambda-rie
LOCALDEV  := $(BIN)/localdev

export GOFLAGS := -buildvcs=false

.PHONY: dev test deps check bench bench-grade bench-capacity bench-participation bench-tally load clean help

help:
	@echo "make dev    run the contest locally (demo data, site, function URLs); its ports: SITE_PORT=8080"
	@echo "            FUNCTION_PORT=9001 (the first of five) DYNAMODB_PORT=8000 S3_PORT=9000, e.g. make dev SITE_PORT=8081"
	@echo "make test   run the whole test suite against local DynamoDB and S3 servers"
	@echo "make bench  print the grading benchmark, capacity per paper and a unit's participation count"
	@echo "make load   the peak through the local function URLs (N participants, C at a time): papers/s against the"
	@echo "            local datastore's raw puts/s and the write requests per paper; ENDPOINTS=.local/endpoints.json"
	@echo "            drives a running make dev instead (inject faults during the run), PROFILE=dir writes CPU profiles"
	@echo "see README.md for bench-tally, bench-coldstart, synth, deploy, invoke and import"

## deps: tools pinned in the repo (npm lock file, infra/tools/go.mod), and
## Debian's Chromium for the browser tests.
deps: $(DYNOXIDE) $(VERSITYGW) $(RIE) chromium
	@$(GO) mod download

.PHONY: chromium
chromium:
	@command -v chromium >/dev/null || { echo "Installing Debian's chromium for the browser tests…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

$(DYNOXIDE): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(VERSITYGW) $(RIE): infra/tools/go.mod infra/tools/go.sum
	@mkdir -p $(BIN)
	cd infra/tools && $(GO) build -o ../../$(BIN)/ github.com/versity/versitygw/cmd/versitygw github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie

$(LOCALDEV): deps $(shell find infra/localdev shared -name '*.go' -not -name '*_test.go') go.mod go.sum
	$(GO) build -o $@ ./infra/localdev

## dev: SITE_PORT, FUNCTION_PORT (the first of the function URLs' consecutive
## ports), DYNAMODB_PORT and S3_PORT move its ports; it checks them all first.
dev: deps $(LOCALDEV)
	$(LOCALDEV) dev $(if $(SITE_PORT),-site-port $(SITE_PORT)) $(if $(FUNCTION_PORT),-function-port $(FUNCTION_PORT)) \
		$(if $(DYNAMODB_PORT),-dynamodb-port $(DYNAMODB_PORT)) $(if $(S3_PORT),-s3-port $(S3_PORT)) $(if $(STATE),-state $(STATE))

## check: formatting and vet, and the site's modules parse, no servers needed.
check:
	@out=$$(gofmt -l functions infra shared); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	@for f in web/*.js web/embed/*.js web/tests/*.mjs; do node --input-type=module --check < $$f >/dev/null 2>&1 || \
		{ echo "$$f does not parse:"; node --input-type=module --check < $$f; exit 1; }; done

# The fuzz step runs a count of inputs, not a duration: Go 1.26's fuzz
# coordinator can fail a clean run with "context deadline exceeded" when a
# -fuzztime duration ends (go.dev/issue/75804, fixed in Go 1.27).
test: deps check $(LOCALDEV)
	$(LOCALDEV) exec -- $(GO) test -count=1 -timeout 30m ./...
	$(GO) test -run '^$$' -fuzz FuzzReader -fuzztime 300000x ./shared/mp4/
	@$(MAKE) --no-print-directory test-instants

## test-instants: the tests that seed the demo contest and its rounds, run
## again with the tests' clock (HOITHI_TEST_NOW, shared/testenv) at fixed
## instants around a week's and a year's ends, so that none depends on the
## day it runs: Sunday 23:59:30 and Monday 00:00:30 ICT (17:00 UTC), a
## Wednesday noon, the last seconds of 2026 (ISO week 53) and 2027's first.
TEST_INSTANTS  ?= 2026-12-06T23:59:30+07:00 2026-12-07T00:00:30+07:00 2026-12-09T12:00:00+07:00 2026-12-31T23:59:30+07:00 2027-01-01T00:00:30+07:00
# The week's end again for the end-to-end tests and the sample events through
# the Lambda runtime emulator (real binaries, a minute each): Sunday 23:59:30,
# so that the run crosses into Monday. Monday 00:00:30 too costs CI a minute
# it no longer has (make test is at ~19 of its 20 minutes):
# make test-instants EDGE_INSTANTS="2026-12-06T23:59:30+07:00 2026-12-07T00:00:30+07:00".
EDGE_INSTANTS  ?= 2026-12-06T23:59:30+07:00
# Sign-in, clips and the load's figures do not follow the weeks; the browser test runs once, in make test.
INSTANT_PACKAGES := ./functions/grade/ ./functions/quiz/ ./functions/remind/ ./functions/tally/ \
	./shared/demo/ ./shared/participation/ ./shared/testenv/
INSTANT_SKIP     := TestBrowserSite|TestClipUploadsAreCheckedThroughTheBucketNotifications|TestLoad|TestABurstOfCodesIsSentInOrderWithNoneLost|TestAReminderRunSendsEachPersonOneEmail
# Each instant gets fresh local servers, so that no run inherits another's
# leftovers (stream records outlive their tables on the local server).
.PHONY: test-instants
test-instants: deps $(LOCALDEV)
	@set -e; for at in $(TEST_INSTANTS); do echo "== the tests at $$at"; \
		HOITHI_TEST_NOW=$$at $(LOCALDEV) exec -- $(GO) test -count=1 $(INSTANT_PACKAGES); done; \
	for at in $(EDGE_INSTANTS); do echo "== the end-to-end tests at $$at"; \
		HOITHI_TEST_NOW=$$at $(LOCALDEV) exec -- $(GO) test -count=1 -skip '$(INSTANT_SKIP)' ./infra/localdev/ ./infra/invoke/; done

## test-reminder-run: a reminder run at the national size through the local
## platform: 20,000 people in 500 units (PEOPLE=, UNITS=), the mailer down
## while the jobs queue, then up, then a re-run: exactly one e-mail each
## (make test runs it with 400 in 20). Slow here: every job and batch of
## e-mails is a process of its own (docs/scale.md's figures): up to 2 hours.
.PHONY: test-reminder-run
test-reminder-run: deps $(LOCALDEV)
	HOITHI_REMIND_PEOPLE=$(or $(PEOPLE),20000) \
	HOITHI_REMIND_UNITS=$(if $(filter command line,$(origin UNITS)),$(UNITS),500) \
		$(LOCALDEV) exec -- $(GO) test -count=1 -timeout 120m -v -run 'TestAReminderRunSendsEachPersonOneEmail' ./infra/localdev/

bench: bench-grade bench-capacity bench-participation

bench-grade:
	$(GO) test -run '^$$' -bench 'Grade15|Draw15' -benchmem ./shared/contest/

bench-capacity: deps $(LOCALDEV)
	$(LOCALDEV) exec -- $(GO) test -count=1 -run 'TestCapacityPerPaper' -v ./shared/dynamo/ | grep -E 'capacity|ok|FAIL'

## load: the peak through the local function URLs: N participants (default
## 2000), C at a time (default 100), each signing in (code from the local
## outbox, session), starting, autosaving and submitting a paper; prints
## throughput, latency percentiles and the mail queue's delay, and checks
## nothing is lost; measures in
## the same run the datastore's raw PutItem rate and (through counting proxies)
## the DynamoDB requests per paper, and prints papers/s against that limit.
## ENDPOINTS=.local/endpoints.json drives a running platform (make dev) instead;
## PROFILE=dir writes CPU profiles of the driver and the functions.
## Then unit participation pages, UNIT_VIEWS a second (default 100; 0 skips)
## for 10 s, on the units function: the rate answered and the latencies.
load: deps $(LOCALDEV)
	$(LOCALDEV) load $(if $(N),-participants $(N)) $(if $(C),-concurrency $(C)) $(if $(ENDPOINTS),-endpoints $(ENDPOINTS)) $(if $(PROFILE),-profile $(PROFILE)) $(if $(UNIT_VIEWS),-unit-views $(UNIT_VIEWS))

## bench-participation: one count of a 2,000-person unit's participation
## (the unit admin's page, a reminder run): time and RCU.
bench-participation: deps $(LOCALDEV)
	$(LOCALDEV) exec -- $(GO) test -run '^$$' -bench 'OfLargeUnit' -benchtime 10x ./shared/participation/

clean:
	rm -rf $(LOCAL)/bin cdk.out

## bench-tally: generate a Huế-2024-sized closed round (107,737 papers, 209
## units, 1% left in progress) in a throwaway local DynamoDB, then close its
## overdue papers, tally and publish it; prints the time taken and the
## capacity consumed, the closing step's apart. PAPERS= and UNITS= override.
PAPERS ?= 107737
UNITS  ?= 209
bench-tally: deps $(LOCALDEV)
	$(LOCALDEV) exec -- $(GO) run ./infra/benchtally -papers $(PAPERS) -units $(UNITS)

## bench-tally-memory: the tally's peak memory alone, over a ranking index
## generated as it is read (no DynamoDB to fill: a minute at 400,000 papers).
.PHONY: bench-tally-memory
bench-tally-memory: deps $(LOCALDEV)
	$(LOCALDEV) exec -- $(GO) run ./infra/benchtally -memory-only -papers $(PAPERS) -units $(UNITS)

## ---------------------------------------------------------------------------
## Deployment (infra/, docs/deploy.md): build, synth, deploy, invoke,
## bench-coldstart.

.PHONY: build synth deploy invoke import bench-coldstart

# Every function folder with a main.go; each becomes <dir>/<name>/bootstrap.
FUNCTIONS := $(notdir $(patsubst %/,%,$(dir $(wildcard functions/*/main.go))))
# The Lambda build: no cgo, no RPC mode (provided.al2023 speaks the Runtime API), stripped.
LAMBDA_GO := CGO_ENABLED=0 $(GO) build -tags lambda.norpc -trimpath -ldflags="-s -w"
# The aws-cdk CLI pinned in package-lock.json (npm ci installs it with dynoxide).
CDK       := node_modules/.bin/cdk
CDK_APP   := --app "$(GO) run ./infra" --output cdk.out --no-notices
# Deploy-time settings (all optional for synth; MAIL_FROM required to deploy).
CDK_CONTEXT = $(if $(CONTEST),-c contestId=$(CONTEST)) $(if $(SITE_ORIGIN),-c siteOrigin=$(SITE_ORIGIN)) \
	$(if $(BUCKET_ORIGINS),-c bucketOrigins='$(BUCKET_ORIGINS)') \
	$(if $(SITE_DOMAIN),-c siteDomain=$(SITE_DOMAIN)) $(if $(SITE_CERTIFICATE_ARN),-c siteCertificateArn=$(SITE_CERTIFICATE_ARN)) \
	$(if $(MAIL_FROM),-c mailFrom=$(MAIL_FROM)) $(if $(ALARM_EMAIL),-c alarmEmail=$(ALARM_EMAIL)) \
	$(if $(GRACE_SECONDS),-c submitGraceSeconds=$(GRACE_SECONDS)) $(if $(MAIL_RATE),-c mailRatePerSecond=$(MAIL_RATE)) \
	$(if $(CLIP_MAX_BYTES),-c clipMaxBytes=$(CLIP_MAX_BYTES)) $(if $(CLIP_QUOTA),-c clipQuota=$(CLIP_QUOTA)) \
	$(if $(CLIP_MAX_SECONDS),-c clipMaxSeconds=$(CLIP_MAX_SECONDS)) $(if $(CLIP_UPLOAD_EXPIRY_SECONDS),-c clipUploadExpirySeconds=$(CLIP_UPLOAD_EXPIRY_SECONDS)) \
	$(if $(CLIP_CRITERIA),-c clipCriteria='$(CLIP_CRITERIA)') \
	$(if $(CLIP_BLOCKS),-c clipBlocks='$(CLIP_BLOCKS)')

# jsii (the CDK's Go bindings run on Node) warns loudly about Node 20; the CDK
# CLI sends no telemetry and looks for no newer version.
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CDK_DISABLE_CLI_TELEMETRY := true
export CDK_DISABLE_VERSION_CHECK := true

## build: every function's bootstrap for Lambda (linux/arm64) in
## .local/build/<name>/, and for this machine in .local/build-host/<name>/.
build:
	@rm -rf $(LOCAL)/build/.out $(LOCAL)/build-host/.out
	GOOS=linux GOARCH=arm64 $(LAMBDA_GO) -o $(LOCAL)/build/.out/ $(FUNCTIONS:%=./functions/%)
	$(LAMBDA_GO) -o $(LOCAL)/build-host/.out/ $(FUNCTIONS:%=./functions/%)
	@for d in build build-host; do for fn in $(FUNCTIONS); do \
		mkdir -p $(LOCAL)/$$d/$$fn && mv $(LOCAL)/$$d/.out/$$fn $(LOCAL)/$$d/$$fn/bootstrap; done; \
		rmdir $(LOCAL)/$$d/.out; done
	@ls -l $(LOCAL)/build/*/bootstrap | awk '{printf "  %-32s %5.1f MB\n", $$9, $$5/1048576}'

## synth: the CloudFormation template and assets in cdk.out/ (offline, no account).
synth: build $(DYNOXIDE)
	$(CDK) synth $(CDK_APP) --quiet $(CDK_CONTEXT)
	@echo "cdk.out/HoiThi.template.json"

## deploy: synth and deploy with the account's credentials (docs/deploy.md).
deploy: build $(DYNOXIDE)
	@test -n "$(MAIL_FROM)" || { echo "make deploy needs MAIL_FROM=<verified SES address>, see docs/deploy.md"; exit 2; }
	$(CDK) deploy $(CDK_APP) --require-approval broadening $(CDK_CONTEXT)

## invoke: one event through the real bootstrap under the runtime interface
## emulator, against a running `make dev`: make invoke FN=quiz EVENT=events/quiz/list-rounds.json
invoke: $(RIE)
	@test -n "$(FN)" -a -n "$(EVENT)" || { echo "usage: make invoke FN=<function> EVENT=events/<function>/<file>.json [EMAIL=<whose token>]"; exit 2; }
	@$(LAMBDA_GO) -o $(LOCAL)/build-host/$(FN)/bootstrap ./functions/$(FN)
	@$(GO) run ./infra/invoke -fn $(FN) -event $(EVENT) $(if $(EMAIL),-as $(EMAIL))

## import: load a contest folder (docs/import.md) into the deployed stack (TABLE=, BUCKET=, AWS credentials) or, with LOCAL=1, into make dev.
## REGISTER=<contest id,...> instead of DIR: add contests already in the table to the contests' registry (docs/deploy.md, upgrading).
## (LOCAL is also the state folder's variable, .local: only LOCAL=1 means -local.)
import:
	@test -n "$(DIR)$(REGISTER)" || { echo "usage: make import DIR=<contest folder> [DRY_RUN=1] [LOCAL=1 | TABLE=<TableName> BUCKET=<DataBucketName>], or make import REGISTER=<contest id,...> [LOCAL=1 | TABLE=<TableName>], see docs/import.md"; exit 2; }
	@$(GO) run ./infra/importer $(if $(DIR),-dir $(DIR)) $(if $(REGISTER),-register $(REGISTER)) $(if $(filter-out .local,$(LOCAL)),-local) $(if $(DRY_RUN),-dry-run) $(if $(TABLE),-table $(TABLE)) $(if $(BUCKET),-bucket $(BUCKET))

## bench-coldstart: init duration of each function under the emulator against
## a hello-world bootstrap and hello with a DynamoDB client (median of RUNS,
## default 7), and arm64 sizes.
bench-coldstart: build $(RIE)
	@GOOS=linux GOARCH=arm64 $(LAMBDA_GO) -o $(LOCAL)/bench/hello/arm64/bootstrap ./infra/coldstart/hello
	@$(LAMBDA_GO) -o $(LOCAL)/bench/hello/host/bootstrap ./infra/coldstart/hello
	@GOOS=linux GOARCH=arm64 $(LAMBDA_GO) -o $(LOCAL)/bench/hellodynamo/arm64/bootstrap ./infra/coldstart/hellodynamo
	@$(LAMBDA_GO) -o $(LOCAL)/bench/hellodynamo/host/bootstrap ./infra/coldstart/hellodynamo
	@$(GO) run ./infra/coldstart $(if $(RUNS),-runs $(RUNS))

## bench-import: replaces a 30,000-person roster on the local DynamoDB server
## (shared/dynamo BenchmarkReplaceRoster30000: the new version written, the
## pointer switched, the previous version deleted) and prints the time it took;
## then through the admin handler: a dry run, the first import, a re-import
## changing 1% of the people (only they are written, as a patch) and a
## re-import of 30,000 others (a whole version), and prints each.
.PHONY: bench-import
bench-import: deps $(LOCALDEV)
	$(LOCALDEV) exec -- $(GO) test -count=1 -run '^$$' -bench 'ReplaceRoster30000' -benchtime 1x ./shared/dynamo/
	$(LOCALDEV) exec -- $(GO) test -count=1 -run '^$$' -bench 'ImportRoster30000' -benchtime 1x ./functions/admin/

## fuzz: the MP4 reader's fuzz target (shared/mp4 FuzzReader, seeded with the
## committed fixtures) for FUZZTIME (default 20s), then the spreadsheet row
## reader's (shared/importer FuzzReadTable: CSV in every encoding, .xlsx) for
## FUZZCOUNT inputs (default 20,000, a few seconds). make test runs the seeds and 300,000 MP4 inputs.
FUZZTIME ?= 20s
FUZZCOUNT ?= 20000x
.PHONY: fuzz
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzReader$$' -fuzztime $(FUZZTIME) ./shared/mp4/
	$(GO) test -run '^$$' -fuzz '^FuzzReadTable$$' -fuzztime $(FUZZCOUNT) ./shared/importer/
