-- A broken config for part 3's error transcript (blog/03-part3-lua.md): an address without
-- its quotes, which Lua reads as a badly formed number.
listenPort = 8000
backendAddress = 127.0.0.1
backendPort = 8888
