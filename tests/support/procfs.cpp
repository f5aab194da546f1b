// tests/support/procfs.cpp — see procfs.h.
#include "procfs.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace rsp::test {
namespace {

std::int64_t statusField(pid_t pid, const std::string& name) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind(name + ":", 0) == 0) return std::stoll(line.substr(name.size() + 1));
  }
  return -1;
}

}  // namespace

int openFdCount(pid_t pid) {
  std::error_code error;
  int count = 0;
  for (std::filesystem::directory_iterator it("/proc/" + std::to_string(pid) + "/fd", error), end;
       !error && it != end; it.increment(error)) {
    ++count;
  }
  return error ? -1 : count;
}

std::vector<int> openFds(pid_t pid) {
  std::error_code error;
  std::vector<int> fds;
  for (std::filesystem::directory_iterator it("/proc/" + std::to_string(pid) + "/fd", error), end;
       !error && it != end; it.increment(error)) {
    fds.push_back(std::stoi(it->path().filename().string()));
  }
  return error ? std::vector<int>() : fds;
}

double cpuSeconds(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  // "PID (NAME) STATE ...": the name may hold spaces and parentheses, so count fields from the
  // last ')'. utime and stime are fields 14 and 15, the 12th and 13th after it, in clock ticks.
  const std::size_t nameEnd = line.rfind(')');
  if (nameEnd == std::string::npos) return -1;
  std::istringstream fields(line.substr(nameEnd + 1));
  std::string skipped;
  for (int i = 0; i < 11; ++i) fields >> skipped;
  long long utime = 0, stime = 0;
  if (!(fields >> utime >> stime)) return -1;
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

std::int64_t residentKiB(pid_t pid) { return statusField(pid, "VmRSS"); }
std::int64_t peakResidentKiB(pid_t pid) { return statusField(pid, "VmHWM"); }

}  // namespace rsp::test
