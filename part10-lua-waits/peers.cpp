// part10-lua-waits/peers.cpp — part 10: backends that route(request) names itself. See peers.h.
#include "peers.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <iterator>

namespace rsp {

std::optional<BackendAddress> numericHostPort(std::string_view text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string host(text.substr(0, colon));
  const std::string_view port = text.substr(colon + 1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != port.npos) {
    return std::nullopt;
  }
  const int number = std::stoi(std::string(port));
  in6_addr any;
  const bool numeric = ::inet_pton(AF_INET, host.c_str(), &any) == 1 ||
                       ::inet_pton(AF_INET6, host.c_str(), &any) == 1;
  if (!numeric || number < 1 || number > 65535) return std::nullopt;
  return BackendAddress{host, static_cast<std::uint16_t>(number)};
}

std::shared_ptr<BackendPool> Peers::poolFor(EventLoop& loop, const BackendAddress& address) {
  const std::string key = address.host + ":" + std::to_string(address.port);
  if (const auto it = pools_.find(key); it != pools_.end()) return it->second;
  if (pools_.size() >= kMaxPeers) {
    for (auto it = pools_.begin(); it != pools_.end();) {
      it = it->second.use_count() == 1 ? pools_.erase(it) : std::next(it);
    }
  }
  PoolSettings settings = settings_;
  settings.backends = {address};
  settings.checkInterval = std::chrono::milliseconds(0);  // no checks: never marked down
  settings.lua = nullptr;  // one backend: nothing for chooseBackend to choose
  auto pool = BackendPool::create(loop, settings);  // numeric: resolving does not block
  pools_.emplace(key, pool);
  return pool;
}

}  // namespace rsp
