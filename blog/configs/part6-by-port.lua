-- Part 6's post (blog/07-part6-loadbalancer.md): the three backends of part6-three.lua, with the
-- smallest useful chooseBackend, to measure what calling Lua for every new client costs.
listenPort = os.getenv("RSP_PORT") or 8000
backends = { "127.0.0.1:8001", "127.0.0.1:8002", "127.0.0.1:8003" }
checkInterval = 2

function chooseBackend(client)
  return client.port % #client.backends + 1
end
