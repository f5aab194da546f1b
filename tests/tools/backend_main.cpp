// tests/tools/backend_main.cpp — rsp-backend: the test backend as a program, to try the parts
// by hand. Same server as the test suite's (tests/support/backend.h).
//
//   rsp-backend --port 8888 --name b1
//   curl -i http://127.0.0.1:8888/bytes/100      (the head says X-Backend: b1)
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <exception>
#include <iostream>
#include <string>

#include "backend.h"

int main(int argc, char** argv) {
  CLI::App app{
      "rsp-backend: a small HTTP/1.0 test server on 127.0.0.1.\n"
      "  GET /bytes/N    N bytes of a pattern whose every 16-byte line names its own offset\n"
      "  GET /delay/MS   a short reply after MS milliseconds\n"
      "  POST /sum       replies with the body's length and FNV-1a checksum\n"
      "                  (POST /sum?rate=BYTES_PER_SECOND reads the body slowly)"};
  std::uint16_t port = 8888;
  std::string name;
  app.add_option("-p,--port", port, "port to listen on (0: any free port)")->capture_default_str();
  app.add_option("-n,--name", name, "a name to send in every reply, as the header X-Backend");
  CLI11_PARSE(app, argc, argv);

  // Block the stop signals before any thread starts, then wait for one of them here.
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGINT);
  sigaddset(&stopSignals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
  try {
    rsp::test::TestBackend backend(port, name);
    std::cout << "Backend listening on port " << backend.port() << "." << std::endl;
    int received = 0;
    sigwait(&stopSignals, &received);
  } catch (const std::exception& error) {
    std::cerr << error.what() << '\n';
    return 1;
  }
}
