#!/usr/bin/env bash
# Source this file to get a throwaway PostgreSQL cluster:
#   . scripts/pg.sh && pg_start && echo "$PG_URL" && ...; pg_stop
# It uses initdb/pg_ctl from PATH or /usr/lib/postgresql/*/bin and, when run as
# root with none installed, installs Debian's postgresql package first.

pg_find_bin() {
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    PG_BIN=$(dirname "$(command -v initdb)")
    return 0
  fi
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then PG_BIN=$d; return 0; fi
  done
  return 1
}

pg_install() {
  [ "$(id -u)" = 0 ] || return 1
  command -v apt-get >/dev/null 2>&1 || return 1
  echo "pg.sh: installing PostgreSQL with apt-get" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) >&2
}

pg_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null ||
    echo $(( 20000 + RANDOM % 20000 ))
}

pg_start() {
  pg_find_bin || { pg_install && pg_find_bin; } || return 1
  PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/prepoznaj-pg.XXXXXX")
  PG_PORT=$(pg_free_port)
  local run_as=()
  # initdb refuses to run as root; use the postgres account (or nobody) then.
  if [ "$(id -u)" = 0 ]; then
    local user=postgres
    id "$user" >/dev/null 2>&1 || user=nobody
    chown "$user" "$PG_DIR"
    run_as=(runuser -u "$user" --)
  fi
  "${run_as[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U prepoznaj --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null || return 1
  "${run_as[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -t 60 \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null || {
    cat "$PG_DIR/log" >&2; return 1; }
  PG_URL="postgres://prepoznaj@127.0.0.1:$PG_PORT/postgres?sslmode=disable"
  PG_RUN_AS=("${run_as[@]}")
  export PG_URL PG_DIR PG_BIN
}

pg_stop() {
  [ -n "${PG_DIR:-}" ] || return 0
  "${PG_RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
  PG_DIR=
}
