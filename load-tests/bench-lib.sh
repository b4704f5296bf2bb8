# shellcheck shell=bash disable=SC2034 # a library: its variables are read by the scripts that source it
# Shared by ingest-bench.sh and pipeline-bench.sh, sourced from the repository root after
# `set -euo pipefail`: bounded waits, the bookkeeping that stops every process a benchmark started
# (on success, failure and Ctrl-C), CPU accounting from /proc, and starting BenchPostgres and
# storepulse on 127.0.0.1.

LOAD_JAR=load-tests/target/storepulse-load-tests.jar
# another build can be compared with STOREPULSE_JAR=path/to/storepulse.jar
STOREPULSE_JAR=${STOREPULSE_JAR:-target/storepulse.jar}
# every step that waits has a bound, so a hung server cannot hold the run
READY_SECONDS=60
STOP_SECONDS=30

BENCH_NAME=$(basename "$0" .sh)

log() { echo "==> $*" >&2; }
fail() { echo "$BENCH_NAME: $*" >&2; exit 1; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# --- process bookkeeping: everything started here is stopped on exit, Ctrl-C or failure -------

WORK=$(mktemp -d -t storepulse-bench.XXXXXX)
PIDS=()
PG_POSTMASTER=""
PG_DATA=""

forget() {
  local kept=() pid
  for pid in "${PIDS[@]}"; do
    [[ $pid == "$1" ]] || kept+=("$pid")
  done
  PIDS=("${kept[@]+"${kept[@]}"}")
}

# stop PID [GRACE]: SIGTERM, then SIGKILL if it is still there after GRACE seconds
stop() {
  local pid=$1 grace=${2:-$STOP_SECONDS}
  local deadline=$((SECONDS + grace))
  if kill -TERM "$pid" 2>/dev/null; then
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      log "pid $pid did not stop within ${grace}s, killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
  forget "$pid"
}

# BenchPostgres stops its server from a shutdown hook; this covers a JVM that was killed first
stop_postmaster() {
  [[ -n $PG_POSTMASTER ]] || return 0
  local deadline=$((SECONDS + STOP_SECONDS))
  while kill -0 "$PG_POSTMASTER" 2>/dev/null && ((SECONDS < deadline)); do
    # SIGINT is PostgreSQL's fast shutdown
    kill -INT "$PG_POSTMASTER" 2>/dev/null || true
    sleep 0.5
  done
  kill -KILL "$PG_POSTMASTER" 2>/dev/null || true
  if [[ $PG_DATA == */storepulse-bench-pg-* && -d $PG_DATA ]]; then
    rm -rf "$PG_DATA"
  fi
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  local i
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    stop "${PIDS[i]}"
  done
  stop_postmaster
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# bounded SECONDS COMMAND...: COMMAND with a hard time limit, waited for in the background so that
# a signal to this script interrupts the wait and cleanup stops it
bounded() {
  local limit=$1
  shift
  timeout -k 5 "$limit" "$@" &
  local pid=$!
  PIDS+=("$pid")
  local status=0
  wait "$pid" || status=$?
  forget "$pid"
  return "$status"
}

# wait_for_line FILE PATTERN PID SECONDS: until FILE has a line matching PATTERN; fails if PID dies
wait_for_line() {
  local file=$1 pattern=$2 pid=$3 deadline=$((SECONDS + $4))
  until grep -q "$pattern" "$file" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$file" "${file%.out}.err" >&2 2>/dev/null; fail "pid $pid exited before '$pattern'"; }
    ((SECONDS < deadline)) || fail "no '$pattern' in $file after $4 s"
    sleep 0.2
  done
}

# --- measurements ---------------------------------------------------------------------------

CLK_TCK=$(getconf CLK_TCK)

# CPU ticks (user + system) of a process and of its children it has reaped
cpu_ticks() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  # fields after "(comm) ": utime, stime, cutime, cstime are the 12th to 15th
  awk '{ print $12 + $13 + $14 + $15 }' <<<"${stat##*) }"
}

# CPU ticks of PostgreSQL: the postmaster, the backends it reaped, the backends still running
postgres_ticks() {
  local total child
  total=$(cpu_ticks "$PG_POSTMASTER")
  for child in $(pgrep -P "$PG_POSTMASTER"); do
    total=$((total + $(cpu_ticks "$child")))
  done
  echo "$total"
}

calc() { awk "BEGIN { printf \"$1\", $2 }"; }

# --- servers --------------------------------------------------------------------------------

# start_postgres PORT: BenchPostgres on 127.0.0.1:PORT; sets PG_JAVA, PG_POSTMASTER, PG_DATA,
# PG_URL and PG_SETTINGS
start_postgres() {
  log "starting PostgreSQL on 127.0.0.1:$1"
  java -cp "$LOAD_JAR" io.storepulse.loadtest.BenchPostgres --port "$1" \
    >"$WORK/postgres.out" 2>"$WORK/postgres.err" &
  PG_JAVA=$!
  PIDS+=("$PG_JAVA")
  wait_for_line "$WORK/postgres.out" '^postmaster pid=' "$PG_JAVA" "$READY_SECONDS"
  PG_POSTMASTER=$(sed -n 's/^postmaster pid=\([0-9]*\) .*/\1/p' "$WORK/postgres.out")
  PG_DATA=$(sed -n 's/^postmaster pid=[0-9]* data=//p' "$WORK/postgres.out")
  wait_for_line "$WORK/postgres.out" '^postgresql://' "$PG_JAVA" "$READY_SECONDS"
  PG_URL=$(grep '^postgresql://' "$WORK/postgres.out")
  PG_SETTINGS=$(sed -n 's/^settings //p' "$WORK/postgres.out")
}

# start_storepulse PORT [NAME=VALUE...]: launch_storepulse, then wait_ready
start_storepulse() {
  launch_storepulse "$@"
  wait_ready "$1"
}

# launch_storepulse PORT [NAME=VALUE...]: storepulse on 127.0.0.1:PORT against BenchPostgres, with
# extra environment, its output in $WORK/storepulse.{out,err}; sets STOREPULSE_PID and ADMIN_TOKEN
launch_storepulse() {
  local port=$1
  shift
  log "starting storepulse on 127.0.0.1:$port"
  ADMIN_TOKEN=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
  mkdir -p "$WORK/storepulse-data"
  env STOREPULSE_HTTP_HOST=127.0.0.1 STOREPULSE_HTTP_PORT="$port" STOREPULSE_DATA_DIR="$WORK/storepulse-data" \
    STOREPULSE_DB_URL="$PG_URL" STOREPULSE_ADMIN_TOKEN="$ADMIN_TOKEN" "$@" \
    java -jar "$STOREPULSE_JAR" >"$WORK/storepulse.out" 2>"$WORK/storepulse.err" &
  STOREPULSE_PID=$!
  PIDS+=("$STOREPULSE_PID")
}

# wait_ready PORT: until storepulse's /health/ready says 200
wait_ready() {
  local deadline=$((SECONDS + READY_SECONDS))
  until [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$1/health/ready") == 200 ]]; do
    kill -0 "$STOREPULSE_PID" 2>/dev/null || { tail -n 30 "$WORK"/storepulse.{out,err} >&2; fail "storepulse exited while starting"; }
    ((SECONDS < deadline)) || { tail -n 30 "$WORK"/storepulse.{out,err} >&2; fail "storepulse not ready after ${READY_SECONDS}s"; }
    sleep 0.5
  done
}

# create_store PORT ID: creates store ID through the admin API and prints its write key
create_store() {
  local status key
  status=$(curl -s -o "$WORK/store-$2.json" -w '%{http_code}' --max-time 10 -X POST \
    -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' \
    -d "{\"id\":\"$2\",\"name\":\"Bench $2\"}" "http://127.0.0.1:$1/v1/admin/stores")
  key=$(jq -r '.writeKey.key // empty' "$WORK/store-$2.json" 2>/dev/null || true)
  [[ $status == 2?? && -n $key ]] || { cat "$WORK/store-$2.json" >&2; fail "creating store $2 answered $status"; }
  echo "$key"
}
