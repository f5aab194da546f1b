-- A broken config for part 3's error transcript (blog/03-part3-lua.md): a service name where
-- a port number goes.
listenPort = "http"
backendAddress = "127.0.0.1"
backendPort = 8888
