// common/log.h — introduced by part 1.
//
// Timestamped log lines on stderr, and the one line on stdout that says a part is ready.
//
//   rsp::log() << "cannot connect to backend: " << error.what();
//   if (rsp::verbose()) rsp::log() << "client " << fd << " accepted";
//
// Per-connection lines cost throughput, so they are written only with --verbose: guard them
// with verbose() so that nothing is even formatted otherwise.
#pragma once

#include <cstdint>
#include <sstream>

namespace rsp {

void setVerbose(bool on);
bool verbose();

// Collects one line and writes it, timestamp first, when it goes out of scope.
class LogLine {
 public:
  LogLine() = default;
  LogLine(const LogLine&) = delete;
  LogLine& operator=(const LogLine&) = delete;
  ~LogLine();

  template <typename T>
  LogLine& operator<<(const T& value) {
    text_ << value;
    return *this;
  }

 private:
  std::ostringstream text_;
};

inline LogLine log() { return {}; }

// Prints "Started. Listening on port N." to stdout and flushes it. Tests and tools wait for
// exactly this line, so every part prints it once, as soon as it is listening.
void announceListening(std::uint16_t port);

}  // namespace rsp
