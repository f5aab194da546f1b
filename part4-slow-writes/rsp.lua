-- part4-slow-writes/rsp.lua: a sample config for rsp-part4. Same as part3-lua/rsp.lua: part 4
-- reads the same settings.
--
--   build/bin/rsp-backend --port 8888 &
--   ./tutorial run 4 part4-slow-writes/rsp.lua
--   curl http://127.0.0.1:8000/bytes/100
--
-- The config is a Lua 5.4 program: rsp runs it once at start-up and then reads three globals.
-- A port may be an integer or a string holding one; the backend's address is a string.

-- The port rsp listens on: $RSP_PORT if it is set, else 8000. (0 picks any free port, and rsp
-- prints the one it got.)
listenPort = os.getenv("RSP_PORT") or 8000

-- The backend: rsp-backend's default port, on this machine.
backendAddress = "127.0.0.1"
backendPort = 8888
