-- POST a form to wrk's URL. The runner passes, in the environment:
--   BENCH_FORM     the fixed fields, urlencoded ("country=FR&...")
--   BENCH_COOKIE   the Cookie header, if the form needs one
--   BENCH_ORIGIN   the site's origin: sent, with Sec-Fetch-Site, as a browser does
--   BENCH_EMAIL    the field that must be unique per request ("email")
-- Each request signs with a new address: bench-<run>-<thread>-<n>@example.org.
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")

local form = os.getenv("BENCH_FORM")
local cookie = os.getenv("BENCH_COOKIE") or ""
local email_field = os.getenv("BENCH_EMAIL") or "email"
local run = os.getenv("BENCH_RUN") or "0"
local origin = os.getenv("BENCH_ORIGIN") or ""

function request()
  local id = next_id()
  local body = string.format("%s&%s=bench-%s-%s%%40example.org", form, email_field, run, id)
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
    ["Origin"] = origin,
    ["Sec-Fetch-Site"] = "same-origin",
    ["X-Forwarded-For"] = client_address(),
  }, body)
end
