-- Part 6's post (blog/07-part6-loadbalancer.md): chooseBackend sends one client in ten to a
-- canary, the third backend, and the others to the first two in turn. The two counters live
-- as long as the proxy: the config's Lua state is kept, and each call sees the last one's work.
listenPort = os.getenv("RSP_PORT") or 8000
backends = { "127.0.0.1:8001", "127.0.0.1:8002", "127.0.0.1:8003" }

local clients, turn = 0, 0
function chooseBackend(client)
  clients = clients + 1
  if clients % 10 == 0 then return 3 end  -- the canary
  turn = turn % 2 + 1
  return turn
end
