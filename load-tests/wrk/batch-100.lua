-- {"events":[…100 product_viewed events…]} per POST /v1/events. Env: WRITE_KEY, RUN_ID (see
-- bench-event.lua).
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local bench = dofile(here .. "bench-event.lua")

local EVENTS_PER_REQUEST = 100
local events = {}

function request()
  for i = 1, EVENTS_PER_REQUEST do
    events[i] = bench.next_event()
  end
  return wrk.format(nil, nil, nil, '{"events":[' .. table.concat(events, ",") .. "]}")
end

done = bench.report(EVENTS_PER_REQUEST)
