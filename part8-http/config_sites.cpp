// part8-http/config_sites.cpp — part 8: reading the sites of a config file.
// See config.h for the settings, config_lua.h for how they come off the stack, and
// config_backends.cpp for how each site's list of backends is read.
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
