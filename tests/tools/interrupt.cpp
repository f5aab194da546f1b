// tests/tools/interrupt.cpp — see interrupt.h.
#include "interrupt.h"

#include <signal.h>

#include <atomic>

namespace rsp::test {
namespace {

std::atomic<pid_t> watchedChild{0};  // 0: none
static_assert(std::atomic<pid_t>::is_always_lock_free, "safe to read in a signal handler");

extern "C" void stopChildAndDie(int signal) {
  if (const pid_t pid = watchedChild.load(); pid > 0) ::kill(pid, SIGTERM);
  ::signal(signal, SIG_DFL);
  ::raise(signal);  // delivered, with its default action, once this handler returns
}

}  // namespace

void stopChildOnSignals() {
  for (const int signal : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) ::signal(signal, stopChildAndDie);
}

WatchedChild::WatchedChild(pid_t pid) { watchedChild = pid; }
WatchedChild::~WatchedChild() { watchedChild = 0; }

}  // namespace rsp::test
