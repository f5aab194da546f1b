// part3-lua/main.cpp — part 3: the command line of rsp-part3.
//
//   rsp-part3 [--verbose] CONFIG.lua
//
// Same as part 2's main.cpp except: the listening port and the backend come from a Lua config
// file (config.h) instead of three arguments.
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
  CLI::App app{"rsp part 3: an epoll reverse proxy that reads its settings from a Lua file."};
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
