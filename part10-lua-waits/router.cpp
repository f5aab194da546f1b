// part10-lua-waits/router.cpp — part 10: which site a request goes to. See router.h.
// Same as part9-keepalive/router.cpp except: route runs as a coroutine (LuaCoroutine), its answer
// comes back in a callback, and it may be "host:port".
//
// As in chooser.cpp: a Lua error longjmps over C++ frames, so every call into Lua happens in
// pushRoute(), which makes no C++ objects and runs under lua_pcall; it reads the request
// through a plain struct of pointers and leaves route and its argument on the stack.
#include "router.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <lua.hpp>
#include <vector>

#include "common/log.h"
#include "http_syntax.h"
#include "lua_limits.h"
#include "peers.h"

namespace rsp {
namespace {

constexpr std::size_t kLoggedBytes = 200;  // of an error or a returned name, in one log line

struct RouteCall {  // crosses lua_pcall, so nothing in it has a destructor
  const RequestHead* head;
  const std::string* host;
  const ClientAddress* client;
};

void setString(lua_State* lua, const char* name, const std::string& value) {
  lua_pushlstring(lua, value.data(), value.size());
  lua_setfield(lua, -2, name);
}

// request.headers: each name once, lower-cased (the parser did that); a repeated field's
// values joined by ", " in the order received, as RFC 9110 5.3 allows a recipient to.
void pushHeaders(lua_State* lua, const RequestHead& head) {
  lua_createtable(lua, 0, static_cast<int>(head.fields.size()));
  for (const HeaderField& field : head.fields) {
    lua_pushlstring(lua, field.name.data(), field.name.size());
    lua_pushvalue(lua, -1);
    if (lua_rawget(lua, -3) == LUA_TNIL) {
      lua_pop(lua, 1);
      lua_pushlstring(lua, field.value.data(), field.value.size());
    } else {
      lua_pushliteral(lua, ", ");
      lua_pushlstring(lua, field.value.data(), field.value.size());
      lua_concat(lua, 3);
    }
    lua_rawset(lua, -3);
  }
}

// Runs under lua_pcall (LuaCoroutine::start) with a RouteCall: pushes route and its argument.
int pushRoute(lua_State* lua, void* data) {
  const RouteCall* call = static_cast<const RouteCall*>(data);
  const RequestHead& head = *call->head;
  lua_getglobal(lua, "route");
  lua_createtable(lua, 0, 7);  // request
  setString(lua, "method", head.method);
  setString(lua, "target", head.target);
  setString(lua, "path", head.path);
  setString(lua, "host", *call->host);
  lua_pushstring(lua, head.minorVersion == 0 ? "HTTP/1.0" : "HTTP/1.1");
  lua_setfield(lua, -2, "version");
  pushHeaders(lua, head);
  lua_setfield(lua, -2, "headers");
  lua_createtable(lua, 0, 2);  // request.client
  setString(lua, "address", call->client->address);
  lua_pushinteger(lua, call->client->port);
  lua_setfield(lua, -2, "port");
  lua_setfield(lua, -2, "client");
  return 1;
}

// At most kLoggedBytes of `text`, on one line (a control byte becomes a space), for a log line.
std::string bounded(std::string_view text) {
  std::string line(text.substr(0, kLoggedBytes));
  for (char& c : line) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return text.size() <= kLoggedBytes ? line : line + "...";
}

std::vector<std::string> namesOf(const Config& config) {
  std::vector<std::string> names;
  for (const Site& site : config.sites) names.push_back(site.name);
  return names;
}

}  // namespace

ClientAddress describeClient(const sockaddr_storage& client) {
  char text[INET6_ADDRSTRLEN] = "";
  if (client.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(client);
    ::inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
    return {text, ntohs(v6.sin6_port)};
  }
  const auto& v4 = reinterpret_cast<const sockaddr_in&>(client);
  ::inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
  return {text, ntohs(v4.sin_port)};
}

Router::Router(const Config& config)
    : sites_(namesOf(config), config.defaultSite), routeTimeout_(config.routeTimeout) {
  for (std::size_t i = 0; i < config.sites.size(); ++i)
    byName_.emplace(lowerCase(config.sites[i].name), i);
  if (config.hasRoute) lua_ = config.lua;
}

std::unique_ptr<LuaCoroutine> Router::newRun(EventLoop& loop) const {
  return std::make_unique<LuaCoroutine>(loop, lua_);
}

void Router::startRoute(LuaCoroutine& run, const RequestHead& head, const ClientAddress& client,
                        Routed routed) {
  // The host outlives this call: the coroutine is made, and route is given its table, in start().
  const std::string host = normaliseHost(head.authority);
  RouteCall call{&head, &host, &client};
  run.start(pushRoute, &call, [this, &head, routed = std::move(routed)](const auto& result) {
    routed(this->routed(head, result, LogEpisode::Clock::now()));
  });
}

Destination Router::byHost(const RequestHead& head) const {
  return {sites_.match(normaliseHost(head.authority)), std::nullopt};
}

// What route came to: its site or backend, or the Host's site when it said nil or failed (one
// line per episode).
Destination Router::routed(const RequestHead& head, const CoroutineResult& result,
                           LogEpisode::Clock::time_point now) {
  overrunsInRow_ = result.overrun == Overrun::kNone ? 0 : overrunsInRow_ + 1;
  std::string error;
  if (!result.returned) {
    error = "route failed: " + bounded(result.error);
  } else if (result.type != "string" && !result.nil) {
    error = "route returned a " + result.type + ", not a site's name, \"host:port\" or nil";
  } else if (result.value.empty()) {
    return byHost(head);  // nil (or ""): match by Host, as asked
  } else if (const auto it = byName_.find(lowerCase(result.value)); it != byName_.end()) {
    return {it->second, std::nullopt};
  } else if (auto backend = numericHostPort(result.value)) {
    return {std::nullopt, std::move(backend)};
  } else {
    error = "route returned \"" + bounded(result.value) +
            "\", which is neither one of the sites nor a numeric \"host:port\"";
  }
  if (routeErrors_.begins(now))
    log() << error << "; this request goes by Host instead" << routeErrors_.heldBack();
  if (overrunsInRow_ == kOverrunsToSwitchOff) {  // once, though runs still under way may add
    log() << "route overran its limits " << kOverrunsToSwitchOff
          << " times in a row: switched off until the next reload; every request goes by Host";
  }
  return byHost(head);
}

}  // namespace rsp
