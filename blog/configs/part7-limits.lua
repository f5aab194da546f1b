-- Part 7's post (blog/08-part7-limits.md): a part 3 style config for the sessions that run out
-- of descriptors; any free port, one backend on 9001 (a test backend the post starts).
listenPort = 0
backendAddress = "127.0.0.1"
backendPort = 9001
