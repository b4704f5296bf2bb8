#!/usr/bin/env bash
# Reservations per second with p50/p99 latency, (a) all on one hot SKU and (b) spread over SKUS
# SKUs, and how fast the pipeline applies inventory effects: the rebuild of every result from a
# log of ORDERS order events (plus the restocks), as pipeline-bench.sh rebuilds.
#
# From the repository root, after `./mvnw -q package -DskipTests`:
#   load-tests/reservation-bench.sh
# Everything listens on 127.0.0.1, every wait is bounded, and every process it starts is stopped on
# success, failure and Ctrl-C (bench-lib.sh). See load-tests/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-20}
WARMUP=${WARMUP:-5}
CONNECTIONS=${CONNECTIONS:-16}
WRK_THREADS=${WRK_THREADS:-2}
SKUS=${SKUS:-10000}
ORDERS=${ORDERS:-100000}
CATCH_UP_LIMIT=${CATCH_UP_LIMIT:-300}
PORTS=${PORTS:-"15434 18083"}
# the order of the two reservation runs: the second starts with the first one's reservations held
SCENARIOS=${SCENARIOS:-"hot spread"}

# shellcheck source=load-tests/bench-lib.sh
source load-tests/bench-lib.sh

# storepulse's default, set explicitly because the catch-up query must use the same number
PARTITIONS=4
BATCH=1000
HOT_STOCK=1000000000
SPREAD_STOCK=1000

read -r PG_PORT STOREPULSE_PORT <<<"$PORTS"
for value in "$DURATION" "$WARMUP" "$CONNECTIONS" "$WRK_THREADS" "$SKUS" "$ORDERS" "$CATCH_UP_LIMIT" "$PG_PORT" "$STOREPULSE_PORT"; do
  [[ $value =~ ^[1-9][0-9]*$ ]] || fail "expected a positive integer, got '$value' (DURATION, WARMUP, CONNECTIONS, WRK_THREADS, SKUS, ORDERS, CATCH_UP_LIMIT, PORTS)"
done
((SKUS <= 100000)) || fail "SKUS is at most 100000 (the SKU names have five digits)"
[[ $SCENARIOS == "hot spread" || $SCENARIOS == "spread hot" ]] || fail "SCENARIOS is 'hot spread' or 'spread hot'"
[[ $PG_PORT != "$STOREPULSE_PORT" ]] || fail "PORTS must be two different ports, got '$PORTS'"
for tool in java wrk curl psql jq awk timeout; do
  command -v "$tool" >/dev/null || fail "$tool is missing (apt-get install -y wrk curl postgresql-client jq)"
done
[[ -f $STOREPULSE_JAR ]] || fail "$STOREPULSE_JAR is missing: run ./mvnw -q package -DskipTests first"
for port in "$PG_PORT" "$STOREPULSE_PORT"; do
  ! port_in_use "$port" || fail "port $port on 127.0.0.1 is in use; choose others with PORTS"
done
if [[ ! -f $LOAD_JAR ]]; then
  log "building $LOAD_JAR"
  ./mvnw -q -f load-tests/pom.xml package -DskipTests
fi

BASE="http://127.0.0.1:$STOREPULSE_PORT"
PIPELINE_ENV=(STOREPULSE_PIPELINE_PARTITIONS="$PARTITIONS" STOREPULSE_PIPELINE_FLUSH_INTERVAL=1s)

# psql_value SQL: one value from BenchPostgres
psql_value() { bounded 60 psql "$PG_URL" -Atq -c "$1"; }

# caught_up_sample: "epoch_s partitions_checkpointed lowest_checkpoint log_end"
caught_up_sample() {
  psql_value "SELECT round(extract(epoch FROM clock_timestamp()), 3), count(*), coalesce(min(position), 0),
    (SELECT coalesce(max(position), 0) FROM events) FROM pipeline_checkpoints" | tr '|' ' '
}

# until_caught_up: until every partition has checkpointed at the log end; prints the sample
until_caught_up() {
  local deadline=$((SECONDS + CATCH_UP_LIMIT)) now count lowest end
  while :; do
    read -r now count lowest end <<<"$(caught_up_sample)"
    if ((count == PARTITIONS && lowest >= end)); then
      echo "$now $count $lowest $end"
      return 0
    fi
    kill -0 "$STOREPULSE_PID" 2>/dev/null || fail "storepulse exited while the pipeline caught up"
    ((SECONDS < deadline)) || fail "the pipeline did not reach the log end within ${CATCH_UP_LIMIT}s"
    sleep 0.25
  done
}

