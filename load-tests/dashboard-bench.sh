#!/usr/bin/env bash
# Live dashboard benchmark, one run on this machine: CLIENTS dashboard WebSockets watch one store
# (metrics and trending of the 1m window, inventory, alerts) while it ingests RATE events/s; how
# long an event takes to reach every dashboard (p50/p99, from the probe's send and from its ack),
# how many messages per second the server delivers to the clients, whether any client sees a gap
# in a channel's seqs, and how much server heap a connected dashboard costs.
#
# From the repository root, after `./mvnw -q package -DskipTests`:
#   load-tests/dashboard-bench.sh
# Environment:
#   CLIENTS         dashboard WebSockets (1000), each with the four subscriptions
#   RATE            background events/s (5000), in requests of BATCH (100) events, one store
#   DURATION        seconds of the measured steady phase (30), after a WARMUP (10) at the same rate
#   PROBE_INTERVAL  mean milliseconds between two latency probes (50)
#   BLOCKS          event loops of the load generator's clients (2), besides one for the first client
#   CONNECTIONS     HTTP connections of the background ingest (8)
#   PROFILE         1: a JFR recording of storepulse over the steady phase, kept with the report
#   PORTS           "postgres storepulse" ports on 127.0.0.1 ("15435 18084")
# storepulse runs with its defaults (dashboard.publishInterval 50ms, 4 pipeline partitions, flush
# every 1s); the benchmark sets only what bench-lib.sh sets for every run: address, port, data
# directory, database URL and admin token.
# Prints a report and writes it, with the load generator's output, to
# load-tests/results/dashboard-<time>.txt.
set -euo pipefail

cd "$(dirname "$0")/.."

CLIENTS=${CLIENTS:-1000}
RATE=${RATE:-5000}
BATCH=${BATCH:-100}
DURATION=${DURATION:-30}
WARMUP=${WARMUP:-10}
PROBE_INTERVAL=${PROBE_INTERVAL:-50}
BLOCKS=${BLOCKS:-2}
CONNECTIONS=${CONNECTIONS:-8}
PROFILE=${PROFILE:-0}
PORTS=${PORTS:-"15435 18084"}

# shellcheck source=load-tests/bench-lib.sh
source load-tests/bench-lib.sh

read -r PG_PORT STOREPULSE_PORT <<<"$PORTS"
for value in "$CLIENTS" "$RATE" "$BATCH" "$DURATION" "$WARMUP" "$PROBE_INTERVAL" "$BLOCKS" "$CONNECTIONS" "$PG_PORT" "$STOREPULSE_PORT"; do
  [[ $value =~ ^[1-9][0-9]*$ ]] || fail "expected a positive integer, got '$value' (CLIENTS, RATE, BATCH, DURATION, WARMUP, PROBE_INTERVAL, BLOCKS, CONNECTIONS, PORTS)"
done
[[ $PG_PORT != "$STOREPULSE_PORT" ]] || fail "PORTS must be two different ports, got '$PORTS'"
((BATCH <= 1000)) || fail "BATCH is at most 1000, storepulse's ingest.maxEventsPerRequest"
((CLIENTS <= 5000)) || fail "CLIENTS is at most 5000, storepulse's dashboard.maxConnections"
((CLIENTS + 200 < $(ulimit -n))) || fail "CLIENTS needs more open files than 'ulimit -n' ($(ulimit -n)) allows"
for tool in java jcmd curl jq awk timeout getconf pgrep; do
  command -v "$tool" >/dev/null || fail "$tool is missing (apt-get install -y curl jq procps; jcmd comes with the JDK)"
done
[[ -f $STOREPULSE_JAR ]] || fail "$STOREPULSE_JAR is missing: run ./mvnw -q package -DskipTests first"
for port in "$PG_PORT" "$STOREPULSE_PORT"; do
  ! port_in_use "$port" || fail "port $port on 127.0.0.1 is in use; choose others with PORTS"
done

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
cores() { calc "%.2f" "$1 / $CLK_TCK / $2"; }

# --- the run --------------------------------------------------------------------------------

LOAD_BEFORE=$(loadavg)

log "building $LOAD_JAR"
./mvnw -q -f load-tests/pom.xml package

