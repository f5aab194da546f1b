// part4-slow-writes/connection.cpp — part 4: one client, relayed without losing a byte.
// See connection.h.
#include "connection.h"

#include <sys/socket.h>
#include <sys/timerfd.h>

#include <cassert>
#include <cerrno>
#include <cstring>

#include "common/log.h"

namespace rsp {

void Connection::start(EventLoop& loop, Fd client, Fd backend) {
  auto connection = std::make_shared<Connection>(loop, std::move(client), std::move(backend));
  for (Side* side : {&connection->client_, &connection->backend_}) {
    loop.add(side->fd.get(), EPOLLIN,
             [connection, side](std::uint32_t events) { connection->handleEvent(*side, events); });
  }
}

Connection::Connection(EventLoop& loop, Fd client, Fd backend)
    : loop_(loop), client_{std::move(client), "client"}, backend_{std::move(backend), "backend"} {}

Connection::~Connection() {
  // The rule of the event loop: a Connection dies after the batch, never inside a handler,
  // where another event for one of its sockets might still be waiting to be handled.
  assert(!loop_.inCallback());
}

// A flow reads its source unless it is paused or its source has ended. A flow that is over
// (its destination failed; or, lingering, both are) still reads its source, and drops what it
// sends: a peer still sending must not be left blocked in send(), nor answered with a reset.
bool Connection::wantsToRead(const Flow& flow) const {
  if (flow.state == Flow::State::kDone) return !flow.fromEnded;
  return flow.state == Flow::State::kOpen && !flow.paused;
}

void Connection::handleEvent(Side& side, std::uint32_t events) {
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
  const ssize_t n = ::recv(flow.from.fd.get(), chunk, sizeof chunk, 0);
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
  if (flow.queued.empty()) {  // never write around queued bytes: they must go out first
    const ssize_t n = ::send(flow.to.fd.get(), data, size, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EINTR) return endFlow(flow, errno);
    written = n > 0 ? static_cast<std::size_t>(n) : 0;
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
  if (closed_) return;
  for (Flow* flow : {&toBackend_, &toClient_}) {
    if (flow->state == Flow::State::kFlushing && flow->queued.empty()) {
      ::shutdown(flow->to.fd.get(), SHUT_WR);  // everything went out: now the FIN
      flow->state = Flow::State::kDone;
    }
  }
  if (toBackend_.state == Flow::State::kDone && toClient_.state == Flow::State::kDone) {
    if (toBackend_.fromEnded && toClient_.fromEnded) return closePair("finished");
    if (!lingering_) startLingering();
  }
  updateInterest(client_);
  updateInterest(backend_);
}

// Reads a side while its flow out wants to; writes to it while bytes are queued for it.
void Connection::updateInterest(Side& side) {
  if (closed_) return;
  std::uint32_t events = 0;
  if (wantsToRead(flowFrom(side))) events |= EPOLLIN;
  if (!flowTo(side).queued.empty()) events |= EPOLLOUT;
  loop_.modify(side.fd.get(), events);  // no system call when nothing changed
}

// Both flows are over, but a peer may still be sending: a flow ended because its destination
// failed stops reading its source. Closing a socket with unread input makes the kernel answer
// with a reset (RST), and a reset destroys what that peer has not read yet — such as the reply
// we just delivered. So, like nginx's lingering close: FIN to both, read and drop their input
// until they finish, kLingerBytes arrive or kLingerSeconds pass, and only then close.
void Connection::startLingering() {
  lingering_ = true;
  ::shutdown(client_.fd.get(), SHUT_WR);
  ::shutdown(backend_.fd.get(), SHUT_WR);
  lingerTimer_.reset(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
  itimerspec deadline{};
  deadline.it_value.tv_sec = kLingerSeconds;
  if (!lingerTimer_ || ::timerfd_settime(lingerTimer_.get(), 0, &deadline, nullptr) != 0) {
    return closePair("cannot linger: no timer");
  }
  // The timer's handler goes with the pair's (closePair() removes it), so `this` is alive.
  loop_.add(lingerTimer_.get(), EPOLLIN,
            [this](std::uint32_t) { closePair("lingered long enough"); });
}

// Closes the pair. The sockets leave the loop now; the Connection, and with it the Fds that
// close them, goes when the loop drops its handlers after this batch.
void Connection::closePair(const char* why) {
  if (closed_) return;
  closed_ = true;
  if (verbose()) log() << "client " << client_.fd.get() << ": closed, " << why;
  loop_.remove(client_.fd.get());
  loop_.remove(backend_.fd.get());
  if (lingerTimer_) loop_.remove(lingerTimer_.get());
}

}  // namespace rsp
