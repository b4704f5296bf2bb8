-- Shared by single-event.lua and batch-100.lua: the event they send, the request headers, unique
-- ids per thread, and the RESULT line that ingest-bench.sh parses.
--
-- The event must stay byte for byte what io.storepulse.loadtest.BenchEvent.sent builds, so the
-- raw insert baseline writes the same rows storepulse is asked to write.

local bench = {}

local SKUS = 1000
local VISITORS = 50000
local EVENT = '{"id":"%s-%09d","type":"product_viewed","time":"%s",'
  .. '"visitorId":"v-%05d","sku":"SKU-%04d","price":"19.99","currency":"EUR"}'

-- RUN_ID tells apart the runs that share one storepulse store (warm-up, measured, single, batch),
-- so ids never repeat and each run's rows can be counted on their own
local run_id = os.getenv("RUN_ID") or "run"
local write_key = os.getenv("WRITE_KEY") or ""

wrk.method = "POST"
wrk.path = "/v1/events"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. write_key

local next_thread = 1

function setup(thread)
  thread:set("thread_number", next_thread)
  next_thread = next_thread + 1
end

local prefix
local time
local counter = 0

function init(args)
  prefix = run_id .. "-" .. thread_number
  -- once per thread: the server checks that event times are recent, not that they differ
  time = os.date("!%Y-%m-%dT%H:%M:%SZ")
end

-- the next event of this thread, with an id no other thread or run uses
function bench.next_event()
  counter = counter + 1
  return string.format(EVENT, prefix, counter, time, counter % VISITORS, counter % SKUS)
end

-- events_per_request: how many events a 2xx response stands for
function bench.report(events_per_request)
  return function(summary, latency, requests)
    local seconds = summary.duration / 1e6
    local errors = summary.errors
    local ok = summary.requests - errors.status
    io.write(string.format(
      "RESULT requests=%d duration_s=%.3f rps=%.1f ok_rps=%.1f events=%d events_per_s=%.1f"
        .. " p50_ms=%.3f p99_ms=%.3f non2xx=%d socket_errors=%d\n",
      summary.requests, seconds, summary.requests / seconds, ok / seconds,
      ok * events_per_request, ok * events_per_request / seconds,
      latency:percentile(50) / 1000, latency:percentile(99) / 1000,
      errors.status, errors.connect + errors.read + errors.write + errors.timeout))
  end
end

return bench
