// common/event_loop.cpp — introduced by part 2. See event_loop.h.
#include "common/event_loop.h"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cassert>
#include <cerrno>
#include <stdexcept>
#include <string>

#include "common/error.h"

namespace rsp {
namespace {

constexpr int kMaxEvents = 256;  // events taken from the kernel per epoll_wait

}  // namespace

EventLoop::EventLoop() : epoll_(::epoll_create1(EPOLL_CLOEXEC)) {
  if (!epoll_) throwErrno("epoll_create1");
}

EventLoop::~EventLoop() {
  // The handlers still registered (pairs open when the loop stops) are destroyed here, while
  // the loop is whole: what they own may call back into it as it goes (a Connector cancels its
  // connect: remove(), timers().cancel()). Out of the table first, so that remove() finds
  // nothing to do.
  std::vector<std::unique_ptr<Entry>> entries;
  entries.swap(entries_);
  entries.clear();
  removed_.clear();
}

void EventLoop::control(int operation, Entry& entry, std::uint32_t events) {
  epoll_event event{};
  event.events = events;
  event.data.ptr = &entry;
  if (::epoll_ctl(epoll_.get(), operation, entry.fd, &event) != 0) {
    throwErrno("epoll_ctl on fd " + std::to_string(entry.fd));
  }
}

void EventLoop::add(int fd, std::uint32_t events, Handler handler) {
  assert(!watches(fd) && "a descriptor is registered once");
  auto entry = std::make_unique<Entry>(Entry{fd, events, std::move(handler)});
  if (events != 0) control(EPOLL_CTL_ADD, *entry, events);
  if (static_cast<std::size_t>(fd) >= entries_.size()) entries_.resize(fd + 1);
  entries_[fd] = std::move(entry);
}

void EventLoop::modify(int fd, std::uint32_t events) {
  if (!watches(fd))
    throw std::logic_error("modify() of fd " + std::to_string(fd) + ", not watched");
  Entry& entry = *entries_[fd];
  if (events == entry.events) return;
  const int operation = entry.events == 0 ? EPOLL_CTL_ADD
                        : events == 0     ? EPOLL_CTL_DEL
                                          : EPOLL_CTL_MOD;
  control(operation, entry, events);
  entry.events = events;  // only now: had epoll_ctl failed, the kernel would still have the old
}

void EventLoop::replace(int fd, std::uint32_t events, Handler handler) {
  assert(watches(fd) && "replace() a descriptor that is registered");
  std::unique_ptr<Entry>& slot = entries_[fd];
  if (events != 0 && events == slot->events) {
    // The same interest: the kernel's entry stays as it is, and only the handler changes, with
    // no system call (part 9 hands a kept backend connection over twice a request).
    retired_.push_back(std::move(slot->handler));  // empty if it is the one running now
    slot->handler = std::move(handler);
    return;
  }
  auto entry = std::make_unique<Entry>(Entry{fd, events, std::move(handler)});
  const std::uint32_t before = slot->events;
  // The kernel's entry now points at the new one (data.ptr): one epoll_ctl, as modify() would.
  const int operation = before == 0 ? EPOLL_CTL_ADD : events == 0 ? EPOLL_CTL_DEL : EPOLL_CTL_MOD;
  // If it fails, the old entry stays in its slot, as the kernel still has it.
  if (before != 0 || events != 0) control(operation, *entry, events);
  slot->removed = true;  // as in remove(): alive until the batch is over
  removed_.push_back(std::move(slot));
  slot = std::move(entry);
}

void EventLoop::remove(int fd) {
  if (!watches(fd)) return;
  std::unique_ptr<Entry> entry = std::move(entries_[fd]);
  if (entry->events != 0) ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
  // HAZARD: this handler may be the one running right now, or another handler in this batch
  // may still have an event pending for this fd. So mark the entry dead (its pending events
  // are skipped) and keep it alive until the batch is over.
  entry->removed = true;
  removed_.push_back(std::move(entry));
}

void EventLoop::run() {
  stopping_ = false;
  while (!stopping_) runOnce(-1);
}

void EventLoop::runOnce(int timeoutMs) {
  // Wake up for the earliest deadline, if it comes before the caller's timeout. Counted from a
  // fresh clock, not now_: the batch since the last wake-up may have taken long enough for a
  // deadline to pass, and then the wait must be 0, not what was left at the wake-up.
  const int toTimer = timers_.empty() ? -1 : timers_.millisecondsToNext(Timers::Clock::now());
  if (toTimer >= 0 && (timeoutMs < 0 || toTimer < timeoutMs)) timeoutMs = toTimer;
  epoll_event events[kMaxEvents];
  const int count = ::epoll_wait(epoll_.get(), events, kMaxEvents, timeoutMs);
  if (count < 0 && errno != EINTR) throwErrno("epoll_wait");
  now_ = Timers::Clock::now();
  // The batch ends however it ends: when its callbacks are done, or when one throws. Either way
  // nothing is in a callback any more, and only then may the removed handlers, and what they
  // own, go (their destructors may ask inCallback()).
  struct EndOfBatch {
    EventLoop& loop;
    ~EndOfBatch() {
      loop.dispatching_ = false;
      loop.removed_.clear();
      loop.retired_.clear();
    }
  } endOfBatch{*this};
  dispatching_ = true;
  for (int i = 0; i < count; ++i) {
    Entry* entry = static_cast<Entry*>(events[i].data.ptr);
    // An earlier handler in this batch may have removed this entry: then it is still alive
    // (in removed_) but must not be called.
    if (entry->removed) continue;
    // The handler runs from here, out of its entry: replace() may give the entry another one
    // while it runs, and a std::function must not be overwritten while it runs. Afterwards it
    // goes back, unless it was replaced or removed meanwhile: then it waits for the end of the
    // batch, as every handler let go of does.
    struct Running {
      Entry& entry;
      EventLoop& loop;
      Handler handler;
      ~Running() {
        if (!entry.removed && !entry.handler) {
          entry.handler = std::move(handler);
        } else {
          loop.retired_.push_back(std::move(handler));
        }
      }
    } running{*entry, *this, std::move(entry->handler)};
    running.handler(events[i].events);
  }
  timers_.runExpired(now_);  // still inside the batch: what they remove goes with it
}

void EventLoop::stopOnSignals(std::initializer_list<int> signals) {
  onSignals(signals, [this](int) { stop(); });
}

void EventLoop::onSignals(std::initializer_list<int> signals,
                          std::function<void(int signal)> handler) {
  sigset_t set;
  sigemptyset(&set);
  for (int signal : signals) sigaddset(&set, signal);
  if (::sigprocmask(SIG_BLOCK, &set, nullptr) != 0) throwErrno("sigprocmask");
  signals_.reset(::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!signals_) throwErrno("signalfd");
  add(signals_.get(), EPOLLIN, [this, handler = std::move(handler)](std::uint32_t) {
    signalfd_siginfo info;
    if (::read(signals_.get(), &info, sizeof info) == sizeof info) {
      handler(static_cast<int>(info.ssi_signo));
    }
  });
}

}  // namespace rsp
