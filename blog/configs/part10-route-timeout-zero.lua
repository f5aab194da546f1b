-- A broken config for part 10's post (blog/12-part10-lua-waits.md): routeTimeout = 0 would
-- answer every routed request 504 before route could run; rsp refuses it.
listenPort = 8000
backends = { "127.0.0.1:8001" }
routeTimeout = 0
function route(request) return nil end
