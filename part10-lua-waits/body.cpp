// part10-lua-waits/body.cpp — part 10: where a message's body ends. See body.h.
#include "body.h"

#include <algorithm>

namespace rsp {

MessageBody::MessageBody(const Framing& framing, bool decode)
    : kind_(framing.kind),
      remaining_(framing.length),
      decode_(decode && framing.kind == Framing::Kind::kChunked),
      status_(framing.kind == Framing::Kind::kChunked ||
                      framing.kind == Framing::Kind::kUntilClose ||
                      (framing.kind == Framing::Kind::kLength && framing.length > 0)
                  ? Status::kMore
                  : Status::kDone) {}

MessageBody::Status MessageBody::take(std::string_view bytes, std::size_t& used) {
  used = 0;
  decoded_.clear();
  if (status_ != Status::kMore) return status_;
  if (kind_ == Framing::Kind::kUntilClose) {  // the source's FIN ends it, not a byte
    used = bytes.size();
    return status_;
  }
  if (kind_ == Framing::Kind::kLength) {
    used = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, bytes.size()));
    remaining_ -= used;
    if (remaining_ == 0) status_ = Status::kDone;
    return status_;
  }
  switch (chunks_.scan(bytes, used, decode_ ? &decoded_ : nullptr)) {  // kChunked
    case ChunkedScanner::Status::kNeedMore:
      break;
    case ChunkedScanner::Status::kDone:
      status_ = Status::kDone;
      break;
    case ChunkedScanner::Status::kError:
      status_ = Status::kBroken;
      break;
  }
  return status_;
}

}  // namespace rsp
