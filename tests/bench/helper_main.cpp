// tests/bench/helper_main.cpp — rsp-bench-helper: the two small jobs of ./tutorial bench that
// are easier in C++ than in bash.
//
//   rsp-bench-helper pattern FILE BYTES
//       writes BYTES of the test pattern (tests/support/pattern.h) to FILE, so that the
//       benchmark's nginx backend serves bodies a client can check byte by byte;
//   rsp-bench-helper fetch PORT PATH [--clients N] [--rate BYTES/S] [--rcvbuf BYTES] ...
//       N clients at once, each asking 127.0.0.1:PORT for PATH (HTTP/1.0, with a Host header
//       if --host says one) and reading the reply (slowly, with --rate and a small --rcvbuf),
//       every byte checked against the pattern. Prints one
//       line, "clients N intact I received R expected E slowest_ms S", and exits 0 only if
//       every client got its whole body intact.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "client.h"
#include "pattern.h"

namespace {

int writePattern(const std::string& file, std::uint64_t bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  std::vector<char> chunk(1 << 20);
  for (std::uint64_t offset = 0; offset < bytes && out;) {
    const std::size_t n = std::min<std::uint64_t>(chunk.size(), bytes - offset);
    rsp::test::fillPattern(chunk.data(), offset, n);
    out.write(chunk.data(), static_cast<std::streamsize>(n));
    offset += n;
  }
  out.close();
  if (!out) {
    std::cerr << "rsp-bench-helper: cannot write " << file << '\n';
    return 1;
  }
  return 0;
}

int fetchConcurrently(std::uint16_t port, const std::string& path, int clients,
                      const rsp::test::FetchOptions& options) {
  const std::vector<rsp::test::FetchResult> results =
      rsp::test::fetchAtOnce(port, path, clients, options);

  int intact = 0;
  std::uint64_t received = 0, expected = 0;
  std::int64_t slowest = 0;
  int reported = 0;
  for (const auto& result : results) {
    received += result.body.received();
    expected += result.body.expected();
    slowest = std::max<std::int64_t>(slowest, result.elapsed.count());
    if (result.ok() && result.body.intact()) {
      ++intact;
    } else if (reported++ < 3) {  // a few examples of what went wrong are enough
      std::cerr << "rsp-bench-helper: client: " << result.describe() << '\n';
    }
  }
  std::cout << "clients " << clients << " intact " << intact << " received " << received
            << " expected " << expected << " slowest_ms " << slowest << std::endl;
  return intact == clients ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "rsp-bench-helper: writes pattern files and runs (slow) clients for ./tutorial bench"};
  app.require_subcommand(1);

  std::string file;
  std::uint64_t bytes = 0;
  auto* pattern = app.add_subcommand("pattern", "write BYTES of the test pattern to FILE");
  pattern->add_option("FILE", file)->required();
  pattern->add_option("BYTES", bytes)->required();

  std::uint16_t port = 0;
  std::string path;
  int clients = 1;
  std::uint64_t rate = 0;
  int receiveBuffer = 0;
  int deadlineMs = 30000;
  std::string host;
  auto* fetch = app.add_subcommand("fetch", "N clients at once fetch PATH from 127.0.0.1:PORT");
  fetch->add_option("PORT", port)->required();
  fetch->add_option("PATH", path)->required();
  fetch->add_option("--clients", clients, "how many clients at once")->check(CLI::Range(1, 1000));
  fetch->add_option("--rate", rate, "bytes per second each client reads (0: as fast as it can)");
  fetch->add_option("--rcvbuf", receiveBuffer, "SO_RCVBUF of each client (0: system default)");
  fetch->add_option("--deadline-ms", deadlineMs, "each client gives up after this long")
      ->check(CLI::Range(1, 600000));
  fetch->add_option("--host", host, "send this Host header (default: none)");

  CLI11_PARSE(app, argc, argv);

  if (*pattern) return writePattern(file, bytes);
  rsp::test::FetchOptions options;
  options.bytesPerSecond = rate;
  options.receiveBuffer = receiveBuffer;
  options.deadline = std::chrono::milliseconds(deadlineMs);
  options.host = host;
  return fetchConcurrently(port, path, clients, options);
}