start_postgres "$PG_PORT"
start_storepulse "$STOREPULSE_PORT"
WRITE_KEY=$(create_store "$STOREPULSE_PORT" bench)
READ_TOKEN=$(jq -r '.readToken.key // empty' "$WORK/store-bench.json")
[[ -n $READ_TOKEN ]] || fail "creating the store gave no read token"

# the whole run: connecting, warm-up, steady phase, drain and three heap readings each side
DRIVER_LIMIT=$((WARMUP + DURATION + 600))
log "$CLIENTS dashboards, $RATE events/s: ${WARMUP}s warm-up, ${DURATION}s measured"
timeout -k 5 "$DRIVER_LIMIT" java -cp "$LOAD_JAR" io.storepulse.loadtest.DashboardBench \
  --port "$STOREPULSE_PORT" --store bench --write-key "$WRITE_KEY" --read-token "$READ_TOKEN" \
  --clients "$CLIENTS" --blocks "$BLOCKS" --rate "$RATE" --batch "$BATCH" --connections "$CONNECTIONS" \
  --warmup "$WARMUP" --seconds "$DURATION" --probe-interval "$PROBE_INTERVAL" \
  --server-pid "$STOREPULSE_PID" --run-id "run$$" >"$WORK/driver.out" 2>"$WORK/driver.err" &
DRIVER_PID=$!
PIDS+=("$DRIVER_PID")

# sample_pipeline FILE: once a second, how many log positions the furthest-behind partition's last
# persisted flush trails the committed log end (/health): an upper bound of the pipeline's lag, as
# a flush is reported once committed and comes every second; in the background; sets SAMPLER_PID
sample_pipeline() {
  while :; do
    curl -s --max-time 2 "http://127.0.0.1:$STOREPULSE_PORT/health" \
      | jq -r '[.pipeline.partitions[].positionsBehind] | max // empty' >>"$1" 2>/dev/null || true
    sleep 1
  done &
  SAMPLER_PID=$!
  PIDS+=("$SAMPLER_PID")
}

wait_for_line "$WORK/driver.out" '^steady start' "$DRIVER_PID" "$DRIVER_LIMIT"
sample_pipeline "$WORK/behind.samples"
STEADY_STARTED=$(date +%s.%N)
LOAD_STEADY=$(loadavg)
STEADY_SP=$(cpu_ticks "$STOREPULSE_PID")
STEADY_PG=$(postgres_ticks)
if [[ $PROFILE == 1 ]]; then
  JFR_FILE=$WORK/storepulse.jfr
  jcmd "$STOREPULSE_PID" JFR.start name=dashboard-bench settings=profile >/dev/null
fi
wait_for_line "$WORK/driver.out" '^steady end' "$DRIVER_PID" $((DURATION + 120))
stop "$SAMPLER_PID" 5
STEADY_SECONDS=$(calc "%.3f" "$(date +%s.%N) - $STEADY_STARTED")
if [[ $PROFILE == 1 ]]; then
  jcmd "$STOREPULSE_PID" JFR.stop name=dashboard-bench filename="$JFR_FILE" >/dev/null
fi
STEADY_SP=$(($(cpu_ticks "$STOREPULSE_PID") - STEADY_SP))
STEADY_PG=$(($(postgres_ticks) - STEADY_PG))
LOAD_AFTER=$(loadavg)

status=0
wait "$DRIVER_PID" || status=$?
forget "$DRIVER_PID"
((status == 0)) || { cat "$WORK/driver.out" "$WORK/driver.err" >&2; fail "the load generator failed"; }
grep -q '^RESULT ' "$WORK/driver.out" || { cat "$WORK/driver.out" "$WORK/driver.err" >&2; fail "no RESULT line from the load generator"; }
# the clients have closed: the server must have let every connection go (health is sampled once a second)
deadline=$((SECONDS + 10))
while :; do
  CONNECTIONS_OPEN=$(curl -s --max-time 5 "http://127.0.0.1:$STOREPULSE_PORT/health" | jq -r '.dashboards.connections // empty')
  if [[ $CONNECTIONS_OPEN == 0 ]] || ((SECONDS >= deadline)); then
    break
  fi
  sleep 0.5
done
stop "$STOREPULSE_PID"

# --- report -----------------------------------------------------------------------------------

