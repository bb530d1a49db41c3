-- Check-ins for wrk: POST to each key result of a list in turn.
-- bench/run.py writes the list to the file named by BENCH_TARGETS, one
-- "path<TAB>authorization<TAB>body" per line (the authorization may be empty), and the
-- headers common to every request ("Name: value" lines) to BENCH_HEADERS.

local targets = {}
local counter = 0

for line in io.lines(os.getenv("BENCH_TARGETS")) do
  local path, authorization, body = line:match("^([^\t]+)\t([^\t]*)\t(.*)$")
  if path then
    targets[#targets + 1] = { path = path, authorization = authorization, body = body }
  end
end

wrk.method = "POST"
for header in string.gmatch(os.getenv("BENCH_HEADERS") or "", "[^\n]+") do
  local name, value = header:match("^([^:]+): (.*)$")
  wrk.headers[name] = value
end

function request()
  counter = counter + 1
  local target = targets[(counter % #targets) + 1]
  local headers = {}
  for name, value in pairs(wrk.headers) do
    headers[name] = value
  end
  if target.authorization ~= "" then
    headers["Authorization"] = target.authorization
  end
  return wrk.format("POST", target.path, headers, target.body)
end

function done(summary, latency, requests)
  local errors = summary.errors
  local failed = errors.connect + errors.read + errors.write + errors.timeout + errors.status
  io.write(string.format(
    'JSON {"requests": %d, "seconds": %.2f, "rps": %.1f, "p50_ms": %.2f, "p99_ms": %.2f,'
      .. ' "errors": %d, "non_2xx_3xx": %d}\n',
    summary.requests,
    summary.duration / 1e6,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000,
    latency:percentile(99) / 1000,
    failed,
    errors.status
  ))
end
