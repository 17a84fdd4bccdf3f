# Accord — `make demo` runs the demo on the embedded default; `make test` runs every test.
GO       ?= go
BIN      := bin/accord
export ACCORD_TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable

.PHONY: build demo test test-short lint bench fuzz proto clean

build:
	$(GO) build -o $(BIN) ./cmd/accord

demo: build
	./$(BIN) demo

test:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) test -race -shuffle=on -timeout 20m ./...

test-short:
	$(GO) test -short ./...

lint:
	$(GO) vet ./...
	gofmt -l .

# Every section of docs/BENCHMARKS.md (~25 minutes on 2 cores); BENCH=boundary,sync,mapping,matching runs the short ones.
BENCH ?= all
bench:
	$(GO) run ./cmd/accord-bench -out docs/BENCHMARKS.md -only $(BENCH)

# Every fuzz target for FUZZTIME each (standardizers, the record decoder, the inbound mapping).
FUZZTIME ?= 20s
FUZZ := ./mapping/standardize:FuzzText,FuzzEmail,FuzzPhone,FuzzTaxID,FuzzCompanyNameKey,FuzzCityKey,FuzzCountry \
	./mapping:FuzzInbound ./plugins:FuzzFieldCodec ./demo/generate:FuzzValidCreditCode
fuzz:
	@set -e; for spec in $(FUZZ); do pkg=$${spec%%:*}; for t in $$(echo $${spec#*:} | tr , ' '); do \
		echo "== $$pkg $$t"; $(GO) test $$pkg -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME); done; done

# Regenerates the connector protocol's Go code with pinned tools (plugins/proto/generate.sh).
proto:
	bash plugins/proto/generate.sh

clean:
	rm -rf bin .accord
