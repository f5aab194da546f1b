// part4-slow-writes/main.cpp — part 4: the command line of rsp-part4.
//
//   rsp-part4 [--verbose] CONFIG.lua
//
// Same as part 3's main.cpp except: --help names part 4 and says what it adds. Part 4 reads
// the same config file as part 3.
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
  CLI::App app{"rsp part 4: an epoll reverse proxy that queues what it cannot write yet."};
  std::string configPath;
  bool verbose = false;
  app.add_option("CONFIG", configPath,
                 "Lua file that sets listenPort, backendAddress and backendPort")
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
    rsp::Proxy proxy(loop, config.listenPort, config.backendAddress, config.backendPort);
    loop.stopOnSignals({SIGINT, SIGTERM});
    rsp::announceListening(proxy.port());
    loop.run();
  } catch (const std::exception& error) {
    std::cerr << error.what() << '\n';
    return 1;
  }
}
