-- A broken config for part 7's post (blog/08-part7-limits.md): maxConnections must allow at
-- least one pair.
listenPort = 8000
backendAddress = "127.0.0.1"
backendPort = 8888
maxConnections = 0
