// tests/support/fault_shim.cpp — test-only: makes one system call fail on purpose.
//
// Some failures cannot be caused from outside: epoll_ctl() fails with ENOMEM only when the
// kernel is short of memory. A test that needs one starts the proxy with this library
// preloaded (LD_PRELOAD) and says which failure it wants in the environment:
//
//   RSP_FAULT_EPOLL_CTL=del-once   the first EPOLL_CTL_DEL fails with ENOMEM, once
//
// Every other call, and every call without the variable, goes to the real epoll_ctl (found
// with dlsym(RTLD_NEXT), i.e. the next library in the search order: libc, or the sanitizers'
// wrapper of it). The proxy is single-threaded; the flag is atomic all the same.
#include <dlfcn.h>
#include <sys/epoll.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace {

using EpollCtl = int (*)(int, int, int, epoll_event*);

std::atomic<bool> delFailed{false};

bool failThisDel() {
  const char* fault = std::getenv("RSP_FAULT_EPOLL_CTL");
  if (fault == nullptr || std::strcmp(fault, "del-once") != 0) return false;
  return !delFailed.exchange(true);  // true only for the first caller
}

}  // namespace

extern "C" int epoll_ctl(int epfd, int op, int fd, epoll_event* event) {
  if (op == EPOLL_CTL_DEL && failThisDel()) {
    errno = ENOMEM;
    return -1;
  }
  static const auto real = reinterpret_cast<EpollCtl>(::dlsym(RTLD_NEXT, "epoll_ctl"));
  if (real == nullptr) {
    errno = ENOSYS;
    return -1;
  }
  return real(epfd, op, fd, event);
}
