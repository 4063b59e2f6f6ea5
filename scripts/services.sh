#!/usr/bin/env bash
# Redis and PostgreSQL from Debian's packages, on loopback, for `npm run test:queue` (n8n's
# queue mode needs both). Installs the packages with apt-get when they are missing; each server
# keeps its data in its own folder under the cache, outside the repository.
#
# Usage: scripts/services.sh install | start | stop | status | fresh-db <name> | restart-redis [s]
#   start      installs what is missing, starts both (a no-op for one already running), and
#              prints REDIS_PORT=…, PG_PORT=…, PG_USER=… on stdout
#   stop       stops both (fast shutdown; nothing is kept that the next run needs)
#   fresh-db   drops and recreates a database (the server must be running)
#   restart-redis  stops Redis without saving, waits [s] seconds (default 2), starts it again
#
# Environment:
#   SYSEVO_N8N_CACHE    cache folder (default: $HOME/.cache/n8n-nodes-sysevo); data in services/
#   SYSEVO_REDIS_PORT   default 6391
#   SYSEVO_PG_PORT      default 5441
#
# Neither server starts by itself in these containers, and PostgreSQL refuses to run as root:
# it runs as the Debian `postgres` user. The cache usually sits under a home folder that only
# root may enter (/root is 0700), so postgres gets the one capability that lets it look up paths
# there (CAP_DAC_READ_SEARCH); it owns and writes only its own data folder.
set -euo pipefail

CACHE="${SYSEVO_N8N_CACHE:-${HOME:?HOME is not set}/.cache/n8n-nodes-sysevo}"
SERVICES="$CACHE/services"
REDIS_PORT="${SYSEVO_REDIS_PORT:-6391}"
PG_PORT="${SYSEVO_PG_PORT:-5441}"
PG_USER=n8n
REDIS_DIR="$SERVICES/redis"
PG_DIR="$SERVICES/postgres"

log() { printf '[services] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

pg_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [[ -n "$dir" && -x "$dir/pg_ctl" ]] || return 1
  printf '%s' "$dir"
}

as_postgres() {
  if [[ "$(id -u)" -eq 0 ]]; then
    setpriv --reuid=postgres --regid=postgres --init-groups \
      --inh-caps=+dac_read_search --ambient-caps=+dac_read_search -- "$@"
  else
    "$@"
  fi
}

install_packages() {
  local missing=()
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null || missing+=(redis-server)
  pg_bin >/dev/null || missing+=(postgresql)
  if ((${#missing[@]} == 0)); then
    log "redis-server and postgresql are installed"
    return
  fi
  [[ "$(id -u)" -eq 0 ]] || die "installing ${missing[*]} needs root (apt-get)"
  log "installing ${missing[*]} with apt-get"
  # Another apt-get on the machine holds the dpkg lock for a while: wait for it, do not fail.
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    -o DPkg::Lock::Timeout=600 "${missing[@]}" >&2 \
    || {
      log "apt-get install failed; refreshing the package lists once and retrying"
      apt-get update -o DPkg::Lock::Timeout=600 >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        -o DPkg::Lock::Timeout=600 "${missing[@]}" >&2
    } || die "apt-get install ${missing[*]} failed"
  # The Debian packages try to start the servers on their default ports; that fails harmlessly
  # in a container without an init system, and nothing here uses those instances.
}

redis_up() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }

start_redis() {
  if redis_up; then
    log "redis already answers on 127.0.0.1:$REDIS_PORT"
    return
  fi
  mkdir -p "$REDIS_DIR"
  # No persistence: the queue only has to live as long as one test run.
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$REDIS_DIR" --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" \
    --daemonize yes >&2
  for _ in $(seq 1 50); do redis_up && break; sleep 0.1; done
  redis_up || die "redis did not answer on 127.0.0.1:$REDIS_PORT (see $REDIS_DIR/redis.log)"
  log "redis $(redis-server --version | grep -o 'v=[0-9.]*') on 127.0.0.1:$REDIS_PORT"
}

pg_up() { pg_isready -q -h 127.0.0.1 -p "$PG_PORT" 2>/dev/null; }

start_postgres() {
  local bin
  bin="$(pg_bin)" || die "postgresql is not installed"
  mkdir -p "$SERVICES"
  if [[ ! -f "$PG_DIR/PG_VERSION" ]]; then
    log "initdb $PG_DIR"
    rm -rf "$PG_DIR"
    mkdir -p "$PG_DIR"
    [[ "$(id -u)" -ne 0 ]] || chown postgres:postgres "$PG_DIR"
    chmod 700 "$PG_DIR"
    as_postgres "$bin/initdb" -D "$PG_DIR" -A trust -U "$PG_USER" -E UTF8 --no-locale >/dev/null \
      || die "initdb failed"
  fi
  if pg_up; then
    log "postgres already answers on 127.0.0.1:$PG_PORT"
    return
  fi
  # -k: the socket goes into the data folder (Debian's /var/run/postgresql may not exist).
  as_postgres "$bin/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=100 -c fsync=off" \
    start >&2 || die "postgres did not start (see $PG_DIR/server.log)"
  log "postgres $("$bin/postgres" --version | sed -n 's/.*(PostgreSQL) \([0-9.]*\).*/\1/p') on 127.0.0.1:$PG_PORT"
}

stop_all() {
  if redis_up; then
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    log "redis stopped"
  fi
  local bin
  if bin="$(pg_bin)" && [[ -f "$PG_DIR/postmaster.pid" ]]; then
    as_postgres "$bin/pg_ctl" -D "$PG_DIR" -m fast -w -t 60 stop >/dev/null 2>&1 || true
    log "postgres stopped"
  fi
}

fresh_db() {
  local name="${1:?fresh-db needs a database name}"
  [[ "$name" =~ ^[a-z_][a-z0-9_]*$ ]] || die "database name must be lowercase letters, digits and _"
  pg_up || die "postgres is not running on 127.0.0.1:$PG_PORT"
  PGOPTIONS='-c client_min_messages=warning' psql -q -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d postgres -v ON_ERROR_STOP=1 \
    -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" -c "CREATE DATABASE $name" >&2
  log "database $name is empty"
}

case "${1:-}" in
  install) install_packages ;;
  start)
    install_packages
    start_redis
    start_postgres
    printf 'REDIS_PORT=%s\nPG_PORT=%s\nPG_USER=%s\n' "$REDIS_PORT" "$PG_PORT" "$PG_USER"
    ;;
  stop) stop_all ;;
  status)
    redis_up && echo "redis: up on $REDIS_PORT" || echo "redis: down"
    pg_up && echo "postgres: up on $PG_PORT" || echo "postgres: down"
    ;;
  fresh-db) fresh_db "${2:-}" ;;
  restart-redis)
    # As after a crash: nothing kept (the server runs without persistence), then up again.
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    for _ in $(seq 1 50); do redis_up || break; sleep 0.1; done
    sleep "${2:-2}"
    start_redis
    ;;
  *)
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
