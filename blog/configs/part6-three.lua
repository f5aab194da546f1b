-- Part 6's post (blog/07-part6-loadbalancer.md): three named test backends behind rsp-part6.
listenPort = os.getenv("RSP_PORT") or 8000
backends = { "127.0.0.1:8001", "127.0.0.1:8002", "127.0.0.1:8003" }
checkInterval = 2
