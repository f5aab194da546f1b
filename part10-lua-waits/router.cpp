// part10-lua-waits/router.cpp — part 10: which site a request goes to. See router.h.
//
// As in chooser.cpp: a Lua error longjmps over C++ frames, so every call into Lua happens in
// callRoute(), which makes no C++ objects and runs under lua_pcall; it reads the request
// through a plain struct of pointers and leaves route's answer on the stack.
#include "router.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <lua.hpp>
#include <vector>

#include "common/log.h"
#include "http_syntax.h"
#include "lua_limits.h"

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

// Runs under lua_pcall with a RouteCall as a light userdata; returns route's one result.
int callRoute(lua_State* lua) {
  const RouteCall* call = static_cast<const RouteCall*>(lua_touserdata(lua, 1));
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
  lua_call(lua, 1, 1);
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

bool LuaRouter::route(const RequestHead& head, const std::string& host, const ClientAddress& client,
                      std::string& site, std::string& error) {
  lua_State* lua = lua_.get();
  RouteCall call{&head, &host, &client};
  lua_pushcfunction(lua, callRoute);
  lua_pushlightuserdata(lua, &call);
  Overrun overrun = Overrun::kNone;
  const bool called = boundedCall(lua, 1, 1, overrun) == LUA_OK;
  overrunsInRow_ = overrun == Overrun::kNone ? 0 : overrunsInRow_ + 1;
  // Only plain values are read from here on (lua_tolstring of a string does not allocate).
  const int type = lua_type(lua, -1);
  std::size_t length = 0;
  const char* text = type == LUA_TSTRING ? lua_tolstring(lua, -1, &length) : nullptr;
  if (!called) {
    error = "route failed: ";
    error += overrun == Overrun::kMemory ? "it used more memory than luaMemoryLimit allows"
             : text != nullptr           ? bounded({text, length})
                                         : "an error that is not a string";
  } else if (type == LUA_TSTRING) {
    site.assign(text, length);
  } else if (type == LUA_TNIL) {
    site.clear();
  } else {
    error =
        std::string("route returned a ") + lua_typename(lua, type) + ", not a site's name or nil";
  }
  lua_settop(lua, 0);
  return called && (type == LUA_TSTRING || type == LUA_TNIL);
}

Router::Router(const Config& config) : sites_(namesOf(config), config.defaultSite) {
  for (std::size_t i = 0; i < config.sites.size(); ++i)
    byName_.emplace(lowerCase(config.sites[i].name), i);
  if (config.hasRoute && config.lua) lua_.emplace(config.lua);
}

std::optional<std::size_t> Router::siteFor(const RequestHead& head, const ClientAddress& client,
                                           LogEpisode::Clock::time_point now) {
  const std::string host = normaliseHost(head.authority);
  if (lua_ && !lua_->switchedOff()) {
    if (const auto site = byRoute(head, host, client, now)) return site;
  }
  return sites_.match(host);
}

// route's site, or nullopt to go by Host: it said nil, or it failed (one line per episode).
std::optional<std::size_t> Router::byRoute(const RequestHead& head, const std::string& host,
                                           const ClientAddress& client,
                                           LogEpisode::Clock::time_point now) {
  std::string site, error;
  if (lua_->route(head, host, client, site, error)) {
    if (site.empty()) return std::nullopt;  // nil (or ""): match by Host, as asked
    if (const auto it = byName_.find(lowerCase(site)); it != byName_.end()) return it->second;
    error = "route returned \"" + bounded(site) + "\", which is not one of the sites";
  }
  if (routeErrors_.begins(now))
    log() << error << "; this request goes by Host instead" << routeErrors_.heldBack();
  if (lua_->switchedOff()) {
    log() << "route overran its limits " << LuaRouter::kOverrunsToSwitchOff
          << " times in a row: switched off until the next reload; every request goes by Host";
  }
  return std::nullopt;
}

}  // namespace rsp
