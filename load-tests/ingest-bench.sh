#!/usr/bin/env bash
# Ingest benchmark, one run on this machine:
#   single events: storepulse's req/s against a bare Vert.x ceiling server, and its p99 ack latency;
#   batches of 100: storepulse's durable events/s against raw multi-row inserts of the same rows
#   into the same PostgreSQL.
#
# From the repository root, after `./mvnw -q package -DskipTests`:
#   load-tests/ingest-bench.sh
# Environment:
#   DURATION           seconds of each measured wrk run (20); each is preceded by a WARMUP (20) run, long enough for the JIT to settle
#   CONNECTIONS        wrk connections for single events (64); BATCH_CONNECTIONS for batches (16)
#   PORTS              "postgres ceiling storepulse" ports on 127.0.0.1 ("15432 18080 18081")
#   SERVERS            which servers wrk runs against ("ceiling storepulse")
#   PIPELINE           true to run storepulse's analytics pipeline during the runs (false: the
#                      ingest path alone, as the figures in the README; pipeline-bench.sh measures both)
# Prints a table and writes it, with the raw wrk output, to load-tests/results/ingest-<time>.txt.
set -euo pipefail

cd "$(dirname "$0")/.."

DURATION=${DURATION:-20}
WARMUP=${WARMUP:-20}
CONNECTIONS=${CONNECTIONS:-64}
BATCH_CONNECTIONS=${BATCH_CONNECTIONS:-16}
PORTS=${PORTS:-"15432 18080 18081"}
SERVERS=${SERVERS:-"ceiling storepulse"}
PIPELINE=${PIPELINE:-false}

# shellcheck source=load-tests/bench-lib.sh
source load-tests/bench-lib.sh

WRK_THREADS=2
STORE_ID=bench
SINGLE_RATIO_TARGET=0.5
SINGLE_P99_TARGET_MS=20
BATCH_RATIO_TARGET=0.6
RAW_INSERT_SECONDS=60

read -r PG_PORT CEILING_PORT STOREPULSE_PORT <<<"$PORTS"
for value in "$DURATION" "$WARMUP" "$CONNECTIONS" "$BATCH_CONNECTIONS" "$PG_PORT" "$CEILING_PORT" "$STOREPULSE_PORT"; do
  [[ $value =~ ^[1-9][0-9]*$ ]] || fail "expected a positive integer, got '$value' (DURATION, WARMUP, CONNECTIONS, BATCH_CONNECTIONS, PORTS)"
done
[[ $PG_PORT != "$CEILING_PORT" && $PG_PORT != "$STOREPULSE_PORT" && $CEILING_PORT != "$STOREPULSE_PORT" ]] ||
  fail "PORTS must be three different ports, got '$PORTS'"
for server in $SERVERS; do
  [[ $server == ceiling || $server == storepulse ]] || fail "SERVERS takes ceiling and/or storepulse, got '$server'"
done
runs() { [[ " $SERVERS " == *" $1 "* ]]; }

for tool in java wrk curl psql jq awk timeout /usr/bin/time getconf pgrep; do
  command -v "$tool" >/dev/null || fail "$tool is missing (apt-get install -y wrk curl postgresql-client jq time procps)"
done
if runs storepulse && [[ ! -f $STOREPULSE_JAR ]]; then
  fail "$STOREPULSE_JAR is missing: run ./mvnw -q package -DskipTests first, or SERVERS=ceiling"
fi
for port in "$PG_PORT" "$CEILING_PORT" "$STOREPULSE_PORT"; do
  ! port_in_use "$port" || fail "port $port on 127.0.0.1 is in use; choose others with PORTS"
done

# --- measurements ---------------------------------------------------------------------------

# field FILE KEY: the value of KEY=... on the RESULT line of FILE
field() { sed -n "s/^RESULT.* $2=\([^ ]*\).*/\1/p" "$1"; }

# cores NAME SERVER_TICKS POSTGRES_TICKS: "server postgres client" CPU cores used during run NAME;
# SERVER_TICKS "-" when there is no server
cores() {
  local name=$1 seconds client server=-
  seconds=$(field "$WORK/$name.out" duration_s)
  client=$(awk '/^[0-9.]+ [0-9.]+$/ { print $1 + $2 }' "$WORK/$name.time")
  [[ $2 == - ]] || server=$(calc "%.2f" "$2 / $CLK_TCK / $seconds")
  echo "$server $(calc "%.2f %.2f" "$3 / $CLK_TCK / $seconds, ${client:-0} / $seconds")"
}

