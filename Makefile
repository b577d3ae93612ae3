.PHONY: run test bench lint build
run:
	go run ./cmd/referbot
test:
	go test -race -count=1 ./...
bench:
	go test -run='^$$' -bench=. -benchmem ./...
lint:
	@test -z "$$(gofmt -l .)" || (gofmt -l . && exit 1)
	go vet ./...
build:
	go build ./cmd/referbot
