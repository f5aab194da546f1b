-- A broken config for part 10's post (blog/12-part10-lua-waits.md): it calls rsp.sleep while
-- the file itself runs, at start-up, where nothing may wait; only route(request) may.
listenPort = 8000
backends = { "127.0.0.1:8001" }
rsp.sleep(1)
