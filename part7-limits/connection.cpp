// part7-limits/connection.cpp — part 7: one client, relayed to one of several backends.
// See connection.h.
#include "connection.h"

#include <linux/tcp.h>  // struct tcp_info with tcpi_bytes_acked (glibc's has no such field)
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstring>

#include "common/log.h"
#include "descriptor_limit.h"

namespace rsp {

void Connection::start(EventLoop& loop, Fd client, std::shared_ptr<BackendPool> pool,
                       std::size_t backend, const Timeouts& timeouts,
                       std::function<void()> onClosed) {
  auto connection = std::make_shared<Connection>(loop, std::move(client), std::move(pool), backend,
                                                 timeouts, std::move(onClosed));
  connection->guarded([&] {  // from here on, a failure closes the pair and calls onClosed
    connection->watch(connection->client_);
    connection->connectNext();
    connection->settle();
  });
}

Connection::Connection(EventLoop& loop, Fd client, std::shared_ptr<BackendPool> pool,
                       std::size_t backend, const Timeouts& timeouts,
                       std::function<void()> onClosed)
    : loop_(loop),
      pool_(std::move(pool)),
      backendIndex_(backend),
      timeouts_(timeouts),
      onClosed_(std::move(onClosed)),
      client_{std::move(client), "client"},
      backend_{Fd(), "backend"} {
  pool_->acquire(backendIndex_);
}

Connection::~Connection() {
  // The rule of the event loop: a Connection dies after the batch, never inside a handler,
  // where another event for one of its sockets might still be waiting to be handled.
  assert(!loop_.inCallback());
}

// Registers a socket; settle() then sets what it is watched for.
void Connection::watch(Side& side) {
  loop_.add(side.fd.get(), 0, [self = shared_from_this(), &side](std::uint32_t events) {
    self->handleEvent(side, events);
  });
}

// Starts a connect to the backend's next address, and waits for it without blocking. When
// every address of a backend has failed, moves on to the next backend that is up; gives up
// once each backend has had its turn.
void Connection::connectNext() {
  for (;;) {
    const Backend& backend = pool_->backend(backendIndex_);
    while (nextAddress_ < backend.addresses.size()) {
      bool inProgress = false;
      Fd fd = startConnect(backend.addresses[nextAddress_++], inProgress);
      if (!fd) {
        connectError_ = errno;
        // Out of descriptors is the proxy's trouble, not the backend's: do not mark it down.
        if (isOutOfDescriptors(errno)) return closePair("no descriptor for the backend");
        // No free local port: the proxy's shortage, like EMFILE.
        if (errno == EADDRNOTAVAIL) {
          pool_->outOfLocalPorts(backendIndex_);
          return closePair("no local port for the backend");
        }
        continue;
      }
      if (backend_.fd) loop_.remove(backend_.fd.get());  // an earlier attempt's socket
      backend_.fd = std::move(fd);
      watch(backend_);
      if (!inProgress) return startRelaying();  // connected at once
      return armTimer(loop_.now() + timeouts_.connect);
    }
    pool_->connectFailed(backendIndex_, connectError_);
    const auto next =
        backendsTried_++ < pool_->size() ? pool_->nextUp(backendIndex_) : std::nullopt;
    if (!next) return closePair("no backend would take it");
    pool_->release(backendIndex_);
    pool_->acquire(*next);
    backendIndex_ = *next;
    nextAddress_ = 0;
  }
}

// The backend's socket turned writable (or failed) while connecting: the handshake is over.
void Connection::finishConnect() {
  connectError_ = connectResult(backend_.fd.get());
  if (connectError_ != 0) return connectNext();
  startRelaying();
}

void Connection::startRelaying() {
  phase_ = Phase::kRelaying;
  lastActive_ = loop_.now();
  armTimer(lastActive_ + timeouts_.idle);
  // What the client sent while we were connecting goes out now, before anything else.
  if (!toBackend_.queued.empty()) handleWrite(toBackend_);
}

// A pair has one deadline at a time; a new one replaces the old.
void Connection::armTimer(Timers::Clock::time_point deadline) {
  loop_.timers().cancel(timer_);
  // Cancelled by closePair(), so `this` is alive whenever it runs.
  timer_ = loop_.timers().add(deadline, [this] { guarded([this] { handleTimer(); }); });
}

void Connection::handleTimer() {
  switch (phase_) {
    case Phase::kConnecting:
      connectError_ = ETIMEDOUT;
      if (verbose()) log() << "client " << client_.fd.get() << ": backend connect timed out";
      connectNext();
      break;
    case Phase::kRelaying: {
      // No event for idleTimeout does not make a pair idle yet: a peer may still be taking what
      // the kernel holds for it (a socket's send buffer grows to megabytes) without our seeing
      // an event. So bytes acknowledged count as activity too, as of the firing that saw them.
      const auto now = loop_.now();
      const std::uint64_t acked = bytesAcked();
      if (acked != lastAcked_) lastAckedAt_ = now;
      lastAcked_ = acked;
      const auto lastMoved = std::max(lastActive_, lastAckedAt_);
      // Idle is: no event for idleTimeout, and all we sent was acknowledged or nothing more was.
      if (now - lastActive_ >= timeouts_.idle &&
          (acked >= sent_ || now - lastMoved >= timeouts_.idle)) {
        closePair("idle for too long");
        break;
      }
      // Events only note the time (lastActive_): a busy pair costs no timer work per event, and
      // the timer looks again once idleTimeout has passed since the latest one. While only
      // acknowledgements move, it looks every quarter of idleTimeout, so that a peer that stops
      // reading is cut about idleTimeout after it stopped, not up to twice that.
      auto next = lastMoved + timeouts_.idle;
      if (lastAckedAt_ > lastActive_) next = std::min(next, now + timeouts_.idle / 4);
      armTimer(next);
      break;
    }
    case Phase::kLingering:
      closePair("lingered long enough");
      break;
    case Phase::kClosed:
      break;
  }
  settle();
}

// The bytes our two sockets have had acknowledged by their peers, from the kernel's TCP_INFO.
// It grows while a peer reads, even when we see no event; asked only when the idle timer fires.
std::uint64_t Connection::bytesAcked() const {
  std::uint64_t total = 0;
  for (const Side* side : {&client_, &backend_}) {
    tcp_info info{};
    socklen_t length = sizeof info;
    if (side->fd && ::getsockopt(side->fd.get(), IPPROTO_TCP, TCP_INFO, &info, &length) == 0) {
      total += info.tcpi_bytes_acked;
    }
  }
  return total;
}

// A flow reads its source unless it is paused or its source has ended. A flow that is over
// (its destination failed; or, lingering, both are) still reads its source, and drops what it
// sends: a peer still sending must not be left blocked in send(), nor answered with a reset.
bool Connection::wantsToRead(const Flow& flow) const {
  if (flow.state == Flow::State::kDone) return !flow.fromEnded;
  return flow.state == Flow::State::kOpen && !flow.paused;
}

// An exception from inside a handler (bad_alloc; ENOMEM from epoll_ctl) ends this pair only:
// every way into the Connection from the loop (socket events, its timer) goes through here.
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
  guarded([&] { relay(side, events); });
}

