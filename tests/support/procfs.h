// tests/support/procfs.h — what /proc says about a running process.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <vector>

namespace rsp::test {

int openFdCount(pid_t pid);               // entries in /proc/PID/fd
std::vector<int> openFds(pid_t pid);      // ... their numbers, in no order; empty if unknown
std::int64_t residentKiB(pid_t pid);      // VmRSS: memory in use now
std::int64_t peakResidentKiB(pid_t pid);  // VmHWM: the most it has ever used
double cpuSeconds(pid_t pid);             // utime + stime: the CPU time it has used so far

}  // namespace rsp::test
