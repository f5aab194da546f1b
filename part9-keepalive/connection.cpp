// part9-keepalive/connection.cpp — part 9: one client's requests, each routed and relayed.
// See connection.h. Same as part8-http/connection.cpp except: the backend's bytes go to the
// response head's reader first (connection_response.cpp), a delivered response ends the
// exchange instead of the pair, and a kept-alive client that waits for nothing is closed
// after keepaliveTimeout.
#include "connection.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstring>

#include "common/log.h"
#include "descriptor_limit.h"

namespace rsp {

void Connection::start(EventLoop& loop, Fd client, const sockaddr_storage& address,
                       std::shared_ptr<ClientsShared> shared, std::function<void()> onClosed) {
  auto connection = std::make_shared<Connection>(loop, std::move(client), address,
                                                 std::move(shared), std::move(onClosed));
  connection->guarded([&] {  // from here on, a failure closes the pair and calls onClosed
    loop.add(connection->client_.fd.get(), EPOLLIN, [connection](std::uint32_t events) {
      connection->handleEvent(connection->client_, events);
    });
    // From the accept, not from the first byte: a client that never sends one is cut too.
    connection->armTimer(connection->started_ + connection->routing_->headerTimeout);
  });
}

Connection::Connection(EventLoop& loop, Fd client, const sockaddr_storage& address,
                       std::shared_ptr<ClientsShared> shared, std::function<void()> onClosed)
    : loop_(loop),
      address_(address),
      clientAddress_(describeClient(address)),
      shared_(std::move(shared)),
      routing_(shared_->routing),
      started_(loop.now()),
      reader_(routing_->maxHeadSize),
      response_(routing_->maxHeadSize),
      onClosed_(std::move(onClosed)),
      client_{std::move(client), "client"},
      backend_{Fd(), "backend"},
      connector_(loop, [this](Fd socket, int error) {
        guarded([&] { connected(std::move(socket), error); });
      }) {}

Connection::~Connection() {
  // The rule of the event loop: a Connection dies after the batch, never inside a handler,
  // where another event for one of its sockets might still be waiting to be handled.
  assert(!loop_.inCallback());
  shared_->idle.leave(idleTicket_);  // the loop may go first (its end destroys its handlers)
}

// The Connector is done: the backend accepted, or every address failed (then the next
// backend that is up gets its turn).
void Connection::connected(Fd backend, int error) {
  if (!backend) {
    if (verbose() && error == ETIMEDOUT) {
      log() << "client " << client_.fd.get() << ": backend connect timed out";
    }
    if (const char* why = tryNextBackend(error)) {
      if (verbose()) log() << "client " << client_.fd.get() << ": " << why;
      answer(error == ETIMEDOUT ? 504 : 502);
    }
    return;
  }
  backend_.fd = std::move(backend);
  toBackend_.connectTo(backend_.fd.get());
  toClient_.connectFrom(backend_.fd.get());
  // The Connector's registration becomes ours, watched for what the reply will need (one
  // EPOLL_CTL_MOD; settle() adds EPOLLOUT if the queued request does not all go out at once).
  loop_.replace(backend_.fd.get(), EPOLLIN, [self = shared_from_this()](std::uint32_t events) {
    self->handleEvent(self->backend_, events);
  });
  phase_ = Phase::kRelaying;
  lastActive_ = loop_.now();
  armTimer(lastActive_ + routing_->timeouts.idle);
  // What the client sent while we were connecting goes out now, before anything else.
  if (toBackend_.wantsToWrite()) toBackend_.handleWrite();
  settle();
}

// When every address of a backend has failed, moves on to the next backend that is up.
// Returns why the pair must close instead (nullptr when it moved on): each backend has had its
// turn, or the proxy itself is short of something.
const char* Connection::tryNextBackend(int error) {
  // Out of descriptors is the proxy's trouble, not the backend's: do not mark it down.
  if (isOutOfDescriptors(error)) return "no descriptor for the backend";
  if (error == EADDRNOTAVAIL) {  // no free local port: the proxy's shortage, like EMFILE
    pool_->outOfLocalPorts(backendIndex_);
    return "no local port for the backend";
  }
  pool_->connectFailed(backendIndex_, error);
  const auto next = backendsTried_++ < pool_->size() ? pool_->nextUp(backendIndex_) : std::nullopt;
  if (!next) return "no backend would take it";
  pool_->release(backendIndex_);
  pool_->acquire(*next);
  backendIndex_ = *next;
  connector_.connect(pool_->backend(backendIndex_), routing_->timeouts.connect);
  return nullptr;
}

// A pair has one deadline at a time; a new one replaces the old.
void Connection::armTimer(Timers::Clock::time_point deadline) {
  loop_.timers().cancel(timer_);
  // Cancelled by closePair(), so `this` is alive whenever it runs.
  timer_ = loop_.timers().add(deadline, [this] { guarded([this] { handleTimer(); }); });
}

// An exception from inside a handler (bad_alloc; ENOMEM from epoll_ctl) ends this pair only:
// every way into the Connection from the loop (socket events, its timer, its Connector) goes
// through here.
template <typename Work>
void Connection::guarded(Work work) {
  try {
    work();
  } catch (const std::exception& error) {
    log() << "client " << client_.fd.get() << ": " << error.what() << "; closing its connection";
    closePair("failed");
  }
}

void Connection::handleEvent(Side& side, std::uint32_t events) {
  guarded([&] {
    if (phase_ != Phase::kReadingHead) return relay(side, events);
    readHead();
    settle();
  });
}

void Connection::relay(Side& side, std::uint32_t events) {
  lastActive_ = loop_.now();
  // Write what is queued for this side, then read what it sent. An error or a hang-up shows
  // up as a send or a recv that fails, so both go ahead on those. (settle() then decides
  // what to watch for, from what the two flows have become.)
  Flow& toSide = flowTo(side);
  Flow& fromSide = flowFrom(side);
  if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) && toSide.wantsToWrite()) toSide.handleWrite();
  const bool readable = events & (EPOLLIN | EPOLLERR | EPOLLHUP);
  if (readable && &side == &client_ && fromSide.holding()) clientSentWhileHeld_ = true;
  // The backend's first bytes of each response are its head: the response's reader takes them.
  if (readable && &side == &backend_ && !responding_ && answered_ == 0) {
    readResponse();
    return settle();
  }
  if (readable && fromSide.wantsToRead()) {
    // A socket that failed cannot be written to either: the flow toward it is over.
    if (const int error = fromSide.handleRead()) toSide.end(error);
  }
  settle();
}

