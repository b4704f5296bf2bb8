-- POST /v1/stores/STORE/inventory/SKU/reservations {"quantity":1,...} per request, for
-- reservation-bench.sh. Env: WRITE_KEY, STORE, SKUS (0: the one SKU "hot"; N: "sku-00000" to
-- "sku-(N-1)", round-robin per thread from a per-thread offset), TTL_SECONDS.
--
-- done() prints one line: RESULT requests=… duration_s=… rps=… created=… created_per_s=…
-- conflicts=… conflict_share=… other_non2xx=… p50_ms=… p99_ms=… socket_errors=…

local write_key = os.getenv("WRITE_KEY") or ""
local store = os.getenv("STORE") or "bench"
local skus = tonumber(os.getenv("SKUS") or "0")
local ttl = tonumber(os.getenv("TTL_SECONDS") or "600")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. write_key

local threads = {}
local next_thread = 1

function setup(thread)
  thread:set("thread_number", next_thread)
  next_thread = next_thread + 1
  table.insert(threads, thread)
end

local counter = 0
created = 0
conflicts = 0
others = 0

function init(args)
  counter = thread_number * 7919
end

function request()
  counter = counter + 1
  local sku = skus == 0 and "hot" or string.format("sku-%05d", counter % skus)
  local body = string.format('{"quantity":1,"ttlSeconds":%d,"visitorId":"v-%d-%d"}', ttl, thread_number, counter)
  return wrk.format(nil, "/v1/stores/" .. store .. "/inventory/" .. sku .. "/reservations", nil, body)
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
  elseif status == 409 then
    conflicts = conflicts + 1
  else
    others = others + 1
  end
end

function done(summary, latency, requests)
  local c, k, o = 0, 0, 0
  for _, thread in ipairs(threads) do
    c = c + thread:get("created")
    k = k + thread:get("conflicts")
    o = o + thread:get("others")
  end
  local seconds = summary.duration / 1e6
  local errors = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_s=%.3f rps=%.1f created=%d created_per_s=%.1f conflicts=%d conflict_share=%.4f"
      .. " other_non2xx=%d p50_ms=%.3f p99_ms=%.3f socket_errors=%d\n",
    summary.requests, seconds, summary.requests / seconds, c, c / seconds, k,
    summary.requests > 0 and k / summary.requests or 0, o,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    errors.connect + errors.read + errors.write + errors.timeout))
end
