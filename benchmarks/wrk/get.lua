-- GET wrk's URL (path and query as given), each request from another client address.
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")

function request()
  next_id()
  return wrk.format("GET", nil, {["X-Forwarded-For"] = client_address()})
end
