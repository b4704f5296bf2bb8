#!/usr/bin/env bash
# Pipeline benchmark, one run on this machine: storepulse ingests mixed commerce events at a steady
# rate while the analytics pipeline applies them and persists its results; once a second, how far
# the persisted results trail the log, in events and in seconds. Then ingest stops, and the run
# measures how long the pipeline takes to catch up and at what rate it drains the backlog. Last,
# the pipeline rebuilds every result from the whole log, which measures how fast it applies a
# large backlog. After each, every logged event must be counted once in the persisted windows.
#
# From the repository root, after `./mvnw -q package -DskipTests`:
#   load-tests/pipeline-bench.sh
# Environment:
#   DURATION        seconds of the measured steady phase (30), after a WARMUP (10) at the same rate
#   RATE            target events/s (20000), in requests of BATCH (100) events
#   STORES          stores the events are spread over (8)
#   CONNECTIONS     HTTP connections of the load generator (16)
#   CATCH_UP_LIMIT  seconds the pipeline gets to catch up before the run fails (300)
#   PORTS           "postgres storepulse" ports on 127.0.0.1 ("15433 18082")
# Prints a report and writes it, with the samples, to load-tests/results/pipeline-<time>.txt.
set -euo pipefail

cd "$(dirname "$0")/.."

DURATION=${DURATION:-30}
WARMUP=${WARMUP:-10}
RATE=${RATE:-20000}
BATCH=${BATCH:-100}
STORES=${STORES:-8}
CONNECTIONS=${CONNECTIONS:-16}
CATCH_UP_LIMIT=${CATCH_UP_LIMIT:-300}
PORTS=${PORTS:-"15433 18082"}

# shellcheck source=load-tests/bench-lib.sh
source load-tests/bench-lib.sh

# storepulse's default, set explicitly because the lag query must use the same number
PARTITIONS=4
FLUSH_INTERVAL=1s
SAMPLE_SECONDS=1
CATCH_UP_SAMPLE_SECONDS=0.25

read -r PG_PORT STOREPULSE_PORT <<<"$PORTS"
for value in "$DURATION" "$WARMUP" "$RATE" "$BATCH" "$STORES" "$CONNECTIONS" "$CATCH_UP_LIMIT" "$PG_PORT" "$STOREPULSE_PORT"; do
  [[ $value =~ ^[1-9][0-9]*$ ]] || fail "expected a positive integer, got '$value' (DURATION, WARMUP, RATE, BATCH, STORES, CONNECTIONS, CATCH_UP_LIMIT, PORTS)"
done
[[ $PG_PORT != "$STOREPULSE_PORT" ]] || fail "PORTS must be two different ports, got '$PORTS'"
((BATCH <= 1000)) || fail "BATCH is at most 1000, storepulse's ingest.maxEventsPerRequest"
for tool in java curl psql jq awk sort timeout /usr/bin/time getconf pgrep; do
  command -v "$tool" >/dev/null || fail "$tool is missing (apt-get install -y curl postgresql-client jq time procps)"
done
[[ -f $STOREPULSE_JAR ]] || fail "$STOREPULSE_JAR is missing: run ./mvnw -q package -DskipTests first"
for port in "$PG_PORT" "$STOREPULSE_PORT"; do
  ! port_in_use "$port" || fail "port $port on 127.0.0.1 is in use; choose others with PORTS"
done

# --- lag ------------------------------------------------------------------------------------

# One line: "epoch_s log_end lowest_checkpoint lag_events lag_s". A partition's checkpoint is the
# log position up to which its results are persisted (a partition reads only its stores' rows, but
# its position moves over the whole log). lag_events is the log end less the lowest checkpoint:
# positions are dense, as no event id repeats. lag_s is the age of the oldest event that some
# partition has not persisted yet: the first of its rows after its checkpoint, for each partition.
LAG_SQL="
WITH log_end AS (SELECT coalesce(max(position), 0) AS position FROM events),
partitions AS (
  SELECT p AS partition, coalesce(c.position, 0) AS position
  FROM generate_series(0, $PARTITIONS - 1) AS p
  LEFT JOIN pipeline_checkpoints c ON c.partition = p
)
SELECT round(extract(epoch FROM clock_timestamp()), 3), l.position, min(pt.position),
  l.position - min(pt.position),
  coalesce(round(extract(epoch FROM clock_timestamp() - min(oldest.received_at)), 3), 0)
