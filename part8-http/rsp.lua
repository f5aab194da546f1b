-- part8-http/rsp.lua: a sample config for rsp-part8 (a file from parts 3-6 works too). Same as
-- part6-loadbalancer/rsp.lua.
--
--   build/bin/rsp-backend --port 8001 --name b1 &
--   build/bin/rsp-backend --port 8002 --name b2 &
--   ./tutorial run 7 part7-limits/rsp.lua
--   curl -i http://127.0.0.1:8000/bytes/10      # the X-Backend header says who answered
--
-- The config is a Lua 5.4 program: rsp runs it once at start-up and then reads its globals.

-- The port rsp listens on: $RSP_PORT if it is set, else 8000.
listenPort = os.getenv("RSP_PORT") or 8000

-- The backends: "host:port" strings, or tables { address = ..., port = ... }.
backends = { "127.0.0.1:8001", { address = "127.0.0.1", port = 8002 } }

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
