.PHONY: run test bench build frontend

# Run the platform on embedded SQLite at http://localhost:8080
run:
	go run ./cmd/prepoznaj

# Every test, setting up what it needs (throwaway PostgreSQL, Chromium, npm packages)
test:
	scripts/test.sh

# Go benchmarks and a bounded loopback load run; JSON summary in bench/results/latest.json
bench:
	scripts/bench.sh

build:
	CGO_ENABLED=0 go build -trimpath -o prepoznaj ./cmd/prepoznaj

# Rebuild the committed frontend bundle
frontend:
	cd frontend && npm ci --no-audit --no-fund && npm run build
