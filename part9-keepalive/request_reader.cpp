// part9-keepalive/request_reader.cpp — part 9: the request head, read before anything is
// connected. See request_reader.h.
#include "request_reader.h"

#include <sys/socket.h>

#include <cerrno>

namespace rsp {

RequestReader::Status RequestReader::readFrom(int fd) {
  // Never more than maxHeadSize bytes in all: a head that does not end within them is refused,
  // and the buffer cannot grow past that.
  const std::size_t had = buffer_.size();
  if (had >= maxHeadSize_) return parse();  // pending bytes filled it already
  buffer_.resize(maxHeadSize_);
  const ssize_t n = ::recv(fd, buffer_.data() + had, maxHeadSize_ - had, 0);
  buffer_.resize(had + (n > 0 ? static_cast<std::size_t>(n) : 0));
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return Status::kNeedMore;
  if (n <= 0) return Status::kClosed;
  return parse();
}

RequestReader::Status RequestReader::parse() {
  switch (parser_.parse(buffer_)) {  // resumes where the last call stopped
    case ParseStatus::kError:
      return refuse(parser_.errorStatus(), parser_.errorReason());
    case ParseStatus::kNeedMore:
      if (buffer_.size() < maxHeadSize_) return Status::kNeedMore;
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
  const std::string_view after = std::string_view(buffer_).substr(parser_.headLength());
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
