// part10-lua-waits/lifecycle.cpp — part 10: stopping without cutting transfers, and reloading the
// config without a restart. See proxy.h.
// Same as part8-http/lifecycle.cpp except: shutting down closes the kept-alive clients that
// wait for nothing at once (the busy ones close after their response), and a reload carries the
// backends' idle connections over with their health; kept-alive clients take the new config
// with their next request.
//
// Both are what nginx and HAProxy do, under other signals. nginx's graceful shutdown (SIGQUIT;
// for nginx SIGTERM is the fast one) closes the listening sockets, lets requests in flight
// finish and exits, by worker_shutdown_timeout at the latest; HAProxy's soft stop (SIGUSR1)
// has hard-stop-after. rsp does it on SIGTERM, which is what systemd, docker and Kubernetes
// send before they wait. On SIGHUP, nginx parses the new configuration first and keeps the old
// one if it fails; what it accepts afterwards follows the new one.
#include <cerrno>
#include <exception>

#include "common/log.h"
#include "proxy.h"

namespace rsp {
namespace {

// A site that stays (same name) keeps the health and the idle connections of its backends that
// stay (pool.h).
void carryOver(const Routing& older, Routing& newer) {
  for (std::size_t i = 0; i < newer.sites.size(); ++i) {
    for (std::size_t j = 0; j < older.sites.size(); ++j) {
      if (older.sites[j] == newer.sites[i]) newer.pools[i]->carryOverFrom(*older.pools[j]);
    }
  }
}

}  // namespace

void Proxy::shutDown() {
  if (shuttingDown_) {  // a second signal: the operator does not want to wait
    log() << "second signal: stopping now, cutting " << open_ << " connections";
    return loop_.stop();
  }
  shuttingDown_ = true;
  openAtShutdown_ = open_;
  // Close the listener at once: new clients are refused (a reset), not left in the backlog.
  loop_.remove(listener_.fd.get());
  listener_.fd.reset();
  for (const auto& pool : shared_->routing->pools) pool->retire();
  log() << "shutting down: " << open_ << " open connections, waiting up to "
        << std::chrono::duration<double>(shutdownTimeout_).count() << " s";
  shared_->draining = true;  // no client is kept alive after its response
  if (open_ == 0) return finishShutdown();
  shutdownTimer_ = loop_.timers().add(loop_.now() + shutdownTimeout_, [this] { finishShutdown(); });
  // Those waiting for their next request go now: if they were the last, the last one to close
  // finishes the shutdown (pairClosed()).
  shared_->idle.closeAll();
}

// Every pair has finished, or the time is up: stop the loop. The pairs still open are closed
// when main() returns and the loop, which owns them, is destroyed.
void Proxy::finishShutdown() {
  loop_.timers().cancel(shutdownTimer_);
  log() << "shut down: " << openAtShutdown_ - open_ << " finished, " << open_ << " cut";
  loop_.stop();
}

void Proxy::reload() {
  if (shuttingDown_) return;
  try {
    const Config config = loadConfig(configPath_);
    std::shared_ptr<Routing> routing = routingFor(loop_, config);  // may throw
    carryOver(*shared_->routing, *routing);
    if (config.listenPort != 0 && config.listenPort != port()) {
      log() << "listenPort changed to " << config.listenPort << " in " << configPath_
            << ": ignored until a restart, still listening on " << port();
    }
    for (const auto& pool : shared_->routing->pools) pool->retire();  // its requests keep it
    shared_->routing = std::move(routing);
    apply(config);
    watchListener();  // maxConnections may have changed
    log() << "reloaded " << configPath_;
  } catch (const std::exception& error) {
    log() << "reload failed, keeping the running config: " << error.what();
  }
}

}  // namespace rsp
