-- A broken config for part 6's error transcript (blog/07-part6-loadbalancer.md): the second
-- backend has no port.
listenPort = 8000
backends = { "127.0.0.1:8001", "127.0.0.1" }
