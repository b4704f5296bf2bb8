-- One product_viewed event per POST /v1/events. Env: WRITE_KEY, RUN_ID (see bench-event.lua).
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local bench = dofile(here .. "bench-event.lua")

function request()
  return wrk.format(nil, nil, nil, bench.next_event())
end

done = bench.report(1)
