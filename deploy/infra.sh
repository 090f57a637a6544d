#!/usr/bin/env bash
# Make sure the local infrastructure that `make run` / `make test` need is up:
#   - RabbitMQ   ($RABBITMQ_HOST:$RABBITMQ_PORT; no guest needed: `make run`
#                makes an account per process and the tests a user per vhost,
#                both with rabbitmqctl, so run as root on the broker's machine)
#   - PostgreSQL ($PGHOST:$PGPORT, trust auth for user postgres)
#
# Idempotent: anything that already answers is left alone (never stopped or
# restarted), so it is cheap to call before every run. On a fresh Debian-like
# machine, run as root, it installs and starts what is missing.
set -euo pipefail

RABBITMQ_HOST=${RABBITMQ_HOST:-127.0.0.1}
RABBITMQ_PORT=${RABBITMQ_PORT:-5672}
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
WAIT_SECONDS=${INFRA_WAIT_SECONDS:-60}

# rabbitmq-server/rabbitmqctl live in /usr/sbin, which is not on a normal
# user's PATH on Debian; without it we would wrongly think they are missing.
PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin

APT_UPDATED=0

log() { echo "infra: $*"; }
die() { echo "infra: error: $*" >&2; exit 1; }

# TCP reachability via bash's /dev/tcp, so no nc/curl is needed. The inner
# bash gets host/port as arguments, not interpolated into the script text.
port_open() {
    # shellcheck disable=SC2016  # $1/$2 are meant for the inner bash
    timeout 1 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# We only ever install/start services on this machine; a remote host that
# does not answer is someone else's to fix.
is_local() {
    case $1 in
        localhost | ::1 | 127.*) return 0 ;;
        *) return 1 ;;
    esac
}

can_install() {
    [[ $EUID -eq 0 && -f /etc/debian_version ]] && command -v apt-get >/dev/null
}

apt_install() {
    if [[ $APT_UPDATED -eq 0 ]]; then
        apt-get update -qq
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

# wait_until <description> <command...>: poll every 0.5 s until the command
# succeeds or the component's deadline ($deadline, set by the caller) passes.
wait_until() {
    local what=$1
    shift
    until "$@"; do
        ((SECONDS < deadline)) || die "timed out after ${WAIT_SECONDS}s waiting for $what"
        sleep 0.5
    done
}

# Trust auth for loopback TCP, matching what the tests and `make run` expect
# (user postgres, no password). Prepended because pg_hba.conf is first-match,
# so it takes precedence over Debian's default scram-sha-256 lines. Only used
# on a cluster this script just installed, never on an existing setup.
pg_trust_loopback() {
    local hba=$1 marker="# coordonare deploy/infra.sh: trust loopback TCP"
    grep -qF "$marker" "$hba" && return 0
    local tmp
    tmp=$(mktemp)
    {
        echo "$marker"
        echo "host    all             all             127.0.0.1/32            trust"
        echo "host    all             all             ::1/128                 trust"
        echo
        cat "$hba"
    } >"$tmp"
    # cat into the existing file keeps its owner and mode (postgres, 0640).
    cat "$tmp" >"$hba"
    rm -f "$tmp"
}

ensure_postgres() {
    local addr="$PGHOST:$PGPORT" state="" installed=0
    if ! port_open "$PGHOST" "$PGPORT"; then
        is_local "$PGHOST" ||
            die "postgresql $addr is not reachable; start it there or point PGHOST/PGPORT at a running server"
        if ! command -v pg_ctlcluster >/dev/null; then
            can_install || die "postgresql $addr is not reachable and not installed.
  On Debian/Ubuntu run this script as root (sudo $0) to install it, or install
  PostgreSQL yourself, allow trust auth for user postgres from 127.0.0.1/32,
  start it on port $PGPORT (or set PGHOST/PGPORT) and run this again."
            log "installing postgresql"
            apt_install postgresql
            installed=1
        fi
        [[ $EUID -eq 0 ]] ||
            die "postgresql $addr is not running; start it as root: sudo $0"

        local version cluster=main
        # Version directories are plain numbers (15, 16, ...), so ls is safe.
        # shellcheck disable=SC2012
        version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1)
        [[ -n $version && -d /etc/postgresql/$version/$cluster ]] ||
            die "no PostgreSQL cluster '$cluster' under /etc/postgresql; create one with: pg_createcluster <version> $cluster"

        if [[ $installed -eq 1 ]]; then
            pg_trust_loopback "/etc/postgresql/$version/$cluster/pg_hba.conf"
        fi
        # The cluster may be running but not (yet) answering, e.g. the package
        # postinst just started it; starting it again would fail, so reload to
        # pick up pg_hba.conf instead.
        if ! pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" status >/dev/null 2>&1; then
            pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start
        elif [[ $installed -eq 1 ]]; then
            pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" reload
        fi
        state=" (started)"
        if [[ $installed -eq 1 ]]; then state=" (installed, started)"; fi
    fi

    local deadline=$((SECONDS + WAIT_SECONDS))
    wait_until "postgresql $addr" port_open "$PGHOST" "$PGPORT"
    log "postgresql $addr ready$state"
}

