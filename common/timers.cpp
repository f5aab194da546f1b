// common/timers.cpp — introduced by part 5. See timers.h.
#include "common/timers.h"

#include <climits>

namespace rsp {

Timers::Id Timers::add(Clock::time_point deadline, Callback callback) {
  const Id id{deadline, ++sequence_};
  byDeadline_.emplace(id, std::move(callback));
  return id;
}

int Timers::millisecondsToNext(Clock::time_point now) const {
  if (byDeadline_.empty()) return -1;
  const auto left = byDeadline_.begin()->first.first - now;
  if (left <= Clock::duration::zero()) return 0;
  // Round up: waking a little late is harmless, waking early would only wake us again.
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
  return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
}

void Timers::runExpired(Clock::time_point now) {
  while (!byDeadline_.empty() && byDeadline_.begin()->first.first <= now) {
    // Take the timer out before calling it: the callback may add or cancel timers.
    Callback callback = std::move(byDeadline_.extract(byDeadline_.begin()).mapped());
    callback();
  }
}

}  // namespace rsp
