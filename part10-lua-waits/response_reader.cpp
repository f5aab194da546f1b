// part10-lua-waits/response_reader.cpp — part 10: the response head. See response_reader.h.
#include "response_reader.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace rsp {

ResponseReader::Status ResponseReader::readFrom(int fd) {
  if (size_ >= maxHeadSize_) return parse();
  if (!buffer_) buffer_ = std::make_unique_for_overwrite<char[]>(maxHeadSize_);
  const ssize_t n = ::recv(fd, buffer_.get() + size_, maxHeadSize_ - size_, 0);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return Status::kNeedMore;
  if (n <= 0) {
    error_ = n < 0 ? errno : 0;
    return Status::kClosed;
  }
  size_ += static_cast<std::size_t>(n);
  received_ += static_cast<std::size_t>(n);
  return parse();
}

ResponseReader::Status ResponseReader::next() {
  const std::size_t head = parser_.headLength();
  std::memmove(buffer_.get(), buffer_.get() + head, size_ - head);
  size_ -= head;
  parser_ = ResponseParser();
  return size_ == 0 ? Status::kNeedMore : parse();
}

ResponseReader::Status ResponseReader::parse() {
  switch (parser_.parse(bytes())) {
    case ParseStatus::kComplete:
      return Status::kComplete;
    case ParseStatus::kError:
      reason_ = parser_.errorReason();
      return Status::kBroken;
    case ParseStatus::kNeedMore:
      break;
  }
  if (size_ < maxHeadSize_) return Status::kNeedMore;
  reason_ = "response head larger than maxHeadSize";
  return Status::kBroken;
}

}  // namespace rsp