# wrk_run NAME SCRIPT CONNECTIONS SECONDS PORT SERVER_PID WRITE_KEY
# Output in $WORK/NAME.out; NAME doubles as the run id in event ids, so each run's rows can be counted.
wrk_run() {
  local name=$1 script=$2 connections=$3 seconds=$4 port=$5 server_pid=$6 key=$7
  local server_before postgres_before
  log "wrk $script against 127.0.0.1:$port: $connections connections, ${seconds}s ($name)"
  server_before=$(cpu_ticks "$server_pid")
  postgres_before=$(postgres_ticks)
  bounded $((seconds + 30)) env RUN_ID="$name" WRITE_KEY="$key" \
    /usr/bin/time -f '%U %S' -o "$WORK/$name.time" \
    wrk -t"$WRK_THREADS" -c"$connections" -d"${seconds}s" --timeout 10s --latency \
    -s "load-tests/wrk/$script" "http://127.0.0.1:$port" >"$WORK/$name.out" 2>&1 ||
    { cat "$WORK/$name.out" >&2; fail "wrk failed ($name)"; }
  grep -q '^RESULT ' "$WORK/$name.out" || { cat "$WORK/$name.out" >&2; fail "no RESULT line from wrk ($name)"; }
  cores "$name" $(($(cpu_ticks "$server_pid") - server_before)) $(($(postgres_ticks) - postgres_before)) >"$WORK/$name.cores"
}

# both scenarios against one server; run names are <prefix>s, <prefix>b and w<...> for warm-ups
scenarios() {
  local prefix=$1 port=$2 pid=$3 key=$4
  wrk_run "w${prefix}s" single-event.lua "$CONNECTIONS" "$WARMUP" "$port" "$pid" "$key"
  wrk_run "${prefix}s" single-event.lua "$CONNECTIONS" "$DURATION" "$port" "$pid" "$key"
  wrk_run "w${prefix}b" batch-100.lua "$BATCH_CONNECTIONS" "$WARMUP" "$port" "$pid" "$key"
  wrk_run "${prefix}b" batch-100.lua "$BATCH_CONNECTIONS" "$DURATION" "$port" "$pid" "$key"
}

# --- the run --------------------------------------------------------------------------------

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

log "building $LOAD_JAR"
./mvnw -q -f load-tests/pom.xml package

start_postgres "$PG_PORT"

log "raw insert into the same PostgreSQL"
postgres_before=$(postgres_ticks)
bounded $((RAW_INSERT_SECONDS + 30)) /usr/bin/time -f '%U %S' -o "$WORK/raw.time" \
  java -cp "$LOAD_JAR" io.storepulse.loadtest.RawInsertBenchmark \
  --url "$PG_URL" --seconds "$RAW_INSERT_SECONDS" --store "$STORE_ID" >"$WORK/raw.out" 2>&1 ||
  { cat "$WORK/raw.out" >&2; fail "raw insert failed"; }
cores raw - $(($(postgres_ticks) - postgres_before)) >"$WORK/raw.cores"

if runs ceiling; then
  log "starting the ceiling server on 127.0.0.1:$CEILING_PORT"
  java -cp "$LOAD_JAR" io.storepulse.loadtest.CeilingServer --port "$CEILING_PORT" \
    >"$WORK/ceiling.out" 2>"$WORK/ceiling.err" &
  CEILING_PID=$!
  PIDS+=("$CEILING_PID")
  wait_for_line "$WORK/ceiling.out" '^ceiling server on' "$CEILING_PID" "$READY_SECONDS"
  scenarios c "$CEILING_PORT" "$CEILING_PID" ceiling
  stop "$CEILING_PID"
fi

if runs storepulse; then
  start_storepulse "$STOREPULSE_PORT" STOREPULSE_PIPELINE_ENABLED="$PIPELINE"
  WRITE_KEY=$(create_store "$STOREPULSE_PORT" "$STORE_ID")

  scenarios s "$STOREPULSE_PORT" "$STOREPULSE_PID" "$WRITE_KEY"

  # acknowledged events must all be in the log; a few more may be, from requests that were in
  # flight when wrk stopped counting
  for run in ss sb; do
    bounded 60 psql "$PG_URL" -Atq -c \
      "SELECT count(*) FROM events WHERE store_id = '$STORE_ID' AND event_id LIKE '$run-%'" \
      >"$WORK/$run.rows" || fail "counting the rows of run $run failed"
  done
  stop "$STOREPULSE_PID"
fi

# --- report -----------------------------------------------------------------------------------

TABLE_FORMAT='%-13s %-11s %10s %11s %8s %8s %7s %6s %8s %8s %8s\n'

# row SCENARIO SERVER RUN: one table line from a wrk run
row() {
  local out="$WORK/$3.out" server_cpu postgres_cpu client_cpu
  read -r server_cpu postgres_cpu client_cpu <"$WORK/$3.cores"
  # shellcheck disable=SC2059 # the format is a constant
  printf "$TABLE_FORMAT" "$1" "$2" \
    "$(field "$out" ok_rps)" "$(field "$out" events_per_s)" "$(field "$out" p50_ms)" "$(field "$out" p99_ms)" \
    "$(field "$out" non2xx)" "$(field "$out" socket_errors)" "$server_cpu" "$postgres_cpu" "$client_cpu"
}

# holds VALUE OPERATOR TARGET: succeeds when VALUE OPERATOR TARGET
holds() { awk "BEGIN { exit !($1 $2 $3) }"; }

# errors RUN: responses >= 400 plus socket errors of a wrk run
errors() { echo $(($(field "$WORK/$1.out" non2xx) + $(field "$WORK/$1.out" socket_errors))); }

