-- Part 6's post (blog/07-part6-loadbalancer.md): a chooseBackend with a mistake in it. It
-- returns a backend's port where an index is expected, so every client goes by balance.
listenPort = os.getenv("RSP_PORT") or 8000
backends = { "127.0.0.1:8001", "127.0.0.1:8002", "127.0.0.1:8003" }

function chooseBackend(client)
  return client.backends[3].port
end
