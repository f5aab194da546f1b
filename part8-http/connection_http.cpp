// part8-http/connection_http.cpp — part 8: what the Connection does with HTTP. See
// connection.h.
//
// The new first phase: read the request's head (request_reader.h), route it to a site and a
// backend (router.h, pool.h), and queue the head the proxy writes (forward.h) and the body
// toward it. And the proxy's own answers (answers.h), with the access log.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "answers.h"
#include "common/log.h"
#include "connection.h"
#include "forward.h"
#include "sites.h"

namespace rsp {

// The first phase: the head, as far as it has come. Nothing is chosen until it is whole.
void Connection::readHead() {
  switch (reader_.readFrom(client_.fd.get())) {
    case RequestReader::Status::kNeedMore:
      return;
    case RequestReader::Status::kClosed:  // nothing was asked, so nothing to answer
      return closePair("left before its request head was whole");
    case RequestReader::Status::kRefused:
      if (verbose()) log() << "client " << client_.fd.get() << ": " << reader_.reason();
      answer(reader_.refusal());
      break;
    case RequestReader::Status::kComplete:
      route();  // forwardRequest() has queued the body's start, if there is a backend
      break;
  }
  reader_.release();  // the head is dealt with: its buffer goes back, the parsed head stays
}

// A whole, valid head: its site (route(), then the Host), and that site's backend.
void Connection::route() {
  headWhole_ = true;
  const std::optional<std::size_t> site =
      routing_->router.siteFor(reader_.head(), clientAddress_, loop_.now());
  if (!site) return answer(421);  // no site for this Host, and no default site
  pool_ = routing_->pools[*site];
  const std::optional<std::size_t> backend = pool_->choose(address_);
  if (!backend) return answer(502);  // every backend of the site is down
  backendIndex_ = *backend;
  pool_->acquire(backendIndex_);
  forwardRequest();
  phase_ = Phase::kConnecting;
  loop_.timers().cancel(timer_);  // the Connector's timer is the deadline now
  connector_.connect(pool_->backend(backendIndex_), timeouts_.connect);
}

// Queues our head and the body bytes that came with it toward the backend (sent once it has
// accepted); the flow then passes on the rest of the body, and nothing after it.
void Connection::forwardRequest() {
  toBackend_.send(forwardedHead(reader_.head(), reader_.framing(), clientAddress_.address,
                               pool_->backend(backendIndex_).name));
  toBackend_.send(reader_.bodyStart());
  toBackend_.limitTo(&reader_.body());
  if (reader_.body().done()) toBackend_.endOfMessage();  // LIMIT: one request per connection
}

// The proxy answers for itself (answers.h): a short response with Connection: close, then the
// FIN and the lingering close as for any pair (settle()), so that the client reads the answer
// instead of a reset. The backend, if there is one, is let go: it sees nothing more.
void Connection::answer(int status) {
  answered_ = status;
  connector_.cancel();
  if (backend_.fd) loop_.remove(backend_.fd.get());  // closed with the pair, after the batch
  toBackend_.end(0);
  toClient_.send(ownAnswer(status));
  toClient_.finish();
  phase_ = Phase::kRelaying;
  lastActive_ = loop_.now();
  armTimer(lastActive_ + timeouts_.idle);
  settle();
}

// The access-log line (answers.h), once per request: for a head that was refused, or routed.
void Connection::logRequest() const {
  const bool whole = headWhole_;
  const std::string host = whole ? normaliseHost(reader_.head().authority) : "";
  log() << accessLogLine({
      .clientAddress = clientAddress_.address,
      .clientPort = clientAddress_.port,
      .method = whole ? std::string_view(reader_.head().method) : "",
      .host = host,
      .target = whole ? std::string_view(reader_.head().target) : "",
      .status = answered_ != 0 ? answered_ : responseStatus(toClient_.firstBytes()),
      .bytes = toClient_.sent(),
      .backend = pool_ ? std::string_view(pool_->backend(backendIndex_).name) : "",
      .time = std::chrono::duration_cast<std::chrono::milliseconds>(loop_.now() - accepted_),
  });
}

}  // namespace rsp
