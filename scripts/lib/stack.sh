# shellcheck shell=bash
# Helpers shared by scripts/dev and scripts/test: packages, a private Redis,
# a private PostgreSQL cluster and HTTP readiness waits.
#
# Source this file; it defines functions only. Everything here is written to
# work under `set -euo pipefail` and every start/stop is idempotent, so callers
# can run them again without checking state first.

STACK_APT_PACKAGES=(
    redis-server redis-tools postgresql libhiredis-dev libpq-dev
    libcurl4-openssl-dev libssl-dev pkg-config curl python3-venv jq
)

stack_log() { printf '[stack] %s\n' "$*" >&2; }
stack_die() { printf '[stack] error: %s\n' "$*" >&2; return 1; }

# Run a command as root: we are root on CI; a developer may need sudo.
as_root() {
    if ((EUID == 0)); then "$@"; else sudo "$@"; fi
}

# ---------------------------------------------------------------- packages --

# Prints the packages from STACK_APT_PACKAGES that are not installed.
missing_packages() {
    local pkg
    for pkg in "${STACK_APT_PACKAGES[@]}"; do
        if [[ $(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null) != "install ok installed" ]]; then
            printf '%s\n' "$pkg"
        fi
    done
}

# Installs only what is missing, so the common case costs no network at all.
ensure_packages() {
    local missing
    mapfile -t missing < <(missing_packages)
    if ((${#missing[@]} == 0)); then
        return 0
    fi
    stack_log "installing: ${missing[*]}"
    # Package installs would start a system-wide Redis on 6379 and a
    # PostgreSQL "main" cluster on 5432; we run our own, so tell invoke-rc.d
    # to start nothing (exit 101 = "action forbidden") while we install.
    local policy=/usr/sbin/policy-rc.d added_policy=0
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null
        as_root chmod 755 "$policy"
        added_policy=1
    fi
    local rc=0
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || rc=$?
    if ((rc == 0)); then
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            --no-install-recommends "${missing[@]}" >/dev/null || rc=$?
    fi
    if ((added_policy)); then as_root rm -f "$policy"; fi
    ((rc == 0)) || stack_die "apt-get failed (exit $rc) installing: ${missing[*]}"
}

# ---------------------------------------------------------------- processes --

# True when the pid stored in FILE belongs to a live process.
pidfile_alive() {
    local file=$1 pid
    [[ -s $file ]] || return 1
    pid=$(head -n1 "$file")
    [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null
}

# Waits up to SECONDS for PID to exit; returns 1 if it is still alive.
wait_pid_gone() {
    local pid=$1 deadline=$((SECONDS + $2))
    while kill -0 "$pid" 2>/dev/null; do
        ((SECONDS < deadline)) || return 1
        sleep 0.2
    done
}

# Absolute path of DIR (created if needed): daemons chdir, so relative paths break.
abs_dir() {
    mkdir -p "$1"
    (cd "$1" && pwd)
}

# ------------------------------------------------------------------- redis --

redis_ping() {
    [[ $(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null) == PONG ]]
}

# start_redis DIR PORT — a daemonized redis-server keeping its data, pid file
# and log in DIR. A no-op when our server in DIR is already running.
start_redis() {
    local dir port=$2
    dir=$(abs_dir "$1")
    if pidfile_alive "$dir/redis.pid" && redis_ping "$port"; then
        return 0
    fi
    if redis_ping "$port"; then
        stack_die "port $port already answers Redis PING but it is not the server in $dir"
        return 1
    fi
    # Loopback only and password-less by design (throwaway local data), so
    # protected mode would add nothing but refusals.
    redis-server --daemonize yes --port "$port" --bind 127.0.0.1 \
        --protected-mode no --appendonly yes --dir "$dir" \
        --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
    local deadline=$((SECONDS + 15))
    until redis_ping "$port"; do
        if ((SECONDS >= deadline)); then
            tail -n 20 "$dir/redis.log" >&2 || true
            stack_die "redis on port $port did not answer PING within 15 s"
            return 1
        fi
        sleep 0.1
    done
}

# stop_redis DIR PORT — stops only the server whose pid file lives in DIR.
# SIGTERM makes Redis flush the AOF and exit cleanly.
stop_redis() {
    local dir=$1 port=$2 pid
    pidfile_alive "$dir/redis.pid" || return 0
    pid=$(head -n1 "$dir/redis.pid")
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_pid_gone "$pid" 10; then
        stack_log "redis (pid $pid, port $port) ignored SIGTERM; killing it"
        kill -KILL "$pid" 2>/dev/null || true
        wait_pid_gone "$pid" 5 || true
    fi
    rm -f "$dir/redis.pid"
}

# -------------------------------------------------------------- postgresql --
#
# Layout of start_postgres DIR: DIR/data (cluster), DIR/socket (unix socket),
# DIR/postgres.log. As root the server runs as `postgres`, which must be able
# to traverse every parent of DIR; when it cannot (a checkout under a 0700
# directory), the cluster lives in /tmp/ballast-pg.XXXXXX instead and
# DIR/pg-home links to it, so stop_postgres and purge_postgres still find it.

# Newest installed server version's bin dir (Debian keeps one per major).
pg_bindir() {
    local dir
    dir=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n1)
    [[ -n $dir && -x $dir/pg_ctl ]] || { stack_die "no PostgreSQL server under /usr/lib/postgresql"; return 1; }
    printf '%s\n' "$dir"
}

# initdb and postgres refuse to run as root, so as root we drop to the
# `postgres` system user; a non-root developer runs them as themselves.
as_pg() {
    if ((EUID == 0)); then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_owner() {
    if ((EUID == 0)); then echo postgres; else id -un; fi
}

pg_ready() {
    "$(pg_bindir)/pg_isready" -q -h 127.0.0.1 -p "$1" -U postgres -d postgres -t 1
}

# Where DIR's cluster lives (DIR itself unless redirected); creates nothing.
pg_home_of() {
    if [[ -L $1/pg-home ]]; then readlink "$1/pg-home"; else printf '%s\n' "$1"; fi
}

# Like pg_home_of, but first decides on (and prepares) the location.
pg_prepare_home() {
    local dir=$1 home
    if [[ ! -L $dir/pg-home ]]; then
        chown "$(pg_owner)": "$dir"
        if ! as_pg test -x "$dir"; then
            home=$(mktemp -d /tmp/ballast-pg.XXXXXX)
            ln -s "$home" "$dir/pg-home"
            stack_log "$(pg_owner) cannot reach $dir; cluster kept in $home"
        fi
    fi
    home=$(pg_home_of "$dir")
    mkdir -p "$home/socket"
    touch "$home/postgres.log"
    chown -R "$(pg_owner)": "$home"
    printf '%s\n' "$home"
}

# Creates the cluster in HOME/data once.
pg_init_cluster() {
    local home=$1 bin=$2
    [[ -f $home/data/PG_VERSION ]] && return 0
    # These are throwaway clusters bound to 127.0.0.1 and a socket inside DIR,
    # so "trust" auth for local and loopback connections is acceptable here.
    # Never copy this setting to anything reachable from another machine.
    # (initdb creates HOME/data itself, owned by the server user.)
    as_pg "$bin/initdb" -D "$home/data" --username=postgres --auth=trust \
        --encoding=UTF8 --locale=C >"$home/initdb.log" 2>&1 ||
        { cat "$home/initdb.log" >&2; stack_die "initdb failed"; return 1; }
    # Per-start settings live in ballast.conf (rewritten by start_postgres).
    # fsync, synchronous_commit etc. keep their safe defaults on purpose.
    echo "include_if_exists = 'ballast.conf'" | as_pg tee -a "$home/data/postgresql.conf" >/dev/null
}

# Unix socket paths are limited to 107 bytes; a deep checkout can exceed
# that, and then the server would refuse to start. Everything here connects
# over TCP, so in that case we simply run without a unix socket.
pg_socket_dir() {
    local candidate=$1/socket port=$2
    if ((${#candidate} + ${#port} + 10 <= 100)); then
        printf '%s\n' "$candidate"
    else
        stack_log "socket path under $1 is too long; PostgreSQL will use TCP only"
    fi
}

# start_postgres DIR PORT [MAX_CONNECTIONS] — a private cluster listening on
# 127.0.0.1:PORT only (MAX_CONNECTIONS defaults to PostgreSQL's 100). A no-op
# when DIR's cluster is already running.
start_postgres() {
    local dir port=$2 max_connections=${3:-100} bin home
    dir=$(abs_dir "$1")
    bin=$(pg_bindir)
    home=$(pg_prepare_home "$dir")
    pg_init_cluster "$home" "$bin"
    if as_pg "$bin/pg_ctl" -D "$home/data" status >/dev/null 2>&1; then
        pg_wait_ready "$home" "$port"
        return 0
    fi
    # Quoted values survive paths with spaces, unlike pg_ctl -o.
    as_pg tee "$home/data/ballast.conf" >/dev/null <<EOF
listen_addresses = '127.0.0.1'
port = $port
max_connections = $max_connections
unix_socket_directories = '$(pg_socket_dir "$home" "$port")'
EOF
    if ! as_pg "$bin/pg_ctl" -D "$home/data" -l "$home/postgres.log" -w -t 30 start >/dev/null; then
        tail -n 20 "$home/postgres.log" >&2 || true
        stack_die "postgres in $home failed to start on port $port"
        return 1
    fi
    pg_wait_ready "$home" "$port"
}

pg_wait_ready() {
    local home=$1 port=$2 deadline=$((SECONDS + 30))
    until pg_ready "$port"; do
        if ((SECONDS >= deadline)); then
            tail -n 20 "$home/postgres.log" >&2 || true
            stack_die "postgres on port $port not ready within 30 s"
            return 1
        fi
        sleep 0.2
    done
}

# stop_postgres DIR — fast shutdown (rolls back open transactions, then a
# clean checkpoint); immediate mode only if that hangs.
stop_postgres() {
    local home bin
    home=$(pg_home_of "$1")
    [[ -f $home/data/postmaster.pid ]] || return 0
    bin=$(pg_bindir)
    as_pg "$bin/pg_ctl" -D "$home/data" status >/dev/null 2>&1 || return 0
    if ! as_pg "$bin/pg_ctl" -D "$home/data" -m fast -w -t 20 stop >/dev/null; then
        stack_log "postgres in $home did not stop in 20 s; using immediate mode"
        as_pg "$bin/pg_ctl" -D "$home/data" -m immediate -w -t 10 stop >/dev/null || true
    fi
}

# purge_postgres DIR — stop, then delete a cluster kept outside DIR (the
# caller deletes DIR itself).
purge_postgres() {
    stop_postgres "$1"
    if [[ -L $1/pg-home ]]; then
        rm -rf "$(readlink "$1/pg-home")"
        rm -f "$1/pg-home"
    fi
}

# ensure_database PORT ROLE PASSWORD DB — LOGIN+CREATEDB role owning DB.
# Safe to repeat: creates what is missing and re-applies the role's password.
ensure_database() {
    local port=$1 role=$2 password=$3 db=$4
    "$(pg_bindir)/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" \
        -U postgres -d postgres \
        -v role="$role" -v password="$password" -v db="$db" >/dev/null <<'SQL'
SELECT format('CREATE ROLE %I', :'role')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('ALTER ROLE %I LOGIN CREATEDB PASSWORD %L', :'role', :'password') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'role')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
SQL
}

# -------------------------------------------------------------------- http --

# wait_http URL TIMEOUT [PID] — until URL answers 2xx, for at most TIMEOUT
# seconds. With PID, gives up as soon as that process has exited.
wait_http() {
    local url=$1 timeout=$2 pid=${3:-} deadline=$((SECONDS + $2))
    until curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
        if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
            stack_log "process $pid exited while waiting for $url"
            return 1
        fi
        if ((SECONDS > deadline)); then
            stack_log "$url not ready after ${timeout}s"
            return 1
        fi
        sleep 0.5
    done
}
