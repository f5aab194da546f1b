-- A broken config for part 6's error transcript (blog/07-part6-loadbalancer.md): chooseBackend
-- must be a function, called per client; this one is the index it should return.
listenPort = 8000
backends = { "127.0.0.1:8001", "127.0.0.1:8002" }
chooseBackend = 2
