-- wrk script for bench/endtoend.py: every answer must be a 200 holding the row's marker
-- (wrk's first argument after --); prints one JSON line for the bench to read.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  marker = args[1]
  bad = 0
  first_bad = ""
end

function response(status, headers, body)
  if status ~= 200 or not string.find(body, marker, 1, true) then
    bad = bad + 1
    if first_bad == "" then
      first_bad = status .. " " .. string.sub(body or "", 1, 400)
    end
  end
end

function done(summary, latency, requests)
  local total, example = 0, ""
  for _, thread in ipairs(threads) do
    total = total + thread:get("bad")
    if example == "" then
      example = thread:get("first_bad")
    end
  end
  local errors = summary.errors
  io.write(string.format(
    'WRK {"requests": %d, "duration_us": %d, "mean_us": %.1f, "p50_us": %d, "p99_us": %d, ' ..
    '"bad": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency.mean, latency:percentile(50),
    latency:percentile(99), total, errors.connect + errors.read + errors.write + errors.timeout))
  if example ~= "" then
    io.write("WRK-BAD " .. example:gsub("\n", " ") .. "\n")
  end
end
