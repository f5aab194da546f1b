// tests/tools/progress.h — one status line that a long step keeps up to date.
//
// On a terminal the line is rewritten in place while the step runs (a carriage return, the new
// text, then "clear to the end of the line"), so a reader watches the bytes come in. Anywhere
// else (a pipe, a log file, a README) only the finished line is written: the output stays a
// plain list of results, with no control characters in it.
#pragma once

#include <chrono>
#include <ostream>
#include <string>

namespace rsp::test {

// True if stdout is a terminal, where a progress line can be rewritten in place.
bool stdoutIsTerminal();

class ProgressLine {
 public:
  // `live`: rewrite the line in place (see stdoutIsTerminal()); otherwise show only the end.
  ProgressLine(std::ostream& out, bool live) : out_(out), live_(live) {}
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // Shows `text` as the step's state so far; at most ten times a second.
  void update(const std::string& text);
  // Writes `text` as the step's final line and moves to the next line.
  void finish(const std::string& text);
  // Removes the progress line, leaving the cursor where it started.
  void clear();

 private:
  std::ostream& out_;
  bool live_;
  std::chrono::steady_clock::time_point lastShown_{};
};

}  // namespace rsp::test
