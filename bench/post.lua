-- POST rows: the body is read from BENCH_BODY_FILE, its type from BENCH_CONTENT_TYPE.
-- Cookies and the CSRF token of a wizard POST come as headers and in the body file.
dofile("report.lua")

local file = assert(io.open(os.getenv("BENCH_BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = os.getenv("BENCH_CONTENT_TYPE") or "application/json"
