# shellcheck shell=bash
# Helpers shared by scripts/dev, scripts/run-tests and scripts/e2e-smoke.
# Source it (after `set -euo pipefail`); it defines functions and a few paths, nothing runs.
#
# Every long-running process is started with `setsid`, so it leads its own process group
# (its pgid is its pid). `stop_started` signals whole groups, which also reaches the
# grandchildren: `cargo lambda watch` runs `cargo run`, which runs the function binary.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
VENV_PY="$VENV/bin/python"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

# Process-group ids of what this script started, in start order.
STARTED_PGIDS=()
STARTED_NAMES=()

log() { printf '==> %s\n' "$*" >&2 || true; }
warn() { printf 'warning: %s\n' "$*" >&2 || true; }
die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

# ensure_venv: create or refresh .venv (a no-op when it is current).
ensure_venv() {
    "$ROOT/scripts/ensure-venv"
}

# free_port: print a TCP port on 127.0.0.1 that nothing listens on right now.
# (The kernel picks it; there is a small race until our server binds it, which is fine here.)
free_port() {
    "$VENV_PY" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# port_in_use PORT: true if something accepts connections on 127.0.0.1:PORT.
port_in_use() {
    "$VENV_PY" -c 'import socket, sys
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()
except OSError:
    sys.exit(1)' "$1"
}

# start_bg NAME LOGFILE CMD...: run CMD in its own process group, output to LOGFILE
# ("-" keeps this terminal). Sets LAST_PID.
start_bg() {
    local name=$1 logfile=$2
    shift 2
    if [[ $logfile == - ]]; then
        setsid "$@" </dev/null &
    else
        setsid "$@" </dev/null >"$logfile" 2>&1 &
    fi
    LAST_PID=$!
    STARTED_PGIDS+=("$LAST_PID")
    STARTED_NAMES+=("$name")
}

# group_alive PGID: true while any process of the group exists.
group_alive() {
    kill -0 -- "-$1" 2>/dev/null
}

# descendants PID: print the pids of PID's children, grandchildren and so on.
descendants() {
    local child
    for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
        echo "$child"
        descendants "$child"
    done
}

# stop_pids TIMEOUT_TENTHS PID...: SIGTERM each live pid, SIGKILL those left after the wait.
stop_pids() {
    local tenths=$1 pid live waited
    shift
    kill -TERM "$@" 2>/dev/null
    for ((waited = 0; waited < tenths; waited++)); do
        live=()
        for pid in "$@"; do kill -0 "$pid" 2>/dev/null && live+=("$pid"); done
        ((${#live[@]} > 0)) || return 0
        sleep 0.1
    done
    kill -KILL "$@" 2>/dev/null
}

# stop_started: stop everything start_bg started, newest first: SIGTERM to the process
# group, SIGKILL after 5 s. Processes that moved to a group of their own (cargo-lambda runs
# each function instance in one) are stopped by pid afterwards if they outlived the group.
# Runs from exit traps, so it must finish whatever happens: no errexit, and a closed
# terminal or pipe (SIGPIPE) must not cut it short.
stop_started() {
    local - i pgid name waited tree pid
    set +e
    trap '' PIPE
    for ((i = ${#STARTED_PGIDS[@]} - 1; i >= 0; i--)); do
        pgid=${STARTED_PGIDS[i]}
        name=${STARTED_NAMES[i]}
        group_alive "$pgid" || continue
        log "stopping $name"
        tree=$(descendants "$pgid")
        kill -TERM -- "-$pgid" 2>/dev/null
        for ((waited = 0; waited < 50; waited++)); do
            group_alive "$pgid" || break
            sleep 0.1
        done
        if group_alive "$pgid"; then
            warn "$name did not stop on SIGTERM; killing it"
            kill -KILL -- "-$pgid" 2>/dev/null
        fi
        wait "$pgid" 2>/dev/null
        for pid in $tree; do
            kill -0 "$pid" 2>/dev/null && stop_pids 30 "$pid"
        done
    done
    STARTED_PGIDS=()
    STARTED_NAMES=()
    trap - PIPE
    return 0
}

# wait_for_http URL TIMEOUT_SECONDS PID NAME: wait until URL answers with any HTTP status.
# Fails early if process PID has exited (its log says why).
wait_for_http() {
    local url=$1 timeout=$2 pid=$3 name=$4
    local deadline=$((SECONDS + timeout))
    until curl -s -o /dev/null --max-time 2 "$url"; do
        kill -0 "$pid" 2>/dev/null || {
            warn "$name exited before it answered on $url"
            return 1
        }
        ((SECONDS < deadline)) || {
            warn "$name did not answer on $url within ${timeout}s"
            return 1
        }
        sleep 0.2
    done
}

# start_moto PORT LOGFILE: start moto's server on 127.0.0.1:PORT and wait until it answers.
start_moto() {
    local port=$1 logfile=$2
    start_bg moto "$logfile" "$VENV/bin/python" "$ROOT/scripts/moto-server" -H 127.0.0.1 -p "$port"
    wait_for_http "http://127.0.0.1:$port/moto-api/" 60 "$LAST_PID" moto
}

# export_aws_env ENDPOINT: point the AWS SDK (ours and any other) at the emulator.
# The credentials are dummies; moto accepts any.
export_aws_env() {
    export AWS_ENDPOINT_URL=$1
    export AWS_ACCESS_KEY_ID=test
    export AWS_SECRET_ACCESS_KEY=test
    export AWS_REGION=us-east-1
    export AWS_DEFAULT_REGION=us-east-1
    # moto on an IP address cannot serve virtual-hosted buckets (bucket.127.0.0.1).
    export S3_FORCE_PATH_STYLE=true
    # Never pick up a developer's real profile or SSO session by accident.
    export AWS_CONFIG_FILE=/dev/null
    export AWS_SHARED_CREDENTIALS_FILE=/dev/null
    unset AWS_PROFILE AWS_SESSION_TOKEN
}

# build_binaries: build every binary once, so `cargo lambda watch` starts the functions
# without compiling on the first request, and so we run target/debug/* directly.
build_binaries() {
    log "building the workspace binaries (the first build takes several minutes)"
    (cd "$ROOT" && cargo build --workspace --bins)
}

# write_env_file PREFIX FILE: create the stack PREFIX in the emulator (idempotent) and write
# the functions' environment to FILE. Needs export_aws_env first.
write_env_file() {
    local prefix=$1 file=$2 provisioned key
    provisioned=$("$TARGET_DIR/debug/provision" --prefix "$prefix") ||
        die "provisioning '$prefix' against $AWS_ENDPOINT_URL failed"
    for key in BUCKET_NAME TABLE_NAME QUEUE_URL DLQ_URL; do
        grep -q "^$key=" <<<"$provisioned" || die "provision printed no $key= line"
    done
    mkdir -p "$(dirname "$file")"
    {
        echo "# Written by scripts/$(basename "$0") on $(date -u +%FT%TZ); rewritten on each start."
        echo "$provisioned"
        echo "AWS_ENDPOINT_URL=$AWS_ENDPOINT_URL"
        echo "AWS_REGION=$AWS_REGION"
        echo "AWS_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID"
        echo "AWS_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY"
        echo "S3_FORCE_PATH_STYLE=$S3_FORCE_PATH_STYLE"
        echo "RUST_LOG=${RUST_LOG:-info}"
    } >"$file"
}

# env_value KEY FILE: print KEY's value from a KEY=VALUE file.
env_value() {
    sed -n "s/^$1=//p" "$2" | tail -n 1
}

# start_watch PORT ENV_FILE LOGFILE [EXTRA_ARGS...]: start `cargo lambda watch` (from the
# venv) on 127.0.0.1:PORT and wait until it answers. Routes come from Cargo.toml's
# [workspace.metadata.lambda.watch.router].
start_watch() {
    local port=$1 env_file=$2 logfile=$3
    shift 3
    # cargo finds the `cargo-lambda` subcommand on PATH.
    start_bg "cargo lambda watch" "$logfile" env PATH="$VENV/bin:$PATH" \
        cargo lambda watch --invoke-address 127.0.0.1 --invoke-port "$port" \
        --env-file "$env_file" "$@"
    # A GET on the Invoke API answers 405 at once: it proves the server is up without
    # invoking (or logging about) any function.
    wait_for_http "http://127.0.0.1:$port/2015-03-31/functions/upload/invocations" 60 \
        "$LAST_PID" "cargo lambda watch"
}

# start_bridge QUEUE_URL WATCH_PORT FUNCTION LOGFILE: start a local SQS event-source bridge
# that feeds FUNCTION from QUEUE_URL, as Lambda's event-source mapping does in AWS.
start_bridge() {
    local queue_url=$1 port=$2 function=$3 logfile=$4
    start_bg "sqs-bridge ($function)" "$logfile" "$TARGET_DIR/debug/sqs-bridge" \
        --queue-url "$queue_url" \
        --invoke-url "http://127.0.0.1:$port/2015-03-31/functions/$function/invocations"
    sleep 0.5
    kill -0 "$LAST_PID" 2>/dev/null || die "sqs-bridge for $function exited at start (see its output)"
}
