// tests/support/process.h — runs a program (a proxy part) as a child process.
//
// Its stdout and stderr are captured by a reader thread, so a chatty child never blocks on a
// full pipe; waitForStarted() waits, with a deadline, for the "Started. Listening on port N."
// line every part prints, and the destructor stops and reaps whatever is still running.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace rsp::test {

struct ExitStatus {
  bool exited = false;  // true: it called exit(code); false: a signal ended it
  int code = 0;
  int signal = 0;
  std::string describe() const;
};

class ChildProcess {
 public:
  // Where the child's stderr goes: to a pipe we read (errors() returns it), or to a pipe whose
  // reading end we close at once, as `2>&1 | head -1` does once head has its line: a write to
  // it fails with EPIPE, or raises SIGPIPE.
  enum class Stderr { kCaptured, kClosedPipe };

  // Starts argv[0] (looked up in PATH if it has no '/', like a shell does) with the given
  // arguments; `environment` entries ("NAME=value") are added to ours. Throws if the program
  // cannot be started at all.
  explicit ChildProcess(const std::vector<std::string>& argv,
                        const std::vector<std::string>& environment = {},
                        Stderr stderrTo = Stderr::kCaptured);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }

  // The port from the Started line, once it appears; nullopt if the child exits or the
  // deadline passes first.
  std::optional<std::uint16_t> waitForStarted(std::chrono::milliseconds deadline);

  // Waits until stderr contains `text`; false if it has not by the deadline.
  bool waitForErrors(const std::string& text, std::chrono::milliseconds deadline);

  // Waits for the child to exit by itself; nullopt if it is still running at the deadline.
  std::optional<ExitStatus> waitForExit(std::chrono::milliseconds deadline);

  // SIGTERM, then SIGKILL if it has not exited within five seconds; reaps it.
  ExitStatus stop();

  // Sends `signal` (SIGHUP, SIGTERM, ...) and returns at once: what the child does with it is
  // what the test is about. Does nothing once the child has been reaped (its PID may be reused).
  void sendSignal(int signal);

  bool running();
  std::string output() const;        // stdout so far
  std::string errors() const;        // stderr so far (up to the limit below)
  std::uint64_t errorLines() const;  // lines written to stderr so far, kept or not

  // From now on keeps at most `bytes` of stderr, while errorLines() goes on counting: for a
  // child that may write megabytes of log (part 4 out of descriptors).
  void keepErrorsUpTo(std::size_t bytes);

 private:
  void readOutput(int outFd, int errFd);

  pid_t pid_ = -1;
  std::optional<ExitStatus> exit_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::string stdout_, stderr_;
  std::size_t errorsKept_ = std::string::npos;  // the most of stderr_ to keep
  std::uint64_t errorLines_ = 0;
  bool outputClosed_ = false;
  std::thread reader_;
};

}  // namespace rsp::test
