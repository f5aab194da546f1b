-- A broken config for part 5's transcript (blog/06-part5-timeouts.md): a timeout written with
-- a unit, as a string; rsp's times are plain numbers of seconds.
listenPort = 8000
backendAddress = "127.0.0.1"
backendPort = 8888
connectTimeout = "5s"
