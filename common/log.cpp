// common/log.cpp — introduced by part 1. See log.h.
#include "common/log.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <string>

namespace rsp {
namespace {

std::atomic<bool> verbose_{false};

// "2026-11-24 08:00:01.123", local time.
std::string timestamp() {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const std::time_t seconds = system_clock::to_time_t(now);
  const auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm local{};
  localtime_r(&seconds, &local);
  char text[32];
  const size_t n = std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &local);
  std::snprintf(text + n, sizeof text - n, ".%03d", static_cast<int>(millis));
  return text;
}

}  // namespace

void setVerbose(bool on) { verbose_ = on; }
bool verbose() { return verbose_; }

LogLine::~LogLine() {
  // One write() per line, so lines from a child and its parent never interleave mid-line.
  const std::string line = timestamp() + " " + text_.str() + "\n";
  [[maybe_unused]] ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
}

void announceListening(std::uint16_t port) {
  std::cout << "Started. Listening on port " << port << "." << std::endl;
}

}  // namespace rsp
