# referbot — common tasks. `make test` is the test command CI runs.
WITHPG := go run ./internal/tools/withpg --

.PHONY: run test bench bench-load bench-scale fuzz lint build seed

run: ## run the bot (the console when no chat credentials are set)
	go run ./cmd/referbot

test: ## the whole test suite, race detector on, one throwaway PostgreSQL (installs chromium for the browser tests when missing)
	@./scripts/ensure-chromium
	$(WITHPG) go test -race -count=1 ./...

bench: ## benchmarks on the real database
	$(WITHPG) go test -run='^$$' -bench=. -benchmem ./...

# The visibility property test's long walk: random steps per seed, seeds.
PRIVACY_STEPS ?= 3000
PRIVACY_SEEDS ?= 8

bench-load: ## signed Slack /refer under load: referbot beside a floor (signature check + one INSERT), same run
	go run ./internal/tools/loadbench -clients $(or $(CLIENTS),16) -duration $(or $(DURATION),8s) -rounds $(or $(ROUNDS),2)

# Where bench-scale keeps its PostgreSQL and seeded data between runs (~10 GB at the default size).
SCALE_DATA ?= .scalebench

bench-scale: ## every command and scheduled job on a tenth of BNI plus one full-size chapter (seeded once into SCALE_DATA, reused): p50/p99 against an empty workspace, job passes first and steady
	go run ./internal/tools/scalebench -data $(SCALE_DATA) -reps $(or $(REPS),30) -report $(SCALE_DATA)/report.md

seed: ## bulk-load a generated data set into DATABASE_URL (or the local database): WORKSPACES, MEMBERS, REFERRALS, YEARS, SEED
	go run ./cmd/referbot seed --workspaces $(or $(WORKSPACES),3) --members $(or $(MEMBERS),200) \
		--referrals $(or $(REFERRALS),5000) --years $(or $(YEARS),2) --seed $(or $(SEED),1)

fuzz: ## fuzz the /refer grammar; walk the visibility property test longer
	go test -run='^$$' -fuzz=FuzzParse -fuzztime=60s ./bot/grammar
	REFERBOT_PRIVACY_STEPS=$(PRIVACY_STEPS) REFERBOT_PRIVACY_SEEDS=$(PRIVACY_SEEDS) \
		$(WITHPG) go test -count=1 -timeout=30m -run='^TestVisibility_' -v ./internal/privacycheck

lint: ## gofmt and go vet
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	go vet ./...

build:
	CGO_ENABLED=0 go build -o referbot ./cmd/referbot
