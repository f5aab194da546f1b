// part10-lua-waits/response_reader.cpp — part 10: the response head. See response_reader.h.
#include "response_reader.h"

#include <sys/socket.h>

#include <cerrno>

namespace rsp {

ResponseReader::Status ResponseReader::readFrom(int fd) {
  const std::size_t had = buffer_.size();
  if (had >= maxHeadSize_) return parse();
  buffer_.resize(maxHeadSize_);
  const ssize_t n = ::recv(fd, buffer_.data() + had, maxHeadSize_ - had, 0);
  buffer_.resize(had + (n > 0 ? static_cast<std::size_t>(n) : 0));
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return Status::kNeedMore;
  if (n <= 0) {
    error_ = n < 0 ? errno : 0;
    return Status::kClosed;
  }
  received_ += static_cast<std::size_t>(n);
  return parse();
}

ResponseReader::Status ResponseReader::next() {
  buffer_.erase(0, parser_.headLength());
  parser_ = ResponseParser();
  return buffer_.empty() ? Status::kNeedMore : parse();
}

ResponseReader::Status ResponseReader::parse() {
  switch (parser_.parse(buffer_)) {
    case ParseStatus::kComplete:
      return Status::kComplete;
    case ParseStatus::kError:
      reason_ = parser_.errorReason();
      return Status::kBroken;
    case ParseStatus::kNeedMore:
      break;
  }
  if (buffer_.size() < maxHeadSize_) return Status::kNeedMore;
  reason_ = "response head larger than maxHeadSize";
  return Status::kBroken;
}

}  // namespace rsp
