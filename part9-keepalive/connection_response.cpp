// part9-keepalive/connection_response.cpp — part 9: what the Connection does with a response,
// and between requests. See connection.h.
//
// The backend's first bytes are the response's head (response_reader.h): interim ones (1xx)
// are passed on and the next is read; the final one decides, with the request, whether the
// client and the backend connection are kept after it, and where the body ends (framing.h).
// The head the proxy writes (forward.h) goes to the client, then the body, through toClient_.
// Once it has all gone out, the exchange is over: the backend connection is kept or closed,
// and the client waits for its next request or is closed.
#include <string_view>

#include "common/log.h"
#include "connection.h"
#include "forward.h"
#include "framing.h"

namespace rsp {
namespace {

// RFC 9110 9.2.2: methods whose repetition has the effect of one. The rest (POST, PATCH,
// CONNECT, and any rsp does not know) are never sent twice without the client's say.
bool isIdempotent(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS" || method == "TRACE" ||
         method == "PUT" || method == "DELETE";
}

// Whether the side that sent this message lets its connection stay after the exchange (RFC 9112
// 9.3), the client by its request, the backend by its response: HTTP/1.1 stays unless it says
// close; HTTP/1.0 closes unless it says keep-alive.
bool staysOpen(const MessageHead& head) {
  if (head.hasToken("connection", "close")) return false;
  return head.minorVersion == 1 || head.hasToken("connection", "keep-alive");
}

}  // namespace

void Connection::readResponse() { takeResponseHead(response_.readFrom(backend_.fd.get())); }

void Connection::takeResponseHead(ResponseReader::Status status) {
  switch (status) {
    case ResponseReader::Status::kNeedMore:
      return;
    case ResponseReader::Status::kClosed:
      return response_.received() == 0 ? noAnswer() : answer(502);
    case ResponseReader::Status::kBroken:
      if (verbose()) log() << "client " << client_.fd.get() << ": backend: " << response_.reason();
      return answer(502);
    case ResponseReader::Status::kComplete:
      break;
  }
  const ResponseHead& head = response_.head();
  if (head.status == 101 && !asksToUpgrade(reader_.head())) return answer(502);  // RFC 9110 15.2.2
  if (head.status < 200 && head.status != 101) {
    // 100 Continue, 103 Early Hints: passed on, but not to an HTTP/1.0 client (RFC 9110 15.2),
    // and the final response follows.
    if (reader_.head().minorVersion == 1) toClient_.send(forwardedResponseHead(head, {}));
    return takeResponseHead(response_.next());
  }
  startResponse();
}

// The final response's head: what happens after it is decided now, and said in the head.
void Connection::startResponse() {
  const ResponseHead& head = response_.head();
  const RequestHead& request = reader_.head();
  const Framing framing = decideResponseFraming(request.method, head);
  if (framing.kind == Framing::Kind::kError) {
    if (verbose()) log() << "client " << client_.fd.get() << ": backend: " << framing.reason;
    return answer(502);
  }
  const bool upgrade = head.status == 101;
  const bool decode = request.minorVersion == 0 && framing.kind == Framing::Kind::kChunked;
  // An HTTP/1.0 client reads a decoded body to the close; a client whose body is still coming
  // would have its rest read as the next request; a proxy shutting down keeps nobody.
  keepClient_ = !upgrade && staysOpen(request) && !decode && !shared_->draining &&
                framing.kind != Framing::Kind::kUntilClose && reader_.body().done();
  keepBackend_ =
      routing_->reuse && !upgrade && framing.kind != Framing::Kind::kUntilClose && staysOpen(head);
  responding_ = true;
  // The head waits for the body's first bytes, which came with it: one send() for both.
  toClient_.queue(forwardedResponseHead(
      head,
      {.keepAlive = keepClient_, .http10Client = request.minorVersion == 0, .decode = decode}));
  if (upgrade) {  // from here on, part 7's relay: bytes both ways until either side closes
    toClient_.receive(response_.rest());
    toBackend_.reopen();
  } else {
    responseBody_ = MessageBody(framing, decode);
    toClient_.limitTo(&responseBody_);
    toClient_.receive(response_.rest());
    if (responseBody_.done()) toClient_.endOfMessage();
  }
  if (toClient_.wantsToWrite()) toClient_.handleWrite();
  response_.release();
}

// The backend closed, or reset, without a byte of answer. On a kept connection that may be the
// race of idle_connections.h: the request goes again, once, on a new connection, if that is
// safe (connection.h). Otherwise the client gets 502.
void Connection::noAnswer() {
  const bool again =
      reused_ && !retried_ && !replay_.empty() && isIdempotent(reader_.head().method);
  if (!again) return answer(502);
  if (verbose())
    log() << "client " << client_.fd.get() << ": kept connection closed; sending again";
  retried_ = true;
  reused_ = false;
  if (backend_.fd) loop_.remove(backend_.fd.get());
  backend_.fd.reset();
  toBackend_.restart();
  toBackend_.connectTo(-1);
  toClient_.connectFrom(-1);
  toBackend_.send(replay_);
  toBackend_.endOfMessage();
  response_ = ResponseReader(routing_->maxHeadSize);
  phase_ = Phase::kConnecting;
  loop_.timers().cancel(timer_);
  connector_.connect(pool_->backend(backendIndex_), routing_->timeouts.connect);
}

// The response has gone out whole.
void Connection::endExchange() {
  if (verbose()) logRequest();
  // Only a backend that has read the whole request, and sent nothing past its response, is in
  // a state to take the next one.
  releaseBackend(keepBackend_ && toBackend_.delivered() && !toClient_.overran());
  if (keepClient_ && !shared_->draining) return awaitNextRequest();
  closeAfterResponse();
}

// Lets go of the backend: its connection goes to the idle list, or is closed.
void Connection::releaseBackend(bool keep) {
  if (backend_.fd) {
    if (keep) {
      pool_->keepIdle(backendIndex_, std::move(backend_.fd));
    } else {
      if (loop_.watches(backend_.fd.get())) loop_.remove(backend_.fd.get());
      backend_.fd.reset();
    }
    toBackend_.connectTo(-1);
    toClient_.connectFrom(-1);
  }
  if (holding_) pool_->release(backendIndex_);
  holding_ = false;
}

// Kept alive: ready for the next request, which may have begun to arrive already.
void Connection::awaitNextRequest() {
  std::string pending = reader_.takeLeftover() + toBackend_.takeLeftover();
  routing_ = shared_->routing;  // after a reload, the new config's
  reader_ = RequestReader(routing_->maxHeadSize, std::move(pending));
  response_ = ResponseReader(routing_->maxHeadSize);
  responseBody_ = MessageBody();
  toBackend_.restart();
  toClient_.restart();
  pool_.reset();
  backendsTried_ = 1;
  answered_ = 0;
  responding_ = keepClient_ = keepBackend_ = reused_ = retried_ = clientSentWhileHeld_ = false;
  replay_.clear();
  sentBefore_ = toClient_.sent();
  phase_ = Phase::kReadingHead;
  started_ = loop_.now();
  if (reader_.buffered() > 0) {  // pipelined: the next head is here already, or its start
    armTimer(started_ + routing_->headerTimeout);
    takeHead(reader_.parseBuffered());
    return settle();
  }
  armTimer(started_ + routing_->keepaliveTimeout);
  idleTicket_ = shared_->idle.join([this] { closePair("idle, and its slot was needed"); });
  settle();
}

// Not kept alive (the response said Connection: close): the FIN after the response, and the
// lingering close, reading and dropping what the client still sends (an upload the response
// cut short), so that it reads the response instead of a reset.
void Connection::closeAfterResponse() {
  toClient_.finish();
  toBackend_.end(0);
  startLingering();
  settle();
}

}  // namespace rsp
