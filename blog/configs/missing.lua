-- A broken config for part 3's error transcript (blog/03-part3-lua.md): no backendPort.
listenPort = 8000
backendAddress = "127.0.0.1"
