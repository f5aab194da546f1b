-- A broken config for part 9's post (blog/11-part9-keepalive.md): keepaliveTimeout = 0, which
-- in nginx (keepalive_timeout 0) turns client keep-alive off; rsp refuses it.
listenPort = 8000
backends = { "127.0.0.1:8001" }
keepaliveTimeout = 0