# rabbitmqctl only works as root or the rabbitmq user (Debian's wrapper
# refuses anyone else) and only says something useful about a local node.
rabbitmqctl_usable() {
    is_local "$RABBITMQ_HOST" && command -v rabbitmqctl >/dev/null &&
        { [[ $EUID -eq 0 ]] || [[ $(id -un) == rabbitmq ]]; }
}

ensure_rabbitmq() {
    local addr="$RABBITMQ_HOST:$RABBITMQ_PORT" state="" installed=0
    if ! port_open "$RABBITMQ_HOST" "$RABBITMQ_PORT"; then
        is_local "$RABBITMQ_HOST" ||
            die "rabbitmq $addr is not reachable; start it there or point RABBITMQ_HOST/RABBITMQ_PORT at a running broker"
        if ! command -v rabbitmq-server >/dev/null; then
            can_install || die "rabbitmq $addr is not reachable and rabbitmq-server is not installed.
  On Debian/Ubuntu run this script as root (sudo $0) to install it, or install
  RabbitMQ yourself (rabbitmqctl must work for this user), start it on port
  $RABBITMQ_PORT (or set RABBITMQ_HOST/RABBITMQ_PORT) and run this again."
            log "installing rabbitmq-server"
            apt_install rabbitmq-server
            installed=1
        fi
        [[ $EUID -eq 0 ]] ||
            die "rabbitmq $addr is not running; start it as root: sudo $0"

        # A node that is still booting (or was started by the package postinst)
        # answers ping before its AMQP listener is up; leave it to finish.
        if ! rabbitmqctl -q ping >/dev/null 2>&1; then
            rabbitmq-server -detached
        fi
        state=" (started)"
        if [[ $installed -eq 1 ]]; then state=" (installed, started)"; fi
    fi

    local deadline=$((SECONDS + WAIT_SECONDS))
    wait_until "rabbitmq $addr" port_open "$RABBITMQ_HOST" "$RABBITMQ_PORT"
    if rabbitmqctl_usable; then
        # The port can open before all plugins/vhosts are ready.
        wait_until "rabbitmq startup (rabbitmqctl await_startup)" \
            rabbitmq_started
    fi
    log "rabbitmq $addr ready$state"
}

rabbitmq_started() {
    rabbitmqctl -q await_startup --timeout 5 >/dev/null 2>&1
}

# The web app: npm installs its front-end packages (make setup), Chromium runs
# its browser stories (tests/browser). Installed when absent, like the rest.
ensure_web_tools() {
    local missing=()
    command -v npm >/dev/null || missing+=(nodejs npm)
    [[ -x /usr/bin/chromium ]] || missing+=(chromium)
    if [[ ${#missing[@]} -eq 0 ]]; then
        log "web tools ready (npm, chromium)"
        return
    fi
    can_install || die "missing ${missing[*]}: install them (apt-get install ${missing[*]}) or run as root: sudo $0"
    apt_install "${missing[@]}"
    log "web tools installed (${missing[*]})"
}

ensure_postgres
ensure_rabbitmq
ensure_web_tools