void Connection::relay(Side& side, std::uint32_t events) {
  lastActive_ = loop_.now();
  if (phase_ == Phase::kConnecting && &side == &backend_) {
    finishConnect();
    return settle();
  }
  // Write what is queued for this side, then read what it sent. An error or a hang-up shows
  // up as a send or a recv that fails, so both go ahead on those. (settle() then decides
  // what to watch for, from what the two flows have become.)
  Flow& in = flowTo(side);
  Flow& out = flowFrom(side);
  if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) && !in.queued.empty()) handleWrite(in);
  if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP)) && wantsToRead(out)) handleRead(out);
  settle();
}

// Reads what has arrived from the flow's source and forwards it (or, once the flow is over,
// drops it).
void Connection::handleRead(Flow& flow) {
  char chunk[kReadChunk];
  // A flow that writes at once reads whole chunks; one whose destination is behind reads only
  // what its queue has room for. (It is read only below kHighWater: see forward().)
  assert(flow.queued.size() < kHighWater);
  const std::size_t room = flow.queued.empty() ? kReadChunk : kHighWater - flow.queued.size();
  const ssize_t n = ::recv(flow.from.fd.get(), chunk, room, 0);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n > 0 && flow.state != Flow::State::kDone) {
    return forward(flow, chunk, static_cast<std::size_t>(n));
  }
  if (n > 0) {
    dropped_ += static_cast<std::size_t>(n);
    if (dropped_ > kLingerBytes) closePair("sent too much after its peer had gone");
    return;
  }
  // The source will send nothing more: its FIN (n == 0), or an error. What is queued still
  // goes to the destination, and then our FIN (see settle()).
  flow.fromEnded = true;
  if (flow.state == Flow::State::kOpen) flow.state = Flow::State::kFlushing;
  // A socket that failed cannot be written to either: the flow toward it is over.
  if (n < 0) endFlow(flowTo(flow.from), errno);
}