field() { sed -n "s/^RESULT.* $1=\([^ ]*\).*/\1/p" "$WORK/driver.out"; }

verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v + 0 < t + 0) ? "target met" : "target MISSED" }'; }

report() {
  echo "storepulse dashboard benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: $(nproc) cores, load average before the run $LOAD_BEFORE, at the steady phase $LOAD_STEADY," \
    "after it $LOAD_AFTER; git $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- src 2>/dev/null || echo ' (server sources changed)')"
  echo "PostgreSQL 127.0.0.1:$PG_PORT: $PG_SETTINGS"
  echo "storepulse $STOREPULSE_JAR with its defaults (dashboard.publishInterval 50ms, 4 partitions, flush 1s)"
  echo "load: one store 'bench'; $CLIENTS dashboards, each subscribed to metrics 1m, trending 1m, inventory and alerts;"
  echo "  the simulated storefront at $RATE events/s in batches of $BATCH over $CONNECTIONS connections; probes: one"
  echo "  inventory_restocked of the probe SKU at a time, every ${PROBE_INTERVAL} ms on average (0.5x to 1.5x)"
  echo "command: CLIENTS=$CLIENTS RATE=$RATE DURATION=$DURATION WARMUP=$WARMUP PROBE_INTERVAL=$PROBE_INTERVAL" \
    "BLOCKS=$BLOCKS load-tests/dashboard-bench.sh"
  sed -n '/^steady phase/,/^RESULT/p' "$WORK/driver.out" | grep -v '^RESULT'
  local p50 p99 max
  read -r p50 p99 max < <(sort -n "$WORK/behind.samples" | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "- - -"; exit }
    print v[int(0.5 * NR + 0.999999)], v[int(0.99 * NR + 0.999999)], v[NR] }')
  printf '  %-16s p50 %s, p99 %s, max %s log positions from the log end to the furthest partition'"'"'s last' \
    "pipeline" "$p50" "$p99" "$max"
  printf ' persisted flush, about %s, %s, %s s of ingest (%s samples; an upper bound, at least 1 s)\n' \
    "$(calc "%.1f" "${p50/-/0} / $RATE")" "$(calc "%.1f" "${p99/-/0} / $RATE")" "$(calc "%.1f" "${max/-/0} / $RATE")" \
    "$(wc -l <"$WORK/behind.samples")"
  printf '  %-16s storepulse %s, PostgreSQL %s (load generator above), over %s s\n' "cores used" \
    "$(cores "$STEADY_SP" "$STEADY_SECONDS")" "$(cores "$STEADY_PG" "$STEADY_SECONDS")" "$STEADY_SECONDS"
  echo
  echo "event -> dashboard p99 (send -> dashboard) $(field send_p99_ms) ms against < 100 ms:" \
    "$(verdict "$(field send_p99_ms)" 100)"
  if [[ $(field gaps) != 0 || $(field missing) != 0 || $(field errors) != 0 || $(field probe_failure) != none ]]; then
    echo "CONSISTENCY: $(field gaps) seq gaps, $(field missing) probe arrivals missing, $(field errors) client errors," \
      "probe failure: $(field probe_failure)"
  else
    echo "consistency: no seq gap, every probe seen by every client, no client error"
  fi
  echo "dashboard connections the server holds after the clients closed (/health): ${CONNECTIONS_OPEN:-unknown}"
}

mkdir -p load-tests/results
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULT_FILE=load-tests/results/dashboard-$STAMP.txt
report | tee "$RESULT_FILE"
{
  echo
  echo "--- load generator output ---"
  cat "$WORK/driver.out"
  echo "--- load generator stderr, last 50 lines ---"
  tail -n 50 "$WORK/driver.err"
  for log_file in "$WORK"/storepulse.{out,err}; do
    echo "### $(basename "$log_file"), last 50 lines"
    tail -n 50 "$log_file"
  done
} >>"$RESULT_FILE"
if [[ $PROFILE == 1 && -f ${JFR_FILE:-} ]]; then
  cp "$JFR_FILE" "load-tests/results/dashboard-$STAMP.jfr"
  log "JFR recording: load-tests/results/dashboard-$STAMP.jfr (jfr print --events jdk.ExecutionSample …)"
fi
log "written to $RESULT_FILE"
