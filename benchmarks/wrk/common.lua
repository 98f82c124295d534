-- Shared by every benchmark script: per-thread ids, a client address per request (through
-- X-Forwarded-For, which the server trusts from 127.0.0.1 only), and a JSON summary that
-- counts responses by status, so the runner can check what the server acknowledged.
local threads = {}
local counter = 0
statuses = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function next_id()
  counter = counter + 1
  return string.format("%d-%d", thread_id or 0, counter)
end

-- 10.t.x.y: distinct addresses, so per-network rate limits see many signers, as in real life.
function client_address()
  local n = counter
  return string.format("10.%d.%d.%d", (thread_id or 0) % 256, math.floor(n / 256) % 256, n % 256)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local by_status = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for status, n in pairs(counts) do
      by_status[tostring(status)] = (by_status[tostring(status)] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(by_status) do
    table.insert(parts, string.format('"%s": %d', status, n))
  end
  io.write(string.format(
    'WRK-JSON {"requests": %d, "duration_us": %d, "errors": %d, "p50_us": %d, "p95_us": %d, ' ..
    '"p99_us": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write +
      summary.errors.status + summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    table.concat(parts, ", ")))
end