FROM log_end l
CROSS JOIN partitions pt
LEFT JOIN LATERAL (
  SELECT e.received_at FROM events e
  WHERE e.position > pt.position AND e.slot % $PARTITIONS = pt.partition
  ORDER BY e.position
  LIMIT 1
) oldest ON true
GROUP BY l.position"

lag_sample() { psql "$PG_URL" -Atq -F ' ' -c "$LAG_SQL"; }

# watch_lag FILE PERIOD: lag samples every PERIOD seconds into FILE from one psql session (\watch
# keeps the cadence and spares a psql start per sample), in the background; sets WATCH_PID
watch_lag() {
  printf '%s\n\\watch %s\n' "$LAG_SQL" "$2" >"$WORK/watch.sql"
  psql "$PG_URL" -Atq -F ' ' -f "$WORK/watch.sql" >>"$1" 2>"$WORK/watch.err" &
  WATCH_PID=$!
  PIDS+=("$WATCH_PID")
}

# until_lowest FILE POSITION: waits until the samples in FILE show the lowest checkpoint at log
# POSITION or beyond, and prints that sample
until_lowest() {
  local file=$1 position=$2 deadline=$((SECONDS + CATCH_UP_LIMIT)) line
  while :; do
    line=$(tail -n 1 "$file" 2>/dev/null || true)
    if [[ -n $line ]] && (($(cut -d' ' -f3 <<<"$line") >= position)); then
      echo "$line"
      return 0
    fi
    kill -0 "$WATCH_PID" 2>/dev/null || { cat "$WORK/watch.err" >&2; fail "the lag sampling stopped"; }
    ((SECONDS < deadline)) || fail "the pipeline did not reach log position $position within ${CATCH_UP_LIMIT}s"
    sleep 0.1
  done
}

# paced NAME SECONDS: starts the load generator at RATE for SECONDS in the background, its output
# in $WORK/NAME.out, and returns when it starts sending; sets PACED_PID
paced() {
  log "ingest at $RATE events/s in batches of $BATCH for $2 s ($1)"
  timeout -k 5 $(($2 + 60)) /usr/bin/time -f '%U %S' -o "$WORK/$1.time" \
    java -cp "$LOAD_JAR" io.storepulse.loadtest.PacedIngest --port "$STOREPULSE_PORT" --keys "$WORK/keys.txt" \
    --rate "$RATE" --batch "$BATCH" --seconds "$2" --connections "$CONNECTIONS" --run-id "$1" \
    >"$WORK/$1.out" 2>&1 &
  PACED_PID=$!
  PIDS+=("$PACED_PID")
  wait_for_line "$WORK/$1.out" '^sending ' "$PACED_PID" "$READY_SECONDS"
}

# paced_done NAME: waits for the load generator started by paced NAME and checks its result
paced_done() {
  local status=0
  wait "$PACED_PID" || status=$?
  forget "$PACED_PID"
  ((status == 0)) || { cat "$WORK/$1.out" >&2; fail "the load generator failed ($1)"; }
  grep -q '^RESULT ' "$WORK/$1.out" || { cat "$WORK/$1.out" >&2; fail "no RESULT line from the load generator ($1)"; }
}

# field FILE KEY: the value of KEY=... on the RESULT line of FILE
field() { sed -n "s/^RESULT.* $2=\([^ ]*\).*/\1/p" "$1"; }

# percentiles FILE COLUMN: "p50 p99 max" of a column of the samples, nearest rank
percentiles() {
  cut -d' ' -f"$2" "$1" | sort -g | awk '
    { v[NR] = $1 }
    END {
      if (NR == 0) { print "- - -"; exit }
      p50 = int(0.50 * NR + 0.999999); p99 = int(0.99 * NR + 0.999999)
      print v[p50], v[p99], v[NR]
    }'
}

