#!/usr/bin/env bash
# Benchmarks: the Go benchmarks, then a bounded loopback load run against the
# real server on SQLite and on PostgreSQL (a throwaway cluster unless
# BENCH_DATABASE_URL is given). The JSON summary goes to stdout and
# bench/results/latest.json; the Go benchmark output to bench/results/go-bench.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/pg.sh
mkdir -p bench/results
export PATH="$PATH:/usr/local/go/bin"

echo "==> Go benchmarks" >&2
go test -run='^$' -bench=. -skip='BulkZip1000' -benchmem -benchtime="${BENCHTIME:-200x}" ./... 2>&1 | tee bench/results/go-bench.txt >&2
# 1,000 certificates per iteration: a few iterations suffice.
go test -run='^$' -bench='BulkZip1000' -benchmem -benchtime=3x ./certs/ 2>&1 | tee -a bench/results/go-bench.txt >&2

bin=$(mktemp -d)/prepoznaj
go build -o "$bin" ./cmd/prepoznaj
work=$(mktemp -d)
password="bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
PREPOZNAJ_SECRET="bench-key-$(od -An -N24 -tx8 /dev/urandom | tr -d ' \n')"
export PREPOZNAJ_SECRET
server_pid=
started_pg=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  [ -n "$started_pg" ] && pg_stop
  rm -rf "$work"
}
trap cleanup EXIT

run_load() { # $1 label, $2 db
  local port
  port=$(pg_free_port)
  # On PostgreSQL the content is seeded explicitly (SQLite seeds a new database on first start).
  case "$2" in postgres*) "$bin" seed --db "$2" >&2 ;; esac
  "$bin" serve --addr "127.0.0.1:$port" --db "$2" --demo --demo-password "$password" --log-format text >"$work/server-$1.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 150); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
  # The load tool creates the quiz scenarios' learners in the same database and mints their
  # sessions with the same key (PREPOZNAJ_SECRET, exported above).
  go run ./bench/load --url "http://127.0.0.1:$port" --demo-password "$password" --database "$1" \
    --db "$2" --learners "${BENCH_LEARNERS:-3000}" --duration "${BENCH_DURATION:-5s}" --out "$work/$1.json" >&2
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
}

echo "==> load on SQLite" >&2
run_load sqlite "$work/bench.db"
db_url=${BENCH_DATABASE_URL:-}
if [ -z "$db_url" ] && pg_start; then started_pg=1; db_url=$PG_URL; fi
if [ -n "$db_url" ]; then
  echo "==> load on PostgreSQL" >&2
  run_load postgres "$db_url"
fi
python3 - "$work" <<'PY' | tee bench/results/latest.json
import json, sys, os, glob
runs = [json.load(open(p)) for p in sorted(glob.glob(os.path.join(sys.argv[1], "*.json")))]
print(json.dumps({"load": runs, "go_benchmarks": "bench/results/go-bench.txt"}, indent=2))
PY
