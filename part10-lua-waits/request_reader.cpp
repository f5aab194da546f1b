// part10-lua-waits/request_reader.cpp — part 10: the request head, read before anything is
// connected. See request_reader.h.
#include "request_reader.h"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

namespace rsp {

RequestReader::RequestReader(std::size_t maxHeadSize, std::string_view pending)
    : maxHeadSize_(maxHeadSize) {
  if (pending.empty()) return;
  buffer_ = std::make_unique_for_overwrite<char[]>(std::max(maxHeadSize_, pending.size()));
  pending.copy(buffer_.get(), pending.size());
  size_ = pending.size();
}

RequestReader::Status RequestReader::readFrom(int fd) {
  // Never more than maxHeadSize bytes in all: a head that does not end within them is refused,
  // and the buffer cannot grow past that.
  if (size_ >= maxHeadSize_) return parse();  // pending bytes filled it already
  if (!buffer_) buffer_ = std::make_unique_for_overwrite<char[]>(maxHeadSize_);
  const ssize_t n = ::recv(fd, buffer_.get() + size_, maxHeadSize_ - size_, 0);
  if (n > 0) size_ += static_cast<std::size_t>(n);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return Status::kNeedMore;
  if (n <= 0) return Status::kClosed;
  return parse();
}

RequestReader::Status RequestReader::parse() {
  switch (parser_.parse(received())) {  // resumes where the last call stopped
    case ParseStatus::kError:
      return refuse(parser_.errorStatus(), parser_.errorReason());
    case ParseStatus::kNeedMore:
      if (size_ < maxHeadSize_) return Status::kNeedMore;
      return refuse(431, "the head is larger than maxHeadSize");  // RFC 6585 5
    case ParseStatus::kComplete:
      break;
  }
  return complete();
}

RequestReader::Status RequestReader::complete() {
  framing_ = decideFraming(parser_.head());
  if (framing_.kind == Framing::Kind::kError) return refuse(framing_.status, framing_.reason);
  body_ = MessageBody(framing_);
  const std::string_view after = received().substr(parser_.headLength());
  std::size_t used = 0;
  if (body_.take(after, used) == MessageBody::Status::kBroken) {
    return refuse(400, "broken chunked body: " + body_.error());
  }
  bodyStart_ = after.substr(0, used);
  leftover_ = after.substr(used);  // the next request's first bytes, if the client pipelines
  return Status::kComplete;
}

RequestReader::Status RequestReader::refuse(int status, std::string reason) {
  refusal_ = status;
  reason_ = std::move(reason);
  return Status::kRefused;
}

}  // namespace rsp
