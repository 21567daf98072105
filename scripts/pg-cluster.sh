#!/usr/bin/env bash
# Starts or stops a private PostgreSQL 15 + PostGIS cluster on a loopback port, for tests and benchmarks.
#   scripts/pg-cluster.sh start DIR PORT   -> prints the DATABASE_URL
#   scripts/pg-cluster.sh stop DIR
# Needs Debian's postgresql-15 and postgresql-15-postgis-3 (and postgresql-15-pgrouting for the reference check).
set -euo pipefail
BIN=/usr/lib/postgresql/15/bin
cmd=${1:?start|stop}; dir=${2:?data directory}
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "$cmd" in
  start)
    port=${3:?port}
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
    if [ ! -f "$dir/PG_VERSION" ]; then
      as_pg "$BIN/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    as_pg "$BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    as_pg "$BIN/pg_ctl" -D "$dir" -m fast -w stop >/dev/null || true
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