# end_to_end NAME: the bench stores' events in the log and in their persisted 1-minute windows,
# the late events, and the bytes of the partitions' checkpoints (engine snapshots)
end_to_end() {
  bounded 60 psql "$PG_URL" -Atq -F ' ' -c "
    SELECT (SELECT count(*) FROM events WHERE store_id LIKE 'store-%'),
           (SELECT coalesce(sum((metrics->>'events')::bigint), 0) FROM window_metrics
            WHERE window_kind = '1m' AND store_id LIKE 'store-%'),
           (SELECT count(*) FROM late_events),
           (SELECT coalesce(sum(octet_length(engine_state)), 0) FROM pipeline_checkpoints)" \
    >"$WORK/$1.check" || fail "the end-to-end check failed ($1)"
}

# --- the run --------------------------------------------------------------------------------

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

log "building $LOAD_JAR"
./mvnw -q -f load-tests/pom.xml package

PIPELINE_ENV=(STOREPULSE_PIPELINE_PARTITIONS="$PARTITIONS" STOREPULSE_PIPELINE_FLUSH_INTERVAL="$FLUSH_INTERVAL")
start_postgres "$PG_PORT"
start_storepulse "$STOREPULSE_PORT" "${PIPELINE_ENV[@]}"

log "creating $STORES stores"
: >"$WORK/keys.txt"
chmod 600 "$WORK/keys.txt"
for ((i = 0; i < STORES; i++)); do
  echo "store-$i $(create_store "$STOREPULSE_PORT" "store-$i")" >>"$WORK/keys.txt"
done

# the warm-up compiles the hot paths of ingest and pipeline; the measured phase starts caught up
paced warmup "$WARMUP"
paced_done warmup
watch_lag "$WORK/warmup.samples" "$CATCH_UP_SAMPLE_SECONDS"
until_lowest "$WORK/warmup.samples" "$(lag_sample | cut -d' ' -f2)" >/dev/null
stop "$WATCH_PID"

paced steady "$DURATION"
log "steady phase: sampling the pipeline lag every ${SAMPLE_SECONDS}s"
STEADY_SP=$(cpu_ticks "$STOREPULSE_PID")
STEADY_PG=$(postgres_ticks)
watch_lag "$WORK/steady.samples" "$SAMPLE_SECONDS"
paced_done steady
STOPPED_AT=$(date +%s.%N)
stop "$WATCH_PID"
STEADY_SP=$(($(cpu_ticks "$STOREPULSE_PID") - STEADY_SP))
STEADY_PG=$(($(postgres_ticks) - STEADY_PG))

log "ingest stopped: waiting for the pipeline to catch up"
CATCH_UP_SP=$(cpu_ticks "$STOREPULSE_PID")
CATCH_UP_PG=$(postgres_ticks)
watch_lag "$WORK/catchup.samples" "$CATCH_UP_SAMPLE_SECONDS"
wait_for_line "$WORK/catchup.samples" . "$WATCH_PID" 10
read -r _ LOG_END LOWEST_AT_STOP _ LAG_S_AT_STOP <"$WORK/catchup.samples"
CAUGHT_UP_AT=$(until_lowest "$WORK/catchup.samples" "$LOG_END" | cut -d' ' -f1)
stop "$WATCH_PID"
CATCH_UP_SP=$(($(cpu_ticks "$STOREPULSE_PID") - CATCH_UP_SP))
CATCH_UP_PG=$(($(postgres_ticks) - CATCH_UP_PG))
end_to_end catchup

# The catch-up above drains only what the steady phase left behind. To see how fast the pipeline
# applies a real backlog, rebuild its results from the whole log, as an operator would after
# changing the partition count: stop, clear the checkpoints and results, start again.
log "rebuilding the pipeline's results from the log ($LOG_END events)"
stop "$STOREPULSE_PID"
mv "$WORK/storepulse.out" "$WORK/storepulse-steady.out"
mv "$WORK/storepulse.err" "$WORK/storepulse-steady.err"
bounded 60 psql "$PG_URL" -Atq -c "TRUNCATE pipeline_checkpoints, window_metrics, sku_metrics, alerts,
  late_events, moving_averages" || fail "clearing the pipeline's tables failed"
