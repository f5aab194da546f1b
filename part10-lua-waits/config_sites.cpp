// part10-lua-waits/config_sites.cpp — part 10: reading the sites of a config file, and every list of
// backends in it. See config.h for the settings, config_lua.h for how they come off the stack.
// (New in part 8, split from config.cpp; part 7 reads its one list of backends there.)
//
//   sites        a table of sites by name, each { backends = {...}, balance, checkInterval }:
//                a part 6 pool per site, its names those nginx takes as server_name (sites.h)
//   defaultSite  the name of one of them, for a Host no site names
//   backends     or backendAddress and backendPort: a part 7 file, one site for every Host
#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "config_lua.h"
#include "http_syntax.h"
#include "sites.h"

namespace rsp::config_lua {
namespace {

// "host:port" or "[v6 address]:port".
BackendAddress parseHostPort(const std::string& text, const std::string& name,
                             const std::string& path) {
  const std::size_t colon = text.rfind(':');
  const std::string port = colon == text.npos ? "" : text.substr(colon + 1);
  std::string host = colon == text.npos ? "" : text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const bool digits =
      !port.empty() && port.size() <= 5 && port.find_first_not_of("0123456789") == port.npos;
  if (host.empty() || !digits || std::stoi(port) < 1 || std::stoi(port) > 65535) {
    throw ConfigError(path + ": " + name + " must be \"host:port\" with a port of 1-65535, not \"" +
                      text + "\"");
  }
  return {host, static_cast<std::uint16_t>(std::stoi(port))};
}

// One entry of a list of backends: its three values start at `at` (see pushEntries()).
BackendAddress readEntry(lua_State* lua, int at, const std::string& list, int number,
                         const std::string& path) {
  const std::string name = list + "[" + std::to_string(number) + "]";
  if (lua_type(lua, at) == LUA_TSTRING) return parseHostPort(lua_tostring(lua, at), name, path);
  if (lua_type(lua, at) != LUA_TTABLE) {
    throw ConfigError(path + ": " + name +
                      " must be \"host:port\" or { address = ..., port = ... }, not " +
                      describe(lua, at));
  }
  return {readAddress(lua, at + 1, (name + ".address").c_str(), path),
          readPort(lua, at + 2, (name + ".port").c_str(), 1, path)};
}

// The list of backends at `list`, whose count pushEntries() left at `at`: moves `at` past it.
std::vector<BackendAddress> readBackendList(lua_State* lua, int list, int& at,
                                            const std::string& name, const std::string& path) {
  const lua_Integer count = lua_tointeger(lua, at++);
  if (lua_type(lua, list) != LUA_TTABLE || count < 1) {
    throw ConfigError(path + ": " + name + " must be a list of one or more backends, not " +
                      (lua_type(lua, list) == LUA_TTABLE ? "an empty list" : describe(lua, list)));
  }
  std::vector<BackendAddress> backends;
  for (; static_cast<lua_Integer>(backends.size()) < count; at += 3) {
    backends.push_back(readEntry(lua, at, name, static_cast<int>(backends.size()) + 1, path));
  }
  return backends;
}

std::vector<BackendAddress> readBackends(lua_State* lua, const std::string& path) {
  const bool single = !lua_isnil(lua, kBackendAddress) || !lua_isnil(lua, kBackendPort);
  if (lua_isnil(lua, kBackends)) {  // a config file from part 3, 4 or 5: one backend
    return {{readAddress(lua, kBackendAddress, "backendAddress", path),
             readPort(lua, kBackendPort, "backendPort", 1, path)}};
  }
  if (single) {
    throw ConfigError(path + ": set either backends or backendAddress and backendPort, not both");
  }
  int at = kBackendCount;
  return readBackendList(lua, kBackends, at, "backends", path);
}

// One site, whose six values runConfig() left from `at` on (see pushSites()): moves `at` past
// it. Its balance and checkInterval default to the top level's, in `defaults`.
Site readSite(lua_State* lua, int& at, const PoolSettings& defaults, const std::string& path) {
  if (lua_type(lua, at) != LUA_TSTRING) {
    throw ConfigError(path + ": sites must map names to sites, as [\"a.test\"] = { ... }, not " +
                      describe(lua, at) + " to a site");
  }
  Site site{lua_tostring(lua, at), defaults};
  const std::string name = "sites[\"" + site.name + "\"]";
  if (lua_type(lua, at + 1) != LUA_TTABLE) {
    throw ConfigError(path + ": " + name + " must be a table such as { backends = { ... } }, not " +
                      describe(lua, at + 1));
  }
  const int fields = at + 2;
  if (lua_isnil(lua, fields)) throw ConfigError(path + ": " + name + ".backends is not set");
  at += 5;
  site.pool.backends = readBackendList(lua, fields, at, name + ".backends", path);
  site.pool.balance = readBalance(lua, fields + 1, name + ".balance", defaults.balance, path);
  site.pool.checkInterval = readSeconds(lua, fields + 2, (name + ".checkInterval").c_str(),
                                        defaults.checkInterval, path, true);
  return site;
}

// Every site, from `at` to the top of the stack, sorted by name; the names must be ones nginx
// would take as server_name (sites.h), each once.
std::vector<Site> readSites(lua_State* lua, int at, const PoolSettings& defaults,
                            const std::string& path) {
  if (!lua_isnil(lua, kBackends) || !lua_isnil(lua, kBackendAddress) ||
      !lua_isnil(lua, kBackendPort)) {
    throw ConfigError(path + ": set either sites or backends (or backendAddress), not both");
  }
  if (lua_type(lua, kSites) != LUA_TTABLE || at > lua_gettop(lua)) {
    throw ConfigError(
        path + ": sites must be a table of one or more sites, not " +
        (lua_type(lua, kSites) == LUA_TTABLE ? "an empty table" : describe(lua, kSites)));
  }
  std::vector<Site> sites;
  while (at <= lua_gettop(lua)) sites.push_back(readSite(lua, at, defaults, path));
  std::sort(sites.begin(), sites.end(),
            [](const Site& a, const Site& b) { return a.name < b.name; });
  std::vector<std::string> names;
  for (const Site& site : sites) names.push_back(site.name);
  try {
    Sites check(names);
  } catch (const std::invalid_argument& error) {
    throw ConfigError(path + ": sites: " + error.what());
  }
  return sites;
}

// defaultSite names one of the sites (any case, as Host does); only a file with sites sets it.
std::optional<std::size_t> readDefaultSite(lua_State* lua, const std::vector<Site>& sites,
                                           const std::string& path) {
  if (lua_isnil(lua, kDefaultSite)) return std::nullopt;
  if (lua_isnil(lua, kSites)) {
    throw ConfigError(path +
                      ": defaultSite needs sites (without sites, one site takes every Host)");
  }
  const std::string name =
      lua_type(lua, kDefaultSite) == LUA_TSTRING ? lowerCase(lua_tostring(lua, kDefaultSite)) : "";
  for (std::size_t i = 0; i < sites.size(); ++i) {
    if (!name.empty() && lowerCase(sites[i].name) == name) return i;
  }
  throw ConfigError(path + ": defaultSite must be the name of one of the sites, not " +
                    describe(lua, kDefaultSite));
}

}  // namespace

// Each entry of the list at `list` as three values: the entry, then its address and port fields
// (nil unless it is a table), after their count; so the C++ side reads plain values and never
// calls into Lua. A list that is not a table counts 0 entries.
void pushEntries(lua_State* lua, int list) {
  const lua_Integer count = lua_istable(lua, list) ? luaL_len(lua, list) : 0;
  luaL_checkstack(lua, 1, "too many backends");
  lua_pushinteger(lua, count);
  for (lua_Integer i = 1; i <= count; ++i) {
    luaL_checkstack(lua, 3, "too many backends");
    const bool isTable = lua_geti(lua, list, i) == LUA_TTABLE;
    if (isTable)
      lua_getfield(lua, -1, "address");
    else
      lua_pushnil(lua);
    if (isTable)
      lua_getfield(lua, -2, "port");
    else
      lua_pushnil(lua);
  }
}

// Each site as six values: its name, the site, its backends, balance and checkInterval fields
// (nil unless the site is a table), then its entries (pushEntries). The names are gathered
// first, since lua_next needs its key on top of the stack.
void pushSites(lua_State* lua) {
  lua_newtable(lua);
  const int names = lua_gettop(lua);
  lua_Integer count = 0;
  for (lua_pushnil(lua); lua_next(lua, kSites) != 0;) {
    lua_pop(lua, 1);         // the site: read again below
    lua_pushvalue(lua, -1);  // the name, once to keep and once for lua_next
    lua_rawseti(lua, names, ++count);
  }
  for (lua_Integer i = 1; i <= count; ++i) {
    luaL_checkstack(lua, 6, "too many sites");
    lua_rawgeti(lua, names, i);
    lua_rawgeti(lua, names, i);
    const int site = lua_gettop(lua);
    const bool isTable = lua_rawget(lua, kSites) == LUA_TTABLE;
    for (const char* field : {"backends", "balance", "checkInterval"}) {
      if (isTable)
        lua_getfield(lua, site, field);
      else
        lua_pushnil(lua);
    }
    pushEntries(lua, site + 1);
  }
  lua_remove(lua, names);
}

// The sites of a file with `sites`, or the one site of a part 7 file: "default", the default.
void readSiteSettings(lua_State* lua, Config& config, PoolSettings defaults,
                      const std::string& path) {
  if (lua_isnil(lua, kSites)) {
    defaults.backends = readBackends(lua, path);
    config.sites = {{"default", defaults}};
    readDefaultSite(lua, config.sites, path);  // only to refuse one
    config.defaultSite = 0;
    return;
  }
  const int firstSite = kBackendCount + 1 + 3 * static_cast<int>(lua_tointeger(lua, kBackendCount));
  config.sites = readSites(lua, firstSite, defaults, path);
  config.defaultSite = readDefaultSite(lua, config.sites, path);
}

}  // namespace rsp::config_lua
