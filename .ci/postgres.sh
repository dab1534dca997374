#!/usr/bin/env bash
# Make a PostgreSQL server available on loopback for the test suite, idempotently.
#
# On a fresh Debian machine (as root) this installs the `postgresql` package when its binaries
# are missing, starts a cluster, creates the role and database `observatory_test`, and prints
# the SQLAlchemy URL on its LAST line, e.g.
#   postgresql+psycopg://observatory:observatory@127.0.0.1:5432/observatory_test
# Usage: export OBSERVATORY_TEST_POSTGRES_URL="$(.ci/postgres.sh | tail -n 1)"
#
# Without a Debian cluster (pg_ctlcluster) it falls back to initdb in $PGDATA_DIR (default
# /tmp/observatory-pg) owned by the postgres user, on port $PG_PORT (default 54329).
set -euo pipefail

DB_NAME="${PG_DB_NAME:-observatory_test}"
DB_USER="${PG_DB_USER:-observatory}"
DB_PASSWORD="${PG_DB_PASSWORD:-observatory}"
FALLBACK_PORT="${PG_PORT:-54329}"
FALLBACK_DATA="${PGDATA_DIR:-/tmp/observatory-pg}"

log() { echo "postgres.sh: $*" >&2; }

as_postgres() {
    if [ "$(id -un)" = "postgres" ]; then "$@"; else runuser -u postgres -- "$@"; fi
}

install_if_missing() {
    if command -v pg_ctlcluster >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
        return
    fi
    if [ "$(id -u)" -ne 0 ]; then
        log "PostgreSQL is not installed and this script is not running as root"
        exit 1
    fi
    log "installing postgresql"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y postgresql >&2; then
        apt-get update >&2
        apt-get install -y postgresql >&2
    fi
}

wait_ready() {  # host port
    local bin
    bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
    for _ in $(seq 1 60); do
        if "$bin/pg_isready" -h "$1" -p "$2" -q; then return 0; fi
        sleep 0.5
    done
    log "server on $1:$2 did not become ready"
    exit 1
}

start_debian_cluster() {  # prints the port
    local version port status
    # the newest cluster named main, created by the package
    read -r version port status < <(pg_lsclusters -h | awk '$2 == "main" {print $1, $3, $4}' | sort -V | tail -n 1)
    if [ -z "${version:-}" ]; then
        version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
        log "creating cluster $version/main"
        pg_createcluster "$version" main >&2
        read -r version port status < <(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $1, $3, $4}')
    fi
    if [ "$status" != "online" ]; then
        log "starting cluster $version/main on port $port"
        pg_ctlcluster "$version" main start >&2
    fi
    wait_ready 127.0.0.1 "$port"
    echo "$port"
}

start_own_cluster() {  # prints the port
    local bin
    bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
    if [ ! -f "$FALLBACK_DATA/PG_VERSION" ]; then
        mkdir -p "$FALLBACK_DATA"
        chown postgres:postgres "$FALLBACK_DATA" 2>/dev/null || true
        as_postgres "$bin/initdb" -D "$FALLBACK_DATA" -A scram-sha-256 --pwfile=<(echo postgres) >&2
    fi
    if ! as_postgres "$bin/pg_ctl" -D "$FALLBACK_DATA" status >/dev/null 2>&1; then
        as_postgres "$bin/pg_ctl" -D "$FALLBACK_DATA" -l "$FALLBACK_DATA/server.log" \
            -o "-p $FALLBACK_PORT -k /tmp -c listen_addresses=127.0.0.1" -w start >&2
    fi
    wait_ready 127.0.0.1 "$FALLBACK_PORT"
    echo "$FALLBACK_PORT"
}

psql_admin() {  # port, SQL...
    local port="$1"
    shift
    if [ -n "${OWN_CLUSTER:-}" ]; then
        PGPASSWORD=postgres psql -h 127.0.0.1 -p "$port" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"
    else
        as_postgres psql -p "$port" -v ON_ERROR_STOP=1 -qtA "$@"
    fi
}

install_if_missing
if command -v pg_ctlcluster >/dev/null 2>&1; then
    PORT="$(start_debian_cluster)"
else
    OWN_CLUSTER=1
    PORT="$(start_own_cluster)"
fi

if [ "$(psql_admin "$PORT" -c "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'")" != "1" ]; then
    log "creating role $DB_USER"
    psql_admin "$PORT" -c "CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASSWORD' CREATEDB"
else
    psql_admin "$PORT" -c "ALTER ROLE $DB_USER LOGIN PASSWORD '$DB_PASSWORD' CREATEDB"
fi
if [ "$(psql_admin "$PORT" -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != "1" ]; then
    log "creating database $DB_NAME"
    psql_admin "$PORT" -c "CREATE DATABASE $DB_NAME OWNER $DB_USER"
fi

echo "postgresql+psycopg://$DB_USER:$DB_PASSWORD@127.0.0.1:$PORT/$DB_NAME"
