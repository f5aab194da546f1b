// part9-keepalive/body.cpp — part 9: where one request's body ends. See body.h.
#include "body.h"

#include <algorithm>

namespace rsp {

RequestBody::RequestBody(const Framing& framing)
    : kind_(framing.kind),
      remaining_(framing.length),
      status_(framing.kind == Framing::Kind::kChunked ||
                      (framing.kind == Framing::Kind::kLength && framing.length > 0)
                  ? Status::kMore
                  : Status::kDone) {}

RequestBody::Status RequestBody::take(std::string_view bytes, std::size_t& used) {
  used = 0;
  if (status_ != Status::kMore) return status_;
  if (kind_ == Framing::Kind::kLength) {
    used = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, bytes.size()));
    remaining_ -= used;
    if (remaining_ == 0) status_ = Status::kDone;
    return status_;
  }
  switch (chunks_.scan(bytes, used)) {  // kChunked
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
