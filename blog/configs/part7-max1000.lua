-- Part 7's post (blog/08-part7-limits.md): part7-limits.lua with a maxConnections higher than a
-- 64-descriptor limit allows, so that the proxy really runs out of descriptors.
listenPort = 0
backendAddress = "127.0.0.1"
backendPort = 9001
maxConnections = 1000