# durable RUN EVENTS_PER_REQUEST CONNECTIONS: prints what the log holds against what was
# acknowledged; fails when an acknowledged event is missing
durable() {
  local acked rows in_flight
  acked=$(field "$WORK/$1.out" events)
  rows=$(cat "$WORK/$1.rows")
  in_flight=$(($2 * $3))
  if ((rows < acked)); then
    echo "LOST $((acked - rows)) of $acked acknowledged events"
    return 1
  fi
  echo "$acked acknowledged, $rows in the log (+$((rows - acked)) of at most $in_flight in flight at wrk stop)"
  ((rows <= acked + in_flight)) || echo "  (more rows than requests in flight can explain: check the event ids)"
}

# verdict COMMAND...: "met" when COMMAND succeeds, else "MISSED"
verdict() { if "$@"; then echo met; else echo MISSED; fi; }

single_verdict() {
  local ratio=$1 p99=$2 durability=$3
  holds "$ratio" '>=' "$SINGLE_RATIO_TARGET" && holds "$p99" '<' "$SINGLE_P99_TARGET_MS" &&
    (($(errors ss) == 0)) && [[ $durability != LOST* ]]
}

batch_verdict() {
  local ratio=$1 durability=$2
  holds "$ratio" '>=' "$BATCH_RATIO_TARGET" && (($(errors sb) == 0)) && [[ $durability != LOST* ]]
}

report() {
  local raw_rate ratio p99 durability server_cpu postgres_cpu client_cpu
  raw_rate=$(field "$WORK/raw.out" rows_per_s)
  echo "storepulse ingest benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: $(nproc) cores, load average before the run $LOAD_BEFORE; git $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "PostgreSQL 127.0.0.1:$PG_PORT: $PG_SETTINGS"
  echo "wrk: $WRK_THREADS threads, ${DURATION}s per run after ${WARMUP}s warm-up; single-event $CONNECTIONS connections, batch-100 $BATCH_CONNECTIONS connections"
  echo "raw insert: $(sed -n 's/^RESULT //p' "$WORK/raw.out")"
  echo
  # shellcheck disable=SC2059 # the format is a constant
  printf "$TABLE_FORMAT" scenario server 'req/s' 'events/s' 'p50 ms' 'p99 ms' non2xx errors \
    'cpu srv' 'cpu pg' 'cpu cli'
  runs ceiling && row single-event ceiling cs
  runs storepulse && row single-event storepulse ss
  runs ceiling && row batch-100 ceiling cb
  runs storepulse && row batch-100 storepulse sb
  read -r server_cpu postgres_cpu client_cpu <"$WORK/raw.cores"
  # shellcheck disable=SC2059 # the format is a constant
  printf "$TABLE_FORMAT" batch-100 raw-insert - "$raw_rate" - - - - "$server_cpu" "$postgres_cpu" "$client_cpu"
  echo "(cpu: cores used during the measured run by the server JVM, PostgreSQL and the load client, wrk or the JDBC inserter)"
  echo

  if ! runs storepulse; then
    echo "targets: n/a, storepulse was not run (SERVERS=$SERVERS)"
    return
  fi
  durability=$(durable ss 1 "$CONNECTIONS") || true
  echo "single-event durability: $durability"
  if runs ceiling; then
    ratio=$(calc "%.2f" "$(field "$WORK/ss.out" ok_rps) / $(field "$WORK/cs.out" ok_rps)")
    p99=$(field "$WORK/ss.out" p99_ms)
    echo "single-event: storepulse/ceiling req/s $ratio (>= $SINGLE_RATIO_TARGET), p99 $p99 ms (< $SINGLE_P99_TARGET_MS)," \
      "errors $(errors ss): target $(verdict single_verdict "$ratio" "$p99" "$durability")"
  else
    echo "single-event: storepulse/ceiling n/a, the ceiling was not run (SERVERS=$SERVERS)"
  fi
  durability=$(durable sb 100 "$BATCH_CONNECTIONS") || true
  echo "batch-100 durability: $durability"
  ratio=$(calc "%.2f" "$(field "$WORK/sb.out" events_per_s) / $raw_rate")
  echo "batch-100: storepulse events/s / raw insert rows/s $ratio (>= $BATCH_RATIO_TARGET)," \
    "errors $(errors sb): target $(verdict batch_verdict "$ratio" "$durability")"
}

mkdir -p load-tests/results
RESULT_FILE=load-tests/results/ingest-$(date -u +%Y%m%dT%H%M%SZ).txt
report | tee "$RESULT_FILE"
{
  echo
  echo "--- raw output ---"
  for out in "$WORK"/raw.out "$WORK"/{w,}{c,s}{s,b}.out; do
    [[ -f $out ]] || continue
    echo "### $(basename "$out" .out)"
    cat "$out"
  done
  # the temporary directory goes at exit; keep what storepulse said, for errors in the table
  for log_file in "$WORK"/storepulse.{out,err}; do
    [[ -f $log_file ]] || continue
    echo "### $(basename "$log_file"), last 100 lines"
    tail -n 100 "$log_file"
  done
} >>"$RESULT_FILE"
log "written to $RESULT_FILE"
