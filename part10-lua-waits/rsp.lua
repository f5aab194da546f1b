-- part10-lua-waits/rsp.lua: a sample config for rsp-part10: sites chosen by what Redis says,
-- else by Host. A file from parts 3-9 works too.
--
--   redis-server --port 6379 --save '' --appendonly no &
--   build/bin/rsp-backend --port 8001 --name a1 &
--   build/bin/rsp-backend --port 8002 --name b1 &
--   build/bin/rsp-backend --port 8003 --name c1 &
--   ./tutorial run 10 part10-lua-waits/rsp.lua     # Redis on $RSP_REDIS_PORT, else 6379
--   redis-cli set site:c.test 127.0.0.1:8003
--   curl -i -H 'Host: c.test' http://127.0.0.1:8000/bytes/10     # X-Backend: c1, from Redis
--   curl -i -H 'Host: a.test' http://127.0.0.1:8000/bytes/10     # X-Backend: a1, by Host
--   curl -i -H 'Host: www.b.test' http://127.0.0.1:8000/bytes/10 # X-Backend: b1
--   redis-cli set site:a.test 127.0.0.1:8003   # a.test: a1 until its answer's cache expires, c1
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

-- Optional, kept-alive connections. A client may wait this many seconds between requests:
keepaliveTimeout = 75
-- Each backend keeps up to this many idle connections for the next requests (0: none), each for
-- at most backendIdleTimeout seconds: keep it below the backend's own idle timeout.
backendKeepalive = 32
backendIdleTimeout = 4
-- With checkPath, a check is GET checkPath, which must answer 2xx or 3xx, and every backend is
-- checked each checkInterval, not only the ones that are down:
--
-- checkPath = "/health"

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
-- site's name, "host:port" (a numeric address: a backend of its own), or nil to go by Host.
-- `request` has method, target, path, host, version, headers (lower-case names) and client
-- (address, port). It runs as a coroutine: it may wait, with rsp.sleep(seconds) and rsp.tcp()
-- sockets, and every other request goes on meanwhile. Each run between waits is bounded like
-- chooseBackend; the whole of it, waits included, by routeTimeout seconds (then 504).
routeTimeout = 5

-- Here: ask Redis (site:<host> -> "host:port"), through redis.lua beside this file, and keep
-- each answer for cacheSeconds, so that most requests do not wait at all.
local redis = require "redis"
local server = { host = "127.0.0.1", port = tonumber(os.getenv("RSP_REDIS_PORT")) or 6379,
                 timeout = 500 }
local cacheSeconds = 5
local cache, cached = {}, 0  -- host -> { backend = "host:port" or false, expires = ... }

function route(request)
  local hit = cache[request.host]
  if hit and hit.expires > rsp.now() then return hit.backend or nil end
  local backend, err = redis.call(server, "GET", "site:" .. request.host)
  if err then return nil end  -- Redis is away: go by Host, and ask again next time
  if cached >= 10000 then cache, cached = {}, 0 end  -- any Host may come: keep it bounded
  cached = cached + 1
  cache[request.host] = { backend = backend or false, expires = rsp.now() + cacheSeconds }
  return backend
end
