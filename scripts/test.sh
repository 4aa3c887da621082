#!/usr/bin/env bash
# The whole test suite, setting up what it needs: Go checks and tests on SQLite
# and on PostgreSQL (a throwaway cluster unless TEST_DATABASE_URL is given), the
# frontend's type check, unit tests and build (the committed dist must match),
# and the end-to-end tests in headless Chromium against the real server.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
root=$(pwd)
. scripts/pg.sh

step() { printf '\n==> %s\n' "$*"; }
is_root() { [ "$(id -u)" = 0 ]; }

# --- set-up: system packages the tests use -----------------------------------
need=()
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ -z "${TEST_DATABASE_URL:-}" ] && ! pg_find_bin; then need+=(postgresql); fi
if [ ${#need[@]} -gt 0 ]; then
  if is_root && command -v apt-get >/dev/null 2>&1; then
    step "installing ${need[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "missing system packages: ${need[*]} (install them, or run as root)" >&2
    [ "${CI:-}" = true ] && exit 1
  fi
fi

# --- Go: format and vet ----------------------------------------------------------
step "gofmt and go vet"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './frontend/node_modules/*'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:" >&2; echo "$unformatted" >&2; exit 1
fi
go vet ./...

# --- Go tests on SQLite -------------------------------------------------------------
step "Go tests on SQLite (go test -race)"
env -u TEST_DATABASE_URL go test -race -count=1 ./...

# --- Go tests on PostgreSQL -------------------------------------------------------
started_pg=
cleanup() {
  [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null || true
  [ -n "$started_pg" ] && pg_stop
  return 0
}
trap cleanup EXIT
if [ -z "${TEST_DATABASE_URL:-}" ]; then
  if pg_start; then
    started_pg=1
    TEST_DATABASE_URL=$PG_URL
  elif [ "${CI:-}" = true ]; then
    echo "no PostgreSQL could be started, and CI=true: failing" >&2; exit 1
  else
    echo "WARNING: no PostgreSQL available; skipping the Postgres run" >&2
  fi
fi
if [ -n "${TEST_DATABASE_URL:-}" ]; then
  step "Go tests on PostgreSQL (go test -race)"
  TEST_DATABASE_URL=$TEST_DATABASE_URL go test -race -count=1 ./...
fi

# --- frontend -------------------------------------------------------------------------
step "frontend: install, type check, unit tests, build"
cd "$root/frontend"
npm ci --no-audit --no-fund --loglevel=error
npm run --silent check
npm test --silent
npm run --silent build
cd "$root"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  if [ -n "$(git status --porcelain -- frontend/dist)" ]; then
    echo "the committed frontend/dist differs from a fresh build; run 'make frontend' and commit it:" >&2
    git status --porcelain -- frontend/dist | head -20 >&2
    exit 1
  fi
  echo "frontend/dist is fresh"
fi

# --- end-to-end in headless Chromium ------------------------------------------
step "end-to-end tests (headless Chromium against the real server)"
bin=$(mktemp -d)/prepoznaj
go build -o "$bin" ./cmd/prepoznaj
e2e_dir=$(mktemp -d)
port=$(pg_free_port)
# The demo accounts give the end-to-end tests every role; the password is new each run.
DEMO_PASSWORD="e2e-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
export DEMO_PASSWORD
"$bin" serve --addr "127.0.0.1:$port" --db "$e2e_dir/e2e.db" --demo --demo-password "$DEMO_PASSWORD" --log-format text >"$e2e_dir/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done
BASE_URL="http://127.0.0.1:$port" node frontend/e2e/run.mjs || { echo "server log:" >&2; tail -50 "$e2e_dir/server.log" >&2; exit 1; }
