// part10-lua-waits/connection_http.cpp — part 10: what the Connection does with a request. See
// connection.h.
//
// Same as part9-keepalive/connection_http.cpp except: route() may wait for route(request), in
// the phase kRouting, and routed() goes on once it has answered (routeAnswered()).
//
// From part 9: this runs for each request on the connection
// (its bytes may have come with the previous one), a kept connection to the backend is tried
// before a new one, and the request is kept while it is small enough to be sent again.
//
// Each request: read its head (request_reader.h), route it to a site and a backend (router.h,
// pool.h), and queue the head the proxy writes (forward.h) and the body toward it. And the
// proxy's own answers (answers.h), with the access log.
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
  const std::size_t had = reader_.buffered();
  const RequestReader::Status status = reader_.readFrom(client_.fd.get());
  if (had == 0 && reader_.buffered() > 0 && requests_ > 0) {
    // A kept-alive client's next request has begun: from now on it has headerTimeout, and it
    // goes by the config in force now (a reload may have come while the client waited).
    shared_->idle.leave(idleTicket_);
    routing_ = shared_->routing;
    started_ = loop_.now();
    armTimer(started_ + routing_->headerTimeout);
  }
  takeHead(status);
}

void Connection::takeHead(RequestReader::Status status) {
  switch (status) {
    case RequestReader::Status::kNeedMore:
      return;
    case RequestReader::Status::kClosed:  // nothing was asked, so nothing to answer
      return closePair(requests_ == 0 ? "left before its request head was whole"
                                      : "left between requests");
    case RequestReader::Status::kRefused:
      if (verbose()) log() << "client " << client_.fd.get() << ": " << reader_.reason();
      answer(reader_.refusal());
      break;
    case RequestReader::Status::kComplete:
      ++requests_;
      route();  // forwardRequest() has queued the body's start, if there is a backend
      break;
  }
  // The head is dealt with: its buffer goes back, the parsed head stays. While route(request)
  // waits, the body's start is still to be queued.
  if (phase_ != Phase::kRouting) reader_.release();
}

// A whole, valid head: where it goes (route(), then the Host). route(request) may wait: the pair
// then waits in kRouting, not reading the client, until routeAnswered() or routeTimeout.
void Connection::route() {
  headWhole_ = true;
  Router& router = routing_->router;
  if (!router.routes()) return routed(router.byHost(reader_.head()));
  phase_ = Phase::kRouting;
  // The previous request's run is over (it answered, or answer() stopped it), and this is never
  // inside its callback (a client's event, or the end of an exchange): it may go.
  routeRun_ = router.newRun(loop_);
  // routeAnswered() runs from the loop once route has answered, or at once if it never waited.
  router.startRoute(*routeRun_, reader_.head(), clientAddress_,
                    [this](const Destination& to) { routeAnswered(to); });
  // Answered at once (a cached answer): the pair has moved on, and the client's watch never
  // changed. Changing it for every request cost two epoll_ctl() each (./tutorial bench).
  if (phase_ != Phase::kRouting) return;
  // It waits. Until it answers, the client is not read: its body, or its next request, waits
  // in the kernel. But a hang-up is heard.
  armTimer(loop_.now() + router.routeTimeout());
  loop_.modify(client_.fd.get(), EPOLLRDHUP);
}

// Where route (or the Host) sent the request: a site's pool, or the pool of route's own
// backend; then that pool's backend, through a kept connection to it if there is one.
void Connection::routed(const Destination& to) {
  if (to.backend) {
    pool_ = routing_->peers.poolFor(loop_, *to.backend);
  } else if (to.site) {
    pool_ = routing_->pools[*to.site];
  } else {
    return answer(421);  // no site for this Host, and no default site
  }
  const std::optional<std::size_t> backend = pool_->choose(address_);
  if (!backend) return answer(502);  // every backend of the site is down
  backendIndex_ = *backend;
  pool_->acquire(backendIndex_);
  holding_ = true;
  forwardRequest();
  loop_.timers().cancel(timer_);  // the Connector's timer, or connected()'s, is the deadline now
  if (Fd kept = pool_->takeIdle(backendIndex_)) {
    reused_ = true;
    return connected(std::move(kept), 0);
  }
  phase_ = Phase::kConnecting;
  connector_.connect(pool_->backend(backendIndex_), routing_->timeouts.connect);
}

// Queues our head and the body bytes that came with it toward the backend (sent once it has
// accepted); the flow then passes on the rest of the body, and nothing after it. A request
// that came whole with its head is kept as sent, in case it must be sent again (connection.h).
void Connection::forwardRequest() {
  const std::string head = forwardedHead(reader_.head(), reader_.framing(), clientAddress_.address,
                                         routing_->reuse, pool_->backend(backendIndex_).name);
  toBackend_.send(head);
  toBackend_.send(reader_.bodyStart());
  toBackend_.limitTo(&reader_.body());
  replay_.clear();
  if (reader_.body().done()) {
    replay_.append(head).append(reader_.bodyStart());
    toBackend_.endOfMessage();
  }
}

// The proxy answers for itself (answers.h): a short response with Connection: close, then the
// FIN and the lingering close as for any pair (settle()), so that the client reads the answer
// instead of a reset. The backend, if there is one, is let go: it sees nothing more. Once a
// response has begun to go out, there is no answering any more: the pair just closes.
void Connection::answer(int status) {
  if (responding_) return closePair("the response broke off");
  answered_ = status;
  if (routeRun_) routeRun_->stop();  // routeTimeout: its sockets close, it never resumes
  connector_.cancel();
  shared_->idle.leave(idleTicket_);
  releaseBackend(false);
  toBackend_.end(0);
  toClient_.send(ownAnswer(status));
  toClient_.finish();
  phase_ = Phase::kRelaying;
  lastActive_ = loop_.now();
  armTimer(lastActive_ + routing_->timeouts.idle);
  settle();
}

// The access-log line (answers.h), once per request: for a head that was refused, or routed.
void Connection::logRequest() {
  const bool whole = headWhole_;
  const std::string host = whole ? normaliseHost(reader_.head().authority) : "";
  const int status = answered_ != 0 ? answered_ : responding_ ? response_.head().status : 0;
  log() << accessLogLine({
      .clientAddress = clientAddress_.address,
      .clientPort = clientAddress_.port,
      .method = whole ? std::string_view(reader_.head().method) : "",
      .host = host,
      .target = whole ? std::string_view(reader_.head().target) : "",
      .status = status,
      .bytes = toClient_.sent() - sentBefore_,
      .backend = pool_ ? std::string_view(pool_->backend(backendIndex_).name) : "",
      .time = std::chrono::duration_cast<std::chrono::milliseconds>(loop_.now() - started_),
  });
  headWhole_ = false;  // logged: a close that follows does not log it again
}

}  // namespace rsp
