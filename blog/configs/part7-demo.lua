-- Part 7's post (blog/08-part7-limits.md): port 7000 in front of one test backend on 9001. The
-- reload session copies it to rsp7.lua and edits the copy.
listenPort = 7000
backends = { "127.0.0.1:9001" }
