// tests/blog/transcripts.cpp — the transcript checker. See transcripts.h.
#include "transcripts.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sstream>
#include <stdexcept>

#include "common/error.h"
#include "common/fd.h"
#include "launch.h"

namespace rsp::test {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// The environment every command gets: nothing of the test's own, so that the output does not
// depend on who runs the test, or in which language.
const char* const kEnvironment[] = {"PATH=/usr/local/bin:/usr/bin:/bin", "LC_ALL=C", nullptr};

std::vector<std::string> splitOutput(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// A directory that looks like the repository's root: each entry links to the real one, except
// build/bin/, which links to the binaries under test (build-asan/bin/ under the asan preset).
void mirrorRepository(const fs::path& root, const fs::path& binaries, const fs::path& into) {
  for (const auto& entry : fs::directory_iterator(root)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("build", 0) == 0) continue;
    fs::create_directory_symlink(entry.path(), into / name);
  }
  fs::create_directories(into / "build");
  fs::create_directory_symlink(binaries, into / "build" / "bin");
}

// The child's side of runCommand(): its own process group (so that a timeout can kill all it
// started), stdout and stderr into the pipe, then the shell. Only async-signal-safe calls.
[[noreturn]] void execShell(const char* dir, const char* command, int output, pid_t parent) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(127);
  ::setpgid(0, 0);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (::chdir(dir) != 0) ::_exit(127);
  ::dup2(output, STDOUT_FILENO);
  ::dup2(output, STDERR_FILENO);
  const int devNull = ::open("/dev/null", O_RDONLY);
  ::dup2(devNull, STDIN_FILENO);
  if (devNull > STDIN_FILENO) ::close(devNull);
  ::close_range(3, ~0U, 0);  // nothing the test inherited: descriptor numbers as in a terminal
  const char* const argv[] = {"sh", "-c", command, nullptr};
  ::execve("/bin/sh", const_cast<char* const*>(argv), const_cast<char* const*>(kEnvironment));
  ::_exit(127);
}

// Reads `fd` until every writer has closed it, or the deadline passes (then false).
bool readUntilClosed(int fd, std::string& into, Clock::time_point deadline) {
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd poller{fd, POLLIN, 0};
    if (::poll(&poller, 1, static_cast<int>(left.count())) <= 0) continue;
    char chunk[4096];
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n == 0 || (n < 0 && errno != EINTR)) return true;
    if (n > 0) into.append(chunk, static_cast<std::size_t>(n));
  }
}

// "`build/bin/rsp-part3 x.lua` (post line 12)"
std::string named(const TranscriptStep& step) {
  return "`$ " + step.command + "` (post line " + std::to_string(step.line) + ")";
}

std::string indented(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += "\n    " + line;
  return lines.empty() ? "\n    (nothing)" : text;
}

// Why `printed` is not `step.output`: the first line that differs, then the whole output.
std::string difference(const TranscriptStep& step, const std::vector<std::string>& printed) {
  std::size_t i = 0;
  while (i < printed.size() && i < step.output.size() && printed[i] == step.output[i]) ++i;
  const std::string at = "post line " + std::to_string(step.line + 1 + static_cast<int>(i));
  std::string what;
  if (i < printed.size() && i < step.output.size()) {
    what = "printed `" + printed[i] + "` where the post says `" + step.output[i] + "` (" + at + ")";
  } else if (i < printed.size()) {
    what = "printed more than the post says, from `" + printed[i] + "` (" + at + ")";
  } else {
    what = "printed less than the post says: nothing for `" + step.output[i] + "` (" + at + ")";
  }
  return named(step) + " " + what + "; all it printed:" + indented(printed);
}

}  // namespace

bool isTranscript(std::string_view info) {
  std::istringstream in{std::string(info)};
  for (std::string word; in >> word;) {
    if (word == "run") return true;
  }
  return false;
}

std::vector<TranscriptStep> stepsOf(const FencedBlock& block) {
  std::vector<TranscriptStep> steps;
  for (std::size_t i = 0; i < block.lines.size(); ++i) {
    const std::string& line = block.lines[i];
    if (line.rfind("$ ", 0) == 0) {
      steps.push_back({block.line + 1 + static_cast<int>(i), line.substr(2), {}});
    } else if (steps.empty()) {
      throw std::runtime_error("a transcript starts with a command, a line \"$ ...\"");
    } else {
      steps.back().output.push_back(line);
    }
  }
  return steps;
}

CommandResult runCommand(const std::string& command, const fs::path& root, const fs::path& binaries,
                         std::chrono::milliseconds deadline) {
  const TempDir dir;
  mirrorRepository(root, binaries, dir.path());
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC) != 0) throwErrno("pipe2");
  Fd readEnd(ends[0]), writeEnd(ends[1]);
  const std::string where = dir.path().string();
  const pid_t parent = ::getpid();
  const pid_t child = ::fork();
  if (child < 0) throwErrno("fork");
  if (child == 0) execShell(where.c_str(), command.c_str(), writeEnd.get(), parent);
  writeEnd.reset();
  CommandResult result;
  result.timedOut = !readUntilClosed(readEnd.get(), result.output, Clock::now() + deadline);
  // HAZARD: a command may leave something running (a server, a sleep) that holds the pipe
  // or would outlive the test: its whole process group goes, timed out or not.
  ::kill(-child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  return result;
}

std::string checkTranscript(const FencedBlock& block, const CommandRunner& run) {
  std::vector<TranscriptStep> steps;
  try {
    steps = stepsOf(block);
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  if (steps.empty()) return "the transcript runs nothing";
  for (const TranscriptStep& step : steps) {
    const CommandResult result = run(step.command);
    if (result.timedOut) {
      return named(step) + " did not finish within " + std::to_string(kCommandDeadline.count()) +
             " s";
    }
    const std::vector<std::string> printed = splitOutput(result.output);
    if (printed != step.output) return difference(step, printed);
  }
  return "";
}

}  // namespace rsp::test