watch_lag "$WORK/rebuild.samples" "$CATCH_UP_SAMPLE_SECONDS"
REBUILD_LAUNCHED_AT=$(date +%s.%N)
launch_storepulse "$STOREPULSE_PORT" "${PIPELINE_ENV[@]}"
# measured from the first checkpoint of every partition, when the JVM is up and the pipeline runs
read -r REBUILD_STARTED_AT _ REBUILD_FROM _ <<<"$(until_lowest "$WORK/rebuild.samples" 1)"
REBUILD_SP=$(cpu_ticks "$STOREPULSE_PID")
REBUILD_PG=$(postgres_ticks)
REBUILT_AT=$(until_lowest "$WORK/rebuild.samples" "$LOG_END" | cut -d' ' -f1)
REBUILD_SP=$(($(cpu_ticks "$STOREPULSE_PID") - REBUILD_SP))
REBUILD_PG=$(($(postgres_ticks) - REBUILD_PG))
stop "$WATCH_PID"
wait_ready "$STOREPULSE_PORT"
end_to_end rebuild
bounded 60 psql "$PG_URL" -Atq -F ' ' -c "
  SELECT slot % $PARTITIONS, count(DISTINCT store_id), count(*) FROM events
  WHERE store_id LIKE 'store-%' GROUP BY 1 ORDER BY 1" >"$WORK/partitions.out" || fail "the partition query failed"
stop "$STOREPULSE_PID"

# --- report -----------------------------------------------------------------------------------

# check NAME: the end-to-end line of check NAME
check() {
  local logged windowed late
  read -r logged windowed late _ <"$WORK/$1.check"
  echo "$logged events of the bench stores in the log, $windowed counted in their persisted 1-minute" \
    "windows, $late late: $([[ $logged == "$windowed" ]] && echo consistent || echo INCONSISTENT)"
}

# cores TICKS SECONDS
cores() { calc "%.2f" "$1 / $CLK_TCK / $2"; }

