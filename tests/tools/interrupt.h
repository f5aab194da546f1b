// tests/tools/interrupt.h — an interrupted tool leaves no child process behind.
//
// ChildProcess stops its child in its destructor, but a signal that ends the program (Ctrl-C,
// kill, a closed pipe) runs no destructors. So rsp-demo names the child it is running now
// with a WatchedChild, and stopChildOnSignals() makes those signals send it SIGTERM first.
#pragma once

#include <sys/types.h>

namespace rsp::test {

// From now on SIGINT, SIGTERM, SIGHUP and SIGPIPE stop the watched child (if any), then end
// this program as they would have.
void stopChildOnSignals();

// Names `pid` as the child to stop on such a signal, for as long as this lives. Create it after
// the child is started and let it end before the child is reaped, so that a reused pid is
// never signalled.
class WatchedChild {
 public:
  explicit WatchedChild(pid_t pid);
  ~WatchedChild();
  WatchedChild(const WatchedChild&) = delete;
  WatchedChild& operator=(const WatchedChild&) = delete;
};

}  // namespace rsp::test
