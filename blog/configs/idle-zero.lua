-- A broken config for part 5's transcript (blog/06-part5-timeouts.md): an idle timeout of 0,
-- which would close every pair at once.
listenPort = 8000
backendAddress = "127.0.0.1"
backendPort = 8888
idleTimeout = 0
