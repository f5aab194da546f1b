// part10-lua-waits/descriptor_limit.cpp — part 10: how many descriptors, and so how many pairs.
// See descriptor_limit.h.
#include "descriptor_limit.h"

#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <climits>

namespace rsp {

int raiseDescriptorLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);  // if refused, the old limit stays: read it back
    ::getrlimit(RLIMIT_NOFILE, &limit);
  }
  return limit.rlim_cur > INT_MAX ? INT_MAX : static_cast<int>(limit.rlim_cur);
}

int maxConnectionsFor(int limit) { return std::max(1, (limit - kReservedDescriptors) / 2); }

bool isOutOfDescriptors(int error) {
  return error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM;
}

}  // namespace rsp
