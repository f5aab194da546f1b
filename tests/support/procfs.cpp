// tests/support/procfs.cpp — see procfs.h.
#include "procfs.h"

#include <filesystem>
#include <fstream>
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

std::int64_t residentKiB(pid_t pid) { return statusField(pid, "VmRSS"); }
std::int64_t peakResidentKiB(pid_t pid) { return statusField(pid, "VmHWM"); }

}  // namespace rsp::test
