// common/log_episode.cpp — introduced by part 5. See log_episode.h.
#include "common/log_episode.h"

namespace rsp {

bool LogEpisode::begins(Clock::time_point now) {
  const bool fresh = !any_ || now - last_ >= gap_;
  any_ = true;
  last_ = now;
  if (!fresh) {
    ++suppressed_;
    return false;
  }
  reportable_ = suppressed_;
  suppressed_ = 0;
  return true;
}

std::string LogEpisode::heldBack() const {
  if (reportable_ == 0) return "";
  return " (" + std::to_string(reportable_) + " more like it in the previous episode, not logged)";
}

}  // namespace rsp
