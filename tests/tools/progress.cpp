// tests/tools/progress.cpp — see progress.h.
#include "progress.h"

#include <unistd.h>

namespace rsp::test {
namespace {

constexpr auto kInterval = std::chrono::milliseconds(100);
constexpr char kClearToEnd[] = "\033[K";

}  // namespace

bool stdoutIsTerminal() { return ::isatty(STDOUT_FILENO) == 1; }

void ProgressLine::update(const std::string& text) {
  const auto now = std::chrono::steady_clock::now();
  if (!live_ || now - lastShown_ < kInterval) return;
  lastShown_ = now;
  out_ << '\r' << text << kClearToEnd << std::flush;
}

void ProgressLine::finish(const std::string& text) {
  if (live_) out_ << '\r';
  out_ << text << (live_ ? kClearToEnd : "") << '\n' << std::flush;
}

void ProgressLine::clear() {
  if (live_) out_ << '\r' << kClearToEnd << std::flush;
}

}  // namespace rsp::test
