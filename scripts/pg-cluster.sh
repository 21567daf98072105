#!/usr/bin/env bash
# Starts or stops a private PostgreSQL 15 + PostGIS cluster on a loopback port, for tests and benchmarks.
#   scripts/pg-cluster.sh start DIR PORT   -> prints the DATABASE_URL
#   scripts/pg-cluster.sh replica PRIMARY_DIR PRIMARY_PORT DIR PORT   -> a streaming hot standby of that primary; prints its URL
#   scripts/pg-cluster.sh stop DIR   (a primary or a standby)
# Needs Debian's postgresql-15 and postgresql-15-postgis-3 (and postgresql-15-pgrouting for the reference check).
set -euo pipefail
BIN=/usr/lib/postgresql/15/bin
cmd=${1:?start|replica|stop}; dir=${2:?data directory}
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
  replica)
    # The primary (started by this script) streams to a copy taken with pg_basebackup -R (which writes
    # standby.signal and primary_conninfo). wal_level=replica and max_wal_senders=10 are already the defaults.
    primary_port=${3:?primary port}; standby_dir=${4:?standby data directory}; port=${5:?standby port}
    hba="$dir/pg_hba.conf"
    # No replication slot (a forgotten standby would pin WAL for ever); keep enough WAL instead that a standby
    # busy replaying the test suite's database copies does not lose its place.
    as_pg "$BIN/psql" -h 127.0.0.1 -p "$primary_port" -U postgres -qAtc "alter system set wal_keep_size = '1GB'" -c "select pg_reload_conf()" >/dev/null
    if ! grep -Eq '^host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba"; then
      echo 'host replication all 127.0.0.1/32 trust' | as_pg tee -a "$hba" >/dev/null
      as_pg "$BIN/pg_ctl" -D "$dir" reload >/dev/null
    fi
    if [ ! -f "$standby_dir/PG_VERSION" ]; then
      rm -rf "$standby_dir"; mkdir -p "$standby_dir"
      [ "$(id -u)" = 0 ] && chown postgres:postgres "$standby_dir"
      chmod 700 "$standby_dir"
      # It warns about the primary's socket file in DIR (skipped, as it should be): shown only on failure.
      if ! out=$(as_pg "$BIN/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$standby_dir" -R -X stream -c fast 2>&1); then
        echo "$out" >&2; exit 1
      fi
      rm -f "$standby_dir/server.log"
    fi
    # max_connections must be at least the primary's (200, above).
    as_pg "$BIN/pg_ctl" -D "$standby_dir" -l "$standby_dir/server.log" -w -o "-p $port -k $standby_dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 -c hot_standby=on" start >/dev/null
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    as_pg "$BIN/pg_ctl" -D "$dir" -m fast -w stop >/dev/null || true
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