report() {
  local seconds lag_events lag_seconds first last pipeline_rate catch_up backlog client
  local rebuild_seconds rebuild_rate rebuild_cpu_us
  seconds=$(field "$WORK/steady.out" duration_s)
  lag_events=$(percentiles "$WORK/steady.samples" 4)
  lag_seconds=$(percentiles "$WORK/steady.samples" 5)
  first=$(head -n 1 "$WORK/steady.samples")
  last=$(tail -n 1 "$WORK/steady.samples")
  # the lowest checkpoint's advance from the first to the last sample of the steady phase
  pipeline_rate=$(awk -v a="$first" -v b="$last" 'BEGIN {
    split(a, x, " "); split(b, y, " "); printf "%.0f", (y[3] - x[3]) / (y[1] - x[1]) }')
  catch_up=$(calc "%.2f" "$CAUGHT_UP_AT - $STOPPED_AT")
  backlog=$((LOG_END - LOWEST_AT_STOP))
  client=$(awk '/^[0-9.]+ [0-9.]+$/ { print $1 + $2 }' "$WORK/steady.time")
  rebuild_seconds=$(calc "%.2f" "$REBUILT_AT - $REBUILD_STARTED_AT")
  rebuild_rate=$(calc "%.0f" "($LOG_END - $REBUILD_FROM) / $rebuild_seconds")
  rebuild_cpu_us=$(calc "%.1f" "($REBUILD_SP + $REBUILD_PG) / $CLK_TCK * 1e6 / ($LOG_END - $REBUILD_FROM)")

  echo "storepulse pipeline benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: $(nproc) cores, load average before the run $LOAD_BEFORE, after $(cut -d' ' -f1-3 /proc/loadavg);" \
    "git $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "PostgreSQL 127.0.0.1:$PG_PORT: $PG_SETTINGS"
  echo "storepulse: $PARTITIONS pipeline partitions, flush interval $FLUSH_INTERVAL; load: $RATE events/s target in" \
    "batches of $BATCH, $STORES stores, $CONNECTIONS connections, ${DURATION}s after a ${WARMUP}s warm-up"
  echo
  echo "steady phase, ${seconds}s"
  printf '  %-14s %s events/s acknowledged (target %s), %s requests, %s non-2xx, %s errors;\n' "ingest" \
    "$(field "$WORK/steady.out" events_per_s)" "$RATE" "$(field "$WORK/steady.out" requests)" \
    "$(field "$WORK/steady.out" non2xx)" "$(field "$WORK/steady.out" errors)"
  printf '  %-14s acknowledged in p50 %s ms, p99 %s ms, max %s ms; at most %s ms behind the schedule\n' "" \
    "$(field "$WORK/steady.out" p50_ms)" "$(field "$WORK/steady.out" p99_ms)" "$(field "$WORK/steady.out" max_ms)" \
    "$(field "$WORK/steady.out" behind_max_ms)"
  # shellcheck disable=SC2086 # three words on purpose
  printf '  %-14s p50 %s  p99 %s  max %s  (%s samples)\n' "lag, events" $lag_events "$(wc -l <"$WORK/steady.samples")"
  # shellcheck disable=SC2086
  printf '  %-14s p50 %s  p99 %s  max %s\n' "lag, seconds" $lag_seconds
  printf '  %-14s %s events/s persisted\n' "pipeline" "$pipeline_rate"
  printf '  %-14s storepulse %s, PostgreSQL %s, load generator %s\n' "cores used" \
    "$(cores "$STEADY_SP" "$seconds")" "$(cores "$STEADY_PG" "$seconds")" "$(calc "%.2f" "${client:-0} / $seconds")"
  echo
  echo "catch-up after ingest stopped"
  printf '  %-14s %s events, the oldest %s s old\n' "backlog" "$backlog" "$LAG_S_AT_STOP"
  printf '  %-14s %s s until every checkpoint reached log position %s\n' "catch-up" "$catch_up" "$LOG_END"
  printf '  %-14s %s events/s\n' "drain rate" "$(calc "%.0f" "$backlog / $catch_up")"
  printf '  %-14s storepulse %s, PostgreSQL %s\n' "cores used" "$(cores "$CATCH_UP_SP" "$catch_up")" \
    "$(cores "$CATCH_UP_PG" "$catch_up")"
  printf '  %-14s %s\n' "end to end" "$(check catchup)"
  printf '  %-14s %s MB of engine snapshots, each partition rewriting its own at every flush\n' "checkpoints" \
    "$(calc "%.1f" "$(cut -d' ' -f4 "$WORK/catchup.check") / 1e6")"
  if ((backlog < RATE)); then
    echo "  (under a second of ingest was left: the catch-up time is set by the ${FLUSH_INTERVAL} flush interval more"
    echo "   than by how fast the pipeline applies events, which the rebuild below measures)"
  fi
  echo
  echo "rebuild of every result from the log, with no ingest"
  printf '  %-14s %s events in %s s, from the first checkpoint of every partition (%s s after launch)\n' \
    "replayed" "$((LOG_END - REBUILD_FROM))" "$rebuild_seconds" "$(calc "%.1f" "$REBUILD_STARTED_AT - $REBUILD_LAUNCHED_AT")"
  printf '  %-14s %s events/s from the log to persisted results\n' "pipeline" "$rebuild_rate"
  printf '  %-14s storepulse %s, PostgreSQL %s; %s CPU us per event\n' "cores used" \
    "$(cores "$REBUILD_SP" "$rebuild_seconds")" "$(cores "$REBUILD_PG" "$rebuild_seconds")" "$rebuild_cpu_us"
  printf '  %-14s %s\n' "end to end" "$(check rebuild)"
  echo
  echo "events per partition (partition stores events): $(tr '\n' ';' <"$WORK/partitions.out" | sed 's/;$//; s/;/; /g')"
}

mkdir -p load-tests/results
RESULT_FILE=load-tests/results/pipeline-$(date -u +%Y%m%dT%H%M%SZ).txt
report | tee "$RESULT_FILE"
{
  echo
  echo "--- samples: epoch_s log_end lowest_checkpoint lag_events lag_s ---"
  for phase in warmup steady catchup rebuild; do
    echo "### $phase"
    cat "$WORK/$phase.samples"
  done
  for out in warmup steady; do
    echo "### load generator, $out"
    cat "$WORK/$out.out"
  done
  for log_file in "$WORK"/storepulse-steady.{out,err} "$WORK"/storepulse.{out,err}; do
    echo "### $(basename "$log_file"), last 50 lines"
    tail -n 50 "$log_file"
  done
} >>"$RESULT_FILE"
log "written to $RESULT_FILE"
