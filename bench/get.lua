-- GET rows: the URL and any Cookie header come from wrk's command line.
dofile("report.lua")
