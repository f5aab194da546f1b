-- Part 7's post (blog/08-part7-limits.md): part7-demo.lua with a one-second shutdownTimeout, so
-- that a SIGTERM cuts a slow download.
listenPort = 7000
backends = { "127.0.0.1:9001" }
shutdownTimeout = 1