# post_events FILE: POST /v1/events with the batch in FILE; fails unless 202 with nothing rejected
post_events() {
  local status
  status=$(curl -s -o "$WORK/post.json" -w '%{http_code}' --max-time 60 -X POST \
    -H "Authorization: Bearer $WRITE_KEY" -H 'Content-Type: application/json' \
    --data-binary "@$1" "$BASE/v1/events")
  [[ $status == 202 && $(jq -r '.rejected' "$WORK/post.json") == 0 ]] \
    || { cat "$WORK/post.json" >&2; fail "posting $1 answered $status"; }
}

# events FILE_PREFIX COUNT AWK_EVENT: COUNT events in files of BATCH, each the JSON that
# AWK_EVENT (an awk expression of i, the event number) builds
events() {
  awk -v prefix="$1" -v count="$2" -v batch="$BATCH" -v time="$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    -v skus="$SKUS" -v hot="$HOT_STOCK" -v spread="$SPREAD_STOCK" "
    function sku(n) { return sprintf(\"sku-%05d\", n) }
    BEGIN {
      srand(42)
      for (i = 0; i < count; i++) {
        if (i % batch == 0) {
          if (file) { print \"]}\" > file; close(file) }
          file = sprintf(\"%s-%05d.json\", prefix, i / batch)
          printf \"{\\\"events\\\":[\" > file
        } else {
          printf \",\" > file
        }
        printf \"%s\", $3 > file
      }
      if (file) { print \"]}\" > file; close(file) }
    }"
}

# run_wrk NAME SKUS SECONDS: wrk against the reservations; the RESULT line in $WORK/NAME.out
run_wrk() {
  WRITE_KEY="$WRITE_KEY" STORE=bench SKUS="$2" TTL_SECONDS=3600 \
    bounded $(($3 + 30)) wrk -t "$WRK_THREADS" -c "$CONNECTIONS" -d "${3}s" --timeout 10s \
    -s load-tests/wrk/reservation.lua "$BASE" >"$WORK/$1.out" 2>&1 || { cat "$WORK/$1.out" >&2; fail "wrk $1 failed"; }
  grep -q '^RESULT ' "$WORK/$1.out" || { cat "$WORK/$1.out" >&2; fail "no RESULT from wrk $1"; }
}

field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" $(grep '^RESULT ' "$WORK/$1.out")"; }

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# checkpoint_kb: "inventory_kb engine_kb" of the largest checkpoint (the bench store's partition),
# which every flush rewrites, a reservation's flush included
checkpoint_kb() {
  psql_value "SELECT round(coalesce(max(octet_length(inventory_state)), 0) / 1024.0),
    round(max(octet_length(engine_state)) / 1024.0) FROM pipeline_checkpoints" | tr '|' ' '
}

# --- the run --------------------------------------------------------------------------------

start_postgres "$PG_PORT"
start_storepulse "$STOREPULSE_PORT" "${PIPELINE_ENV[@]}"
WRITE_KEY=$(create_store "$STOREPULSE_PORT" bench)

log "stocking the hot SKU with $HOT_STOCK units and $SKUS SKUs with $SPREAD_STOCK each, through events"
events "$WORK/stock" $((SKUS + 1)) \
  "(i == 0 ? sprintf(\"{\\\"id\\\":\\\"stock-hot\\\",\\\"type\\\":\\\"inventory_restocked\\\",\\\"time\\\":\\\"%s\\\",\\\"sku\\\":\\\"hot\\\",\\\"quantity\\\":%d}\", time, hot) \
   : sprintf(\"{\\\"id\\\":\\\"stock-%d\\\",\\\"type\\\":\\\"inventory_restocked\\\",\\\"time\\\":\\\"%s\\\",\\\"sku\\\":\\\"%s\\\",\\\"quantity\\\":%d}\", i, time, sku(i - 1), spread))"
for file in "$WORK"/stock-*.json; do
  post_events "$file"
done
until_caught_up >/dev/null
LEVELS=$(psql_value "SELECT count(*) FROM inventory_levels WHERE store_id = 'bench'")
((LEVELS == SKUS + 1)) || fail "expected $((SKUS + 1)) levels after the restocks, found $LEVELS"
CHECKPOINT_STOCKED=$(checkpoint_kb)

for scenario in $SCENARIOS; do
  skus=0
  [[ $scenario == hot ]] || skus=$SKUS
  log "$scenario: warm-up ${WARMUP}s, then ${DURATION}s with $CONNECTIONS connections"
  run_wrk "$scenario-warmup" "$skus" "$WARMUP"
  run_wrk "$scenario" "$skus" "$DURATION"
  printf -v "LOAD_${scenario^^}" '%s' "$(loadavg)"
  printf -v "CHECKPOINT_${scenario^^}" '%s' "$(checkpoint_kb)"
done
HOT_AVAILABLE=$(curl -s --max-time 10 -H "Authorization: Bearer $(jq -r '.readToken.key' "$WORK/store-bench.json")" \
  "$BASE/v1/stores/bench/inventory/hot" | jq -r '"onHand \(.onHand), reserved \(.reserved), available \(.available)"')

log "ingesting $ORDERS order_completed events of 1-3 lines over the $SKUS SKUs"
events "$WORK/orders" "$ORDERS" \
  "sprintf(\"{\\\"id\\\":\\\"order-%d\\\",\\\"type\\\":\\\"order_completed\\\",\\\"time\\\":\\\"%s\\\",\\\"orderId\\\":\\\"o-%d\\\",\\\"visitorId\\\":\\\"v-%d\\\",\\\"currency\\\":\\\"EUR\\\",\\\"items\\\":[%s]}\", i, time, i, i % 50000, \
     (r = int(rand() * 3)) == 0 ? sprintf(\"{\\\"sku\\\":\\\"%s\\\",\\\"quantity\\\":1,\\\"price\\\":\\\"9.99\\\"}\", sku(int(rand() * skus))) \
     : r == 1 ? sprintf(\"{\\\"sku\\\":\\\"%s\\\",\\\"quantity\\\":1,\\\"price\\\":\\\"9.99\\\"},{\\\"sku\\\":\\\"%s\\\",\\\"quantity\\\":2,\\\"price\\\":\\\"4.99\\\"}\", sku(int(rand() * skus)), sku(int(rand() * skus))) \
     : sprintf(\"{\\\"sku\\\":\\\"%s\\\",\\\"quantity\\\":1,\\\"price\\\":\\\"9.99\\\"},{\\\"sku\\\":\\\"%s\\\",\\\"quantity\\\":2,\\\"price\\\":\\\"4.99\\\"},{\\\"sku\\\":\\\"%s\\\",\\\"quantity\\\":1,\\\"price\\\":\\\"1.99\\\"}\", sku(int(rand() * skus)), sku(int(rand() * skus)), sku(int(rand() * skus))))"
INGEST_STARTED=$(date +%s.%N)
for file in "$WORK"/orders-*.json; do
  post_events "$file"
done
INGESTED=$(date +%s.%N)
SAMPLE=$(until_caught_up)
read -r LIVE_DONE _ _ LOG_END <<<"$SAMPLE"

# The live figure above is bounded by the ingest; to see how fast the pipeline applies a backlog,
# rebuild every result from the log, as pipeline-bench.sh does: stop, clear the checkpoints, the
# pipeline's results and the inventory tables, start again. The log holds only events, so the
# reservations made above through the API are not rebuilt (nor would PUT adjustments be).
log "rebuilding the pipeline's results, inventory included, from the log ($LOG_END events)"
stop "$STOREPULSE_PID"
psql_value "TRUNCATE pipeline_checkpoints, window_metrics, sku_metrics, alerts, late_events, moving_averages,
  inventory_levels, inventory_movements, inventory_reservations" >/dev/null || fail "clearing the tables failed"
launch_storepulse "$STOREPULSE_PORT" "${PIPELINE_ENV[@]}"
# measured from the first checkpoint of every partition, when the JVM is up and the pipeline runs
deadline=$((SECONDS + READY_SECONDS))
while :; do
  read -r REBUILD_STARTED count REBUILD_FROM _ <<<"$(caught_up_sample)"
  ((count == PARTITIONS && REBUILD_FROM > 0)) && break
  kill -0 "$STOREPULSE_PID" 2>/dev/null || fail "storepulse exited while starting the rebuild"
  ((SECONDS < deadline)) || fail "no checkpoint of every partition within ${READY_SECONDS}s of the restart"
  sleep 0.1
done
SAMPLE=$(until_caught_up)
read -r REBUILT _ _ _ <<<"$SAMPLE"
LOAD_REBUILD=$(loadavg)
wait_ready "$STOREPULSE_PORT"
REBUILT_LEVELS=$(psql_value "SELECT count(*) FROM inventory_levels WHERE store_id = 'bench'")
OFF_LEDGER=$(psql_value "SELECT count(*) FROM inventory_levels l LEFT JOIN (SELECT sku, sum(delta_on_hand) s
  FROM inventory_movements WHERE store_id = 'bench' GROUP BY sku) m ON m.sku = l.sku
  WHERE l.store_id = 'bench' AND l.on_hand <> coalesce(m.s, 0)")
MOVEMENTS=$(psql_value "SELECT count(*) FROM inventory_movements WHERE store_id = 'bench'")
stop "$STOREPULSE_PID"

# --- report ---------------------------------------------------------------------------------

echo
echo "reservation-bench: $(nproc) cores, PostgreSQL ${PG_SETTINGS:-}, $PARTITIONS partitions"
echo "reservations of 1 unit, ${DURATION}s each after a ${WARMUP}s warm-up, $CONNECTIONS connections, $WRK_THREADS wrk threads"
printf '  %-8s %10s %10s %9s %9s %10s %8s %s\n' scenario "req/s" "201/s" "p50 ms" "p99 ms" "409 share" "other" "load average at the end"
for scenario in $SCENARIOS; do
  load=LOAD_${scenario^^}
  printf '  %-8s %10s %10s %9s %9s %10s %8s %s\n' "$scenario" "$(field "$scenario" rps)" "$(field "$scenario" created_per_s)" \
    "$(field "$scenario" p50_ms)" "$(field "$scenario" p99_ms)" "$(field "$scenario" conflict_share)" \
    "$(($(field "$scenario" other_non2xx) + $(field "$scenario" socket_errors)))" "${!load}"
done
echo "  hot SKU after both runs: $HOT_AVAILABLE"
for phase in STOCKED ${SCENARIOS^^}; do
  checkpoint=CHECKPOINT_$phase
  read -r inventory_kb engine_kb <<<"${!checkpoint}"
  printf '  checkpoint rewritten at each flush, after %-8s inventory %6s KB, engine %6s KB\n' \
    "${phase,,}:" "$inventory_kb" "$engine_kb"
done
echo "inventory effects in the pipeline"
printf '  live:    %d orders ingested in %.1f s, applied and checkpointed %.1f s after the first request\n' \
  "$ORDERS" "$(calc "%.3f" "$INGESTED - $INGEST_STARTED")" "$(calc "%.3f" "$LIVE_DONE - $INGEST_STARTED")"
REBUILD_SECONDS=$(calc "%.3f" "$REBUILT - $REBUILD_STARTED")
if ((REBUILD_FROM >= LOG_END)); then
  echo "  rebuild: done by the first checkpoint of every partition, too short to measure; raise ORDERS"
else
  printf '  rebuild: %d of %d logged events (%d restocks, %d orders) replayed from position %d in %.1f s: %s events/s, load average %s\n' \
    "$((LOG_END - REBUILD_FROM))" "$LOG_END" "$((SKUS + 1))" "$ORDERS" "$REBUILD_FROM" "$REBUILD_SECONDS" \
    "$(calc "%.0f" "($LOG_END - REBUILD_FROM) / $REBUILD_SECONDS")" "$LOAD_REBUILD"
fi
echo "  after the rebuild: $REBUILT_LEVELS levels, $MOVEMENTS movements, $OFF_LEDGER levels differing from their ledger"
((REBUILT_LEVELS == SKUS + 1 && OFF_LEDGER == 0)) || fail "the rebuilt inventory is not whole"
