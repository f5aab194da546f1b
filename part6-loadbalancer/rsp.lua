-- part5-timeouts/rsp.lua: a sample config for rsp-part5 (a part 3 or part 4 file works too).
--
--   build/bin/rsp-backend --port 8888 &
--   ./tutorial run 5 part5-timeouts/rsp.lua
--   curl http://127.0.0.1:8000/bytes/100
--
-- The config is a Lua 5.4 program: rsp runs it once at start-up and then reads its globals.
-- A port may be an integer or a string holding one; the backend's address is a string.

-- The port rsp listens on: $RSP_PORT if it is set, else 8000. (0 picks any free port, and rsp
-- prints the one it got.)
listenPort = os.getenv("RSP_PORT") or 8000

-- The backend: rsp-backend's default port, on this machine.
backendAddress = "127.0.0.1"
backendPort = 8888

-- Optional, in seconds (fractions allowed): how long to wait for the backend to accept a
-- connection, and how long a pair may move no byte either way before it is closed.
connectTimeout = 5
idleTimeout = 60
