// part1-oneshot/main.cpp — part 1: the command line of rsp-part1.
//
//   rsp-part1 [--verbose] LISTEN_PORT BACKEND_HOST BACKEND_PORT
//
// Reads the command line, starts the proxy, and turns a start-up error into one line on
// stderr and exit status 1.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <exception>
#include <iostream>
#include <string>

#include "common/log.h"
#include "proxy.h"

int main(int argc, char** argv) {
  CLI::App app{"rsp part 1: a one-shot reverse proxy that serves one client at a time."};
  std::uint16_t listenPort = 0;
  std::string backendHost;
  std::uint16_t backendPort = 0;
  bool verbose = false;
  app.add_option("LISTEN_PORT", listenPort, "port to listen on (0: any free port)")->required();
  app.add_option("BACKEND_HOST", backendHost, "host name or address of the backend")->required();
  app.add_option("BACKEND_PORT", backendPort, "port of the backend")
      ->required()
      ->check(CLI::Range(1, 65535));
  app.add_flag("-v,--verbose", verbose, "log every connection");
  CLI11_PARSE(app, argc, argv);

  // Writing to a pipe whose reader has gone raises SIGPIPE, which ends the process. Sockets are
  // written with MSG_NOSIGNAL, but a log line is a write() to stderr, which may be such a pipe
  // (`--verbose 2>&1 | head -1`). With SIGPIPE ignored, that write fails with EPIPE instead.
  ::signal(SIGPIPE, SIG_IGN);

  try {
    rsp::setVerbose(verbose);
    rsp::Proxy proxy(listenPort, backendHost, backendPort);
    rsp::announceListening(proxy.port());
    proxy.run();
  } catch (const std::exception& error) {
    std::cerr << error.what() << '\n';
    return 1;
  }
}
