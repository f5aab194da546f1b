-- A broken config for part 3's error transcript (blog/03-part3-lua.md): a port that is not a
-- whole number.
listenPort = 8080.5
backendAddress = "127.0.0.1"
backendPort = 8888
