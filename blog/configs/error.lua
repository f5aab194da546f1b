-- A config for part 3's error transcript (blog/03-part3-lua.md) that checks its environment
-- and stops with a message of its own when BACKEND is not set.
listenPort = 8000
backendAddress = os.getenv("BACKEND") or error("set BACKEND to the backend host")
backendPort = 8888
