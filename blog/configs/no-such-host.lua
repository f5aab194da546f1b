-- A broken config for part 5's post (blog/06-part5-timeouts.md): a backend whose name does not
-- resolve (.invalid is reserved for names that never exist), refused at start-up.
listenPort = 8000
backendAddress = "no-such-host.invalid"
backendPort = 8888
