// common/log_episode.h — introduced by part 5.
//
// A log line that may come once per client (cannot connect to the backend, chooseBackend
// failed, accept failed) is written once per episode instead, the way part 7 logs running out
// of descriptors. An episode is a run of occurrences less than `gap` apart: its first
// occurrence is written, the rest are only counted, and the first line of the next episode
// says how many the last one held back. A flood of clients then costs a handful of lines, not
// one blocking write each.
//
//   if (failures.begins(loop.now())) log() << "cannot connect ..." << failures.heldBack();
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace rsp {

class LogEpisode {
 public:
  using Clock = std::chrono::steady_clock;

  explicit LogEpisode(Clock::duration gap = std::chrono::seconds(5)) : gap_(gap) {}

  // Call once per occurrence: true when it begins a new episode, whose line should be written.
  bool begins(Clock::time_point now = Clock::now());

  // For the line of a new episode: "" or " (199 more like it in the previous episode, not
  // logged)", what the previous episode held back.
  std::string heldBack() const;

 private:
  Clock::duration gap_;
  Clock::time_point last_{};
  bool any_ = false;
  std::uint64_t suppressed_ = 0;  // in the current episode, after its first line
  std::uint64_t reportable_ = 0;  // what the previous episode held back
};

}  // namespace rsp
