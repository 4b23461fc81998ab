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

.PHONY: dev test deps check bench bench-grade bench-capacity bench-tally clean help

help:
	@echo "make dev    run the contest locally (demo data, site, function URLs)"
	@echo "make test   run the whole test suite against local DynamoDB and S3 servers"
	@echo "make bench  print the grading benchmark and capacity per paper"

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

dev: deps $(LOCALDEV)
	$(LOCALDEV) dev

## check: formatting and vet, no servers needed.
check:
	@out=$$(gofmt -l functions infra/localdev shared); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

test: deps check $(LOCALDEV)
	$(LOCALDEV) exec -- $(GO) test -count=1 ./...

bench: bench-grade bench-capacity

bench-grade:
	$(GO) test -run '^$$' -bench 'Grade15|Draw15' -benchmem ./shared/contest/

bench-capacity: deps $(LOCALDEV)
	$(LOCALDEV) exec -- $(GO) test -count=1 -run 'TestCapacityPerPaper' -v ./shared/dynamo/ | grep -E 'capacity|ok|FAIL'

clean:
	rm -rf $(LOCAL)/bin cdk.out

## bench-tally: generate a Huế-2024-sized closed round (107,737 papers, 209
## units) in a throwaway local DynamoDB, then tally and publish it; prints the
## time taken and the read capacity consumed. PAPERS= and UNITS= override.
PAPERS ?= 107737
UNITS  ?= 209
bench-tally: deps $(LOCALDEV)
	$(LOCALDEV) exec -- $(GO) run ./infra/benchtally -papers $(PAPERS) -units $(UNITS)
