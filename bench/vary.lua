-- POST rows whose answers differ on every request (so no cache can answer them): the body from
-- BENCH_BODY_FILE with the first partner renamed "<name> <thread>-<counter>".
dofile("report.lua")

local file = assert(io.open(os.getenv("BENCH_BODY_FILE"), "rb"))
local template = file:read("*a")
file:close()
local pattern = os.getenv("BENCH_VARY") or "Contoso Bank"
wrk.method = "POST"
wrk.headers["Content-Type"] = os.getenv("BENCH_CONTENT_TYPE") or "application/json"

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("prefix", tostring(threads))
end

local counter = 0
function request()
  counter = counter + 1
  local body = template:gsub(pattern, pattern .. " " .. prefix .. "-" .. counter, 1)
  return wrk.format(nil, nil, nil, body)
end