// After every event: pass on FINs, close the pair once both flows are over, and watch each
// socket for exactly what can be done with it now.
void Connection::settle() {
  if (phase_ == Phase::kClosed) return;
  // A chunked body that broke on its way: the client still gets an answer, ours (400).
  if (answered_ == 0 && !responding_ && toBackend_.brokenBody()) return answer(400);
  if (toBackend_.sourceEnded() && toClient_.sourceEnded() && !toBackend_.wantsToWrite() &&
      !toClient_.wantsToWrite()) {
    return closePair("finished");  // close() sends the FINs still owed: no shutdown() first
  }
  toBackend_.passOnEnd();
  toClient_.passOnEnd();
  if (toBackend_.droppedTooMuch() || toClient_.droppedTooMuch()) {
    return closePair("sent too much after its peer had gone");
  }
  // The response went out whole: the exchange is over, not (yet) the pair.
  if (phase_ == Phase::kRelaying && responding_ && toClient_.delivered()) return endExchange();
  if (toBackend_.over() && toClient_.over()) {
    if (toBackend_.sourceEnded() && toClient_.sourceEnded()) return closePair("finished");
    if (phase_ == Phase::kRelaying) startLingering();
  }
  updateInterest(client_);
  updateInterest(backend_);
}

// Reads a side while the flow from it wants to; writes to it while the flow to it does.
void Connection::updateInterest(Side& side) {
  // The backend, still connecting (the Connector watches it), or let go after our answer.
  if (!side.fd || !loop_.watches(side.fd.get())) return;
  std::uint32_t events = 0;
  if (flowFrom(side).wantsToRead()) events |= EPOLLIN;
  // The client's EPOLLIN stays on while its request is answered: taking it off and back on
  // would cost two epoll_ctl() a request. Only a client that does send meanwhile (pipelining)
  // loses it until its turn, so that level-triggered epoll does not report it without end.
  if (&side == &client_ && toBackend_.holding() && !clientSentWhileHeld_) events |= EPOLLIN;
  if (flowTo(side).wantsToWrite()) events |= EPOLLOUT;
  loop_.modify(side.fd.get(), events);  // no system call when nothing changed
}

// Both flows are over, but a peer may still be sending: a flow ended because its destination
// failed still reads its source (flow.h). Closing a socket with unread input makes the kernel
// answer with a reset (RST), and a reset destroys what that peer has not read yet — such as
// the reply we just delivered. So, like nginx's lingering close: FIN to both, read and drop
// their input until they finish, Flow::kDropLimit arrives or kLinger passes, then close.
void Connection::startLingering() {
  phase_ = Phase::kLingering;
  toBackend_.end(0);  // a flow held at a message's end reads again, to drop
  toClient_.end(0);
  ::shutdown(client_.fd.get(), SHUT_WR);
  if (backend_.fd) ::shutdown(backend_.fd.get(), SHUT_WR);
  armTimer(loop_.now() + kLinger);
}

// Closes the pair. The sockets leave the loop now; the Connection, and with it the Fds that
// close them, goes when the loop drops its handlers after this batch.
void Connection::closePair(const char* why) {
  if (phase_ == Phase::kClosed) return;
  phase_ = Phase::kClosed;
  if (verbose()) log() << "client " << client_.fd.get() << ": closed, " << why;
  if (verbose() && (headWhole_ || answered_ != 0)) logRequest();
  loop_.timers().cancel(timer_);
  shared_->idle.leave(idleTicket_);
  connector_.cancel();  // a connect still under way: nobody is waiting for it now
  releaseBackend(false);
  loop_.remove(client_.fd.get());
  onClosed_();
}

}  // namespace rsp
