-- wrk script for bench/endtoend.py's writes: each request is a different volunteer's POST,
-- read from a file (one a line: index, path, cookie, CSRF token, JSON body, tab-separated);
-- the threads share the lines out. Each request names its line in X-Request-ID, which the
-- platform sends back, so every answer is matched to its volunteer: the bench prints the
-- lines answered with the expected status and marker, and checks the database against them.
-- Arguments after --: the file, the marker, the expected status, the number of threads.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  local id, count = tonumber(wrk.thread:get("id")), tonumber(args[4])
  marker, expected = args[2], tonumber(args[3])
  requests, sent, bad, first_bad, answered = {}, 0, 0, "", {}
  local line_no = 0
  for line in io.lines(args[1]) do
    if line_no % count == id then
      local index, path, cookie, csrf, body = line:match("^(%d+)\t([^\t]+)\t([^\t]*)\t([^\t]*)\t(.*)$")
      table.insert(requests, wrk.format("POST", path, {
        ["Cookie"] = cookie,
        ["X-CSRFToken"] = csrf,
        ["X-Request-ID"] = "bench-write-" .. index,
        ["Content-Type"] = "application/json",
      }, body))
    end
    line_no = line_no + 1
  end
  -- Once every line is sent: a cheap request whose answer is not counted.
  spare = wrk.format("GET", "/healthz", { ["X-Request-ID"] = "bench-spare-0" })
  exhausted = 0
end

function request()
  sent = sent + 1
  if sent <= #requests then
    return requests[sent]
  end
  exhausted = 1
  return spare
end

function response(status, headers, body)
  local id = headers["X-Request-ID"] or ""
  local index = id:match("^bench%-write%-(%d+)$")
  if not index then
    return
  end
  if status ~= expected or not string.find(body, marker, 1, true) then
    bad = bad + 1
    if first_bad == "" then
      first_bad = status .. " " .. string.sub(body or "", 1, 400)
    end
  else
    table.insert(answered, index)
  end
end

function done(summary, latency, requests)
  local total, example, lines, ran_out = 0, "", {}, 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("bad")
    ran_out = math.max(ran_out, thread:get("exhausted"))
    if example == "" then
      example = thread:get("first_bad")
    end
    local answered = thread:get("answered")
    for _, index in ipairs(answered) do
      table.insert(lines, index)
    end
  end
  local errors = summary.errors
  io.write(string.format(
    'WRK {"requests": %d, "duration_us": %d, "mean_us": %.1f, "p50_us": %d, "p99_us": %d, ' ..
    '"bad": %d, "socket_errors": %d, "exhausted": %d}\n',
    summary.requests, summary.duration, latency.mean, latency:percentile(50),
    latency:percentile(99), total, errors.connect + errors.read + errors.write + errors.timeout,
    ran_out))
  io.write("WRK-ANSWERED " .. table.concat(lines, " ") .. "\n")
  if example ~= "" then
    io.write("WRK-BAD " .. example:gsub("\n", " ") .. "\n")
  end
end
