#!/usr/bin/env bash
# The 1-minute tumbling job (count per type and revenue sum per store, 5 s out-of-orderness) over
# the same generated events, side by side in one JVM: storepulse's engine, Apache Flink on an
# in-process MiniCluster at parallelism 1, and a single-thread HashMap baseline.
#
# From the repository root:
#   load-tests/engine-vs-flink.sh
# Environment:
#   EVENTS       events generated once and read by all three (10000000)
#   ROUNDS       rounds, each running the three in turn; figures are the best round (5)
#   HEAP         the JVM's heap; the events take about 220 bytes each (6g)
#   TIME_LIMIT   seconds after which the run is stopped (900)
# Prints a table and writes it to load-tests/results/engine-vs-flink-<time>.txt. Exits non-zero
# when the build or the run fails, or when the three systems' totals differ.
set -euo pipefail

cd "$(dirname "$0")/.."

EVENTS=${EVENTS:-10000000}
ROUNDS=${ROUNDS:-5}
HEAP=${HEAP:-6g}
TIME_LIMIT=${TIME_LIMIT:-900}

BENCH_JAR=load-tests/engine-bench/target/benchmarks.jar

fail() { echo "engine-vs-flink: $*" >&2; exit 1; }

for value in "$EVENTS" "$ROUNDS" "$TIME_LIMIT"; do
  [[ $value =~ ^[1-9][0-9]*$ ]] || fail "expected a positive integer, got '$value' (EVENTS, ROUNDS, TIME_LIMIT)"
done
[[ $HEAP =~ ^[1-9][0-9]*[mMgG]$ ]] || fail "HEAP takes a JVM size such as 6g, got '$HEAP'"

echo "==> building $BENCH_JAR" >&2
./mvnw -q -f load-tests/engine-bench/pom.xml package

mkdir -p load-tests/results
RESULT_FILE=load-tests/results/engine-vs-flink-$(date -u +%Y%m%dT%H%M%SZ).txt
{
  echo "engine vs Flink vs HashMap, $(date -u +%Y-%m-%dT%H:%M:%SZ); git $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "machine: $(nproc) cores, load average before the run $(cut -d' ' -f1-3 /proc/loadavg); heap $HEAP"
  # --foreground keeps the JVM in the terminal's process group, so that Ctrl-C reaches it
  timeout --foreground -k 10 "$TIME_LIMIT" \
    java -Xms"$HEAP" -Xmx"$HEAP" -cp "$BENCH_JAR" io.storepulse.bench.EngineVsFlink "$EVENTS" "$ROUNDS"
} 2>&1 | tee "$RESULT_FILE"
echo "==> written to $RESULT_FILE" >&2
