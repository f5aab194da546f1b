// tests/support/process.cpp — see process.h.
#include "process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <stdexcept>

#include "common/error.h"
#include "common/fd.h"

extern char** environ;

namespace rsp::test {
namespace {

constexpr char kStarted[] = "Started. Listening on port ";

ExitStatus fromWaitStatus(int status) {
  ExitStatus result;
  result.exited = WIFEXITED(status);
  result.code = result.exited ? WEXITSTATUS(status) : 0;
  result.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  return result;
}

// `program` itself if it names a path, else the first executable of that name in PATH.
std::string findProgram(const std::string& program) {
  if (program.find('/') != std::string::npos) return program;
  const char* path = ::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const std::string candidate = dir + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return program;  // execve fails, and the constructor says so
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> result;
  for (auto& s : strings) result.push_back(s.data());
  result.push_back(nullptr);
  return result;
}

}  // namespace

std::string ExitStatus::describe() const {
  if (exited) return "exited with status " + std::to_string(code);
  return std::string("killed by signal ") + strsignal(signal);
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv,
                           const std::vector<std::string>& environment, Stderr stderrTo) {
  int out[2], err[2], report[2];
  if (::pipe2(out, O_CLOEXEC) != 0) throwErrno("pipe2");
  Fd outRead(out[0]), outWrite(out[1]);
  if (::pipe2(err, O_CLOEXEC) != 0) throwErrno("pipe2");
  Fd errRead(err[0]), errWrite(err[1]);
  if (::pipe2(report, O_CLOEXEC) != 0) throwErrno("pipe2");
  Fd reportRead(report[0]), reportWrite(report[1]);  // carries exec's errno, if it fails

  std::vector<std::string> args = argv;
  const std::string program = findProgram(args.at(0));
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  env.insert(env.end(), environment.begin(), environment.end());
  std::vector<char*> argp = pointers(args), envp = pointers(env);
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) throwErrno("fork");
  if (pid_ == 0) {
    // The child: only async-signal-safe calls from here to exec. If the test dies (a CTest
    // timeout, a crash), its proxy is told to stop too instead of running on as an orphan.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);  // whatever the test blocked, the child gets
    ::dup2(outWrite.get(), STDOUT_FILENO);
    ::dup2(errWrite.get(), STDERR_FILENO);
    // Descriptors the test itself inherited must not reach the child: they would take up its
    // descriptor numbers (a limit test counts on them) and keep pipes open behind our back.
    ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
    ::execve(program.c_str(), argp.data(), envp.data());
    const int error = errno;
    [[maybe_unused]] ssize_t ignored = ::write(reportWrite.get(), &error, sizeof error);
    ::_exit(127);
  }
  reportWrite.reset();
  int error = 0;
  if (::read(reportRead.get(), &error, sizeof error) == sizeof error) {
    ::waitpid(pid_, nullptr, 0);
    exit_ = ExitStatus{true, 127, 0};
    throw SystemError("cannot start " + args[0], error);
  }
  outWrite.reset();
  errWrite.reset();
  if (stderrTo == Stderr::kClosedPipe) errRead.reset();  // the child's is the only end left
  reader_ = std::thread([this, o = outRead.release(), e = errRead.release()] { readOutput(o, e); });
}

ChildProcess::~ChildProcess() {
  if (!exit_) stop();
  if (reader_.joinable()) reader_.join();
}

void ChildProcess::readOutput(int outFd, int errFd) {
  Fd out(outFd), err(errFd);  // errFd is -1 when stderr is not captured: poll() skips it
  pollfd fds[2] = {{out.get(), POLLIN, 0}, {err.get(), POLLIN, 0}};
  std::string* targets[2] = {&stdout_, &stderr_};
  int open = err ? 2 : 1;
  while (open > 0) {
    if (::poll(fds, 2, -1) < 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char chunk[4096];
      const ssize_t n = ::read(fds[i].fd, chunk, sizeof chunk);
      std::lock_guard lock(mutex_);
      if (n > 0) {
        std::size_t kept = static_cast<std::size_t>(n);
        if (targets[i] == &stderr_) {  // count every line, keep what fits
          errorLines_ += static_cast<std::uint64_t>(std::count(chunk, chunk + n, '\n'));
          kept = std::min(kept, errorsKept_ - std::min(errorsKept_, stderr_.size()));
        }
        targets[i]->append(chunk, kept);
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;
        --open;
      }
      changed_.notify_all();
    }
  }
  std::lock_guard lock(mutex_);
  outputClosed_ = true;
  changed_.notify_all();
}

std::optional<std::uint16_t> ChildProcess::waitForStarted(std::chrono::milliseconds deadline) {
  std::unique_lock lock(mutex_);
  std::optional<std::uint16_t> port;
  changed_.wait_for(lock, deadline, [&] {
    const std::size_t at = stdout_.find(kStarted);
    if (at != std::string::npos && stdout_.find(".\n", at) != std::string::npos) {
      port = static_cast<std::uint16_t>(std::stoul(stdout_.substr(at + sizeof kStarted - 1)));
    }
    return port || outputClosed_;
  });
  return port;
}

bool ChildProcess::waitForErrors(const std::string& text, std::chrono::milliseconds deadline) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, deadline, [&] {
    return stderr_.find(text) != std::string::npos || outputClosed_;
  }) && stderr_.find(text) != std::string::npos;
}

std::optional<ExitStatus> ChildProcess::waitForExit(std::chrono::milliseconds deadline) {
  const auto giveUp = std::chrono::steady_clock::now() + deadline;
  while (!exit_) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_ = fromWaitStatus(status);
    } else if (std::chrono::steady_clock::now() >= giveUp) {
      return std::nullopt;
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  if (reader_.joinable()) reader_.join();  // the child has exited: its pipes are at EOF
  return exit_;
}

ExitStatus ChildProcess::stop() {
  if (exit_) return *exit_;
  ::kill(pid_, SIGTERM);
  if (auto status = waitForExit(std::chrono::seconds(5))) return *status;
  ::kill(pid_, SIGKILL);
  return *waitForExit(std::chrono::seconds(60));
}

void ChildProcess::sendSignal(int signal) {
  if (!exit_) ::kill(pid_, signal);
}

bool ChildProcess::running() { return !waitForExit(std::chrono::milliseconds(0)); }

std::string ChildProcess::output() const {
  std::lock_guard lock(mutex_);
  return stdout_;
}

std::string ChildProcess::errors() const {
  std::lock_guard lock(mutex_);
  return stderr_;
}

std::uint64_t ChildProcess::errorLines() const {
  std::lock_guard lock(mutex_);
  return errorLines_;
}

void ChildProcess::keepErrorsUpTo(std::size_t bytes) {
  std::lock_guard lock(mutex_);
  errorsKept_ = bytes;
}

}  // namespace rsp::test
