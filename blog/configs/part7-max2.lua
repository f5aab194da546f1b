-- Part 7's post (blog/08-part7-limits.md): part7-limits.lua with room for two pairs only, so
-- that a third client waits in the kernel's accept queue.
listenPort = 0
backendAddress = "127.0.0.1"
backendPort = 9001
maxConnections = 2