// Writes to the flow's destination at once if nothing is queued; queues what it did not take.
void Connection::forward(Flow& flow, const char* data, std::size_t size) {
  std::size_t written = 0;
  // Never write around queued bytes: they must go out first. Nor to a backend still
  // connecting: its bytes wait in the queue until startRelaying().
  if (flow.queued.empty() && phase_ != Phase::kConnecting) {
    const ssize_t n = ::send(flow.to.fd.get(), data, size, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EINTR) return endFlow(flow, errno);
    written = n > 0 ? static_cast<std::size_t>(n) : 0;
    sent_ += written;
  }
  if (written == size) return;  // all out: nothing to queue
  flow.queued.append(data + written, size - written);
  if (flow.queued.size() >= kHighWater) flow.paused = true;  // backpressure
}

// The flow's destination can take more: write what is queued for it.
void Connection::handleWrite(Flow& flow) {
  const ssize_t n = ::send(flow.to.fd.get(), flow.queued.data(), flow.queued.size(), MSG_NOSIGNAL);
  if (n < 0) {
    if (errno != EAGAIN && errno != EINTR) endFlow(flow, errno);
    return;
  }
  flow.queued.consume(static_cast<std::size_t>(n));
  sent_ += static_cast<std::size_t>(n);
  // Resume reading the source. Level-triggered epoll reports at once whatever is already
  // waiting in its socket; no new event has to arrive first.
  if (flow.paused && flow.queued.size() <= kLowWater) flow.paused = false;
}

// The flow's destination failed (EPIPE, ECONNRESET): nothing more can reach it. Drop what was
// queued for it; its source is now read only to drop what it sends. The other flow is left
// alone: whatever the failed peer sent before it went is still read and delivered.
void Connection::endFlow(Flow& flow, int error) {
  if (flow.state == Flow::State::kDone) return;
  if (verbose()) {
    log() << "client " << client_.fd.get() << ": " << flow.to.name << " " << std::strerror(error);
  }
  flow.state = Flow::State::kDone;
  flow.queued = Buffer();
  flow.paused = false;
}

// After every event: pass on FINs, close the pair once both flows are over, and watch each
// socket for exactly what can be done with it now.
void Connection::settle() {
  if (phase_ == Phase::kClosed) return;
  if (phase_ != Phase::kConnecting) {
    for (Flow* flow : {&toBackend_, &toClient_}) {
      if (flow->state == Flow::State::kFlushing && flow->queued.empty()) {
        ::shutdown(flow->to.fd.get(), SHUT_WR);  // everything went out: now the FIN
        flow->state = Flow::State::kDone;
      }
    }
    if (toBackend_.state == Flow::State::kDone && toClient_.state == Flow::State::kDone) {
      if (toBackend_.fromEnded && toClient_.fromEnded) return closePair("finished");
      if (phase_ == Phase::kRelaying) startLingering();
    }
  }
  updateInterest(client_);
  updateInterest(backend_);
}

// Reads a side while its flow out wants to; writes to it while bytes are queued for it. A
// backend still connecting is watched for writability: that is how the handshake's end shows.
void Connection::updateInterest(Side& side) {
  std::uint32_t events = 0;
  if (wantsToRead(flowFrom(side))) events |= EPOLLIN;
  if (!flowTo(side).queued.empty()) events |= EPOLLOUT;
  if (phase_ == Phase::kConnecting && &side == &backend_) events |= EPOLLOUT;
  if (side.fd) loop_.modify(side.fd.get(), events);  // no system call when nothing changed
}

// Both flows are over, but a peer may still be sending: a flow ended because its destination
// failed stops reading its source. Closing a socket with unread input makes the kernel answer
// with a reset (RST), and a reset destroys what that peer has not read yet — such as the reply
// we just delivered. So, like nginx's lingering close: FIN to both, read and drop their input
// until they finish, kLingerBytes arrive or kLinger passes, and only then close.
void Connection::startLingering() {
  phase_ = Phase::kLingering;
  ::shutdown(client_.fd.get(), SHUT_WR);
  ::shutdown(backend_.fd.get(), SHUT_WR);
  armTimer(loop_.now() + kLinger);
}

// Closes the pair. The sockets leave the loop now; the Connection, and with it the Fds that
// close them, goes when the loop drops its handlers after this batch.
void Connection::closePair(const char* why) {
  if (phase_ == Phase::kClosed) return;
  phase_ = Phase::kClosed;
  if (verbose()) log() << "client " << client_.fd.get() << ": closed, " << why;
  loop_.timers().cancel(timer_);
  pool_->release(backendIndex_);
  loop_.remove(client_.fd.get());
  if (backend_.fd) loop_.remove(backend_.fd.get());
  onClosed_();
}

}  // namespace rsp
