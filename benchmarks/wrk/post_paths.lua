-- POST to each path of the file BENCH_PATHS in turn (confirmation links), with the form
-- BENCH_FORM and the cookie BENCH_COOKIE. Threads take every Nth line, so no path is used twice.
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")

local form = os.getenv("BENCH_FORM")
local cookie = os.getenv("BENCH_COOKIE") or ""
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  table.insert(paths, line)
end
local step = tonumber(os.getenv("BENCH_THREADS") or "1")
local position = nil

function request()
  next_id()
  position = position and (position + step) or (thread_id or 1)
  local path = paths[((position - 1) % #paths) + 1]
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
    ["X-Forwarded-For"] = client_address(),
  }, form)
end
