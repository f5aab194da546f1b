-- part10-lua-waits/rsp.lua: a sample config for rsp-part10: two sites on one port, chosen by Host.
-- A file from parts 3-7 works too (one site that takes every Host).
--
--   build/bin/rsp-backend --port 8001 --name a1 &
--   build/bin/rsp-backend --port 8002 --name b1 &
--   ./tutorial run 10 part10-lua-waits/rsp.lua
--   curl -i -H 'Host: a.test' http://127.0.0.1:8000/bytes/10     # X-Backend: a1
--   curl -i -H 'Host: www.b.test' http://127.0.0.1:8000/bytes/10 # X-Backend: b1
--   curl -i -H 'Host: c.test' http://127.0.0.1:8000/bytes/10     # a.test, the default site
--
-- The config is a Lua 5.4 program: rsp runs it once at start-up and then reads its globals.

-- The port rsp listens on: $RSP_PORT if it is set, else 8000.
listenPort = os.getenv("RSP_PORT") or 8000

-- The sites, matched as nginx matches server_name: the exact name first, then the longest
-- "*.suffix", then the longest "prefix.*". Each is a pool of backends, as in part 6: "host:port"
-- strings or tables { address = ..., port = ... }, and optionally its own balance and
-- checkInterval (else the ones below).
sites = {
  ["a.test"] = { backends = { "127.0.0.1:8001" } },
  ["*.b.test"] = { backends = { { address = "127.0.0.1", port = 8002 } } },
}

-- For a Host that no site names; without it, such a request gets 421 Misdirected Request.
defaultSite = "a.test"

-- Optional, the request head's bounds: bytes (431 past them) and seconds (408 after them).
maxHeadSize = 16384
headerTimeout = 10

-- "roundrobin" (each in turn, the default) or "leastconn" (the one with fewest open pairs).
balance = "roundrobin"

-- Seconds between TCP checks of a backend that is down (0: no checks).
checkInterval = 2

-- Optional, in seconds, as in part 5.
connectTimeout = 5
idleTimeout = 60

-- Optional: choose the backend yourself, for every new client. `client` has address, port and
-- backends (each with address, port, connections and up); return an index from 1. An error or
-- a bad index is logged and the client goes by `balance` instead. Each call may take at most
-- luaTimeLimit seconds, and the Lua state hold at most luaMemoryLimit MiB (a whole number);
-- three calls in a row over them switch chooseBackend off until the config is loaded again.
-- The file's own run, here, is bounded by their defaults:
--
-- luaTimeLimit = 0.1
-- luaMemoryLimit = 64
--
-- For example, keep each client address on one backend while it is up:
--
-- function chooseBackend(client)
--   local sum = 0
--   for i = 1, #client.address do sum = sum + client.address:byte(i) end
--   return sum % #client.backends + 1
-- end

-- Optional: route(request) chooses the site for every request, before Host matching; return a
-- site's name, or nil to go by Host. `request` has method, target, path, host, version, headers
-- (lower-case names) and client (address, port). Bounded like chooseBackend.
--
-- function route(request)
--   if request.path:sub(1, 5) == "/api/" then return "*.b.test" end
-- end
