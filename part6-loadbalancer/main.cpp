// part6-loadbalancer/main.cpp — part 6: the command line of rsp-part6.
//
//   rsp-part6 [--verbose] CONFIG.lua
//
// Same as part5-timeouts/main.cpp except: the help text names the new settings.
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
  CLI::App app{"rsp part 6: an epoll reverse proxy and load balancer, routing in Lua if asked."};
  std::string configPath;
  bool verbose = false;
  app.add_option("CONFIG", configPath,
                 "Lua file that sets listenPort and backends (or backendAddress and backendPort), "
                 "and optionally balance, checkInterval, chooseBackend, connectTimeout, "
                 "idleTimeout, luaTimeLimit and luaMemoryLimit")
      ->required();
  app.add_flag("-v,--verbose", verbose, "log every connection");
  CLI11_PARSE(app, argc, argv);

  // Writing to a pipe whose reader has gone raises SIGPIPE, which ends the process. Sockets are
  // written with MSG_NOSIGNAL, but a log line is a write() to stderr, which may be such a pipe
  // (`--verbose 2>&1 | head -1`). With SIGPIPE ignored, that write fails with EPIPE instead.
  ::signal(SIGPIPE, SIG_IGN);

  try {
    rsp::setVerbose(verbose);
    const rsp::Config config = rsp::loadConfig(configPath);
    rsp::EventLoop loop;
    rsp::Proxy proxy(loop, config);
    loop.stopOnSignals({SIGINT, SIGTERM});
    rsp::announceListening(proxy.port());
    loop.run();
  } catch (const std::exception& error) {
    std::cerr << error.what() << '\n';
    return 1;
  }
}
