// part10-lua-waits/main.cpp — part 10: the command line of rsp-part10.
//
//   rsp-part10 [--verbose] CONFIG.lua
//
// Same as part9-keepalive/main.cpp except: the help names part 10's settings (config.h).
#include <signal.h>

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <string>

#include "common/event_loop.h"
#include "common/log.h"
#include "config.h"
#include "proxy.h"

int main(int argc, char** argv) {
  // First of all: a SIGHUP that comes before the loop reads signals would end the process (its
  // default action). Blocked, it waits, and the loop's signalfd reads it once it is there.
  sigset_t hangUp;
  sigemptyset(&hangUp);
  sigaddset(&hangUp, SIGHUP);
  ::sigprocmask(SIG_BLOCK, &hangUp, nullptr);

  CLI::App app{
      "rsp part 10: an epoll HTTP reverse proxy that routes each request by Host to a site's "
      "backends over kept-alive connections, asking Lua that may wait (route as a coroutine), "
      "with limits, graceful shutdown (SIGTERM) and reload (SIGHUP)."};
  std::string configPath;
  bool verbose = false;
  app.add_option("CONFIG", configPath,
                 "Lua file that sets listenPort and sites (or backends, or backendAddress and "
                 "backendPort), and optionally defaultSite, route, maxHeadSize, headerTimeout, "
                 "balance, checkInterval, chooseBackend, connectTimeout, idleTimeout, "
                 "maxConnections, shutdownTimeout, luaTimeLimit, luaMemoryLimit, "
                 "keepaliveTimeout, backendKeepalive, backendIdleTimeout, checkPath and "
                 "routeTimeout")
      ->required();
  app.add_flag("-v,--verbose", verbose, "log every connection, and every request (access log)");
  CLI11_PARSE(app, argc, argv);

  // Writing to a pipe whose reader has gone raises SIGPIPE, which ends the process. Sockets are
  // written with MSG_NOSIGNAL, but a log line is a write() to stderr, which may be such a pipe
  // (`--verbose 2>&1 | head -1`). With SIGPIPE ignored, that write fails with EPIPE instead.
  ::signal(SIGPIPE, SIG_IGN);

  try {
    rsp::setVerbose(verbose);
    const rsp::Config config = rsp::loadConfig(configPath);
    rsp::EventLoop loop;
    rsp::Proxy proxy(loop, config, configPath);
    loop.onSignals({SIGINT, SIGTERM, SIGHUP}, [&proxy](int signal) {
      if (signal == SIGHUP) return proxy.reload();
      proxy.shutDown();
    });
    rsp::announceListening(proxy.port());
    loop.run();
  } catch (const std::exception& error) {
    std::cerr << error.what() << '\n';
    return 1;
  }
}
