// tests/unit/config_sites_test.cpp — part 8: sites in the config file. A file with sites gives
// each its own pool settings; a part 7 file still makes one site that takes every Host; and
// every bad value is one line that names the setting.
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "config.h"

using namespace std::chrono_literals;

namespace {

// Writes `lua` to a fresh file and loads it; the file is removed again.
rsp::Config load(const std::string& lua) {
  std::string dir = (std::filesystem::temp_directory_path() / "rsp-config-XXXXXX").string();
  REQUIRE(::mkdtemp(dir.data()) != nullptr);
  const std::string path = dir + "/rsp.lua";
  std::ofstream(path) << lua;
  struct Remove {
    std::string dir;
    ~Remove() { std::filesystem::remove_all(dir); }
  } remove{dir};
  return rsp::loadConfig(path);
}

// The message loading `lua` fails with, or "" if it loads.
std::string errorOf(const std::string& lua) {
  try {
    load(lua);
  } catch (const rsp::ConfigError& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("sites: each its own backends, balance and checkInterval defaulting to the top level's",
          "[config-sites]") {
  const rsp::Config config = load(R"(
listenPort = 0
balance = "leastconn"
checkInterval = 5
sites = {
  ["mail.*"] = { backends = { "127.0.0.1:8004" }, checkInterval = 0 },
  ["A.test"] = { backends = { "127.0.0.1:8001", { address = "::1", port = 8002 } } },
  ["*.b.test"] = { backends = { "127.0.0.1:8003" }, balance = "roundrobin" },
}
defaultSite = "a.TEST"
maxHeadSize = 4096
headerTimeout = 1.5
function route(request) return nil end
)");
  REQUIRE(config.sites.size() == 3);
  CHECK(config.sites[0].name == "*.b.test");  // sorted by name
  CHECK(config.sites[1].name == "A.test");
  CHECK(config.sites[2].name == "mail.*");
  CHECK(config.defaultSite == 1u);
  const rsp::PoolSettings& a = config.sites[1].pool;
  REQUIRE(a.backends.size() == 2);
  CHECK(a.backends[1].host == "::1");
  CHECK(a.backends[1].port == 8002);
  CHECK(a.balance == rsp::Balance::kLeastConnections);
  CHECK(a.checkInterval == 5000ms);
  CHECK(config.sites[0].pool.balance == rsp::Balance::kRoundRobin);
  CHECK(config.sites[2].pool.checkInterval == 0ms);
  CHECK(config.maxHeadSize == 4096);
  CHECK(config.headerTimeout == 1500ms);
  CHECK(config.hasRoute);
  CHECK(config.lua != nullptr);
  CHECK(a.lua == nullptr);  // no chooseBackend
}

TEST_CASE("a part 7 file makes one site, the default, and the head's defaults hold",
          "[config-sites]") {
  const rsp::Config config = load(
      "listenPort = 0\nbackends = { '127.0.0.1:8001', '127.0.0.1:8002' }\nbalance = 'leastconn'\n"
      "connectTimeout = 2\nfunction chooseBackend(client) return 1 end\n");
  REQUIRE(config.sites.size() == 1);
  CHECK(config.sites[0].name == "default");
  CHECK(config.defaultSite == 0u);
  CHECK(config.sites[0].pool.backends.size() == 2);
  CHECK(config.sites[0].pool.balance == rsp::Balance::kLeastConnections);
  CHECK(config.sites[0].pool.timeouts.connect == 2000ms);
  CHECK(config.sites[0].pool.lua == config.lua);  // chooseBackend chooses within the site
  CHECK(config.maxHeadSize == 16384);
  CHECK(config.headerTimeout == 10000ms);
  CHECK_FALSE(config.hasRoute);
  const rsp::Config single =
      load("listenPort = 0\nbackendAddress = 'localhost'\nbackendPort = 80\n");
  CHECK(single.sites.size() == 1);
  CHECK(single.lua == nullptr);
}

TEST_CASE("without defaultSite there is no default", "[config-sites]") {
  const rsp::Config config =
      load("listenPort = 0\nsites = { ['a.test'] = { backends = { '127.0.0.1:1' } } }\n");
  CHECK_FALSE(config.defaultSite.has_value());
}

TEST_CASE("a bad site setting is one line naming it", "[config-sites]") {
  const std::string site = "sites = { ['a.test'] = { backends = { '127.0.0.1:1' } } }\n";
  const auto [lua, says] = GENERATE_REF(table<std::string, std::string>({
      {"sites = 'a.test'", "sites must be a table"},
      {"sites = {}", "sites must be a table of one or more sites, not an empty table"},
      {"sites = { { backends = { '127.0.0.1:1' } } }", "sites must map names to sites"},
      {"sites = { ['a.test'] = '127.0.0.1:1' }", "sites[\"a.test\"] must be a table"},
      {"sites = { ['a.test'] = {} }", "sites[\"a.test\"].backends is not set"},
      {"sites = { ['a.test'] = { backends = {} } }", "sites[\"a.test\"].backends must be a list"},
      {"sites = { ['a.test'] = { backends = { 42 } } }", "sites[\"a.test\"].backends[1] must be"},
      {"sites = { ['a.test'] = { backends = { { address = 'x' } } } }",
       "sites[\"a.test\"].backends[1].port is not set"},
      {"sites = { ['a.test'] = { backends = { 'x:1' }, balance = 'random' } }",
       "sites[\"a.test\"].balance must be"},
      {"sites = { ['a.test'] = { backends = { 'x:1' }, checkInterval = -1 } }",
       "sites[\"a.test\"].checkInterval must be"},
      {"sites = { ['w*.a.test'] = { backends = { 'x:1' } } }", "sites: site name \"w*.a.test\""},
      {"sites = { ['.a.test'] = { backends = { 'x:1' } } }", "sites: site name \".a.test\""},
      {"sites = { ['a.test'] = { backends = { 'x:1' } }, ['A.TEST'] = { backends = { 'x:1' } } }",
       "given twice"},
      {site + "backends = { '127.0.0.1:1' }", "set either sites or backends"},
      {site + "backendAddress = 'x' backendPort = 1", "set either sites or backends"},
      {site + "defaultSite = 'b.test'", "defaultSite must be the name of one of the sites"},
      {site + "defaultSite = 1", "defaultSite must be the name of one of the sites, not 1"},
      {"backends = { '127.0.0.1:1' } defaultSite = 'default'", "defaultSite needs sites"},
      {site + "maxHeadSize = 100", "maxHeadSize must be a whole number of bytes"},
      {site + "maxHeadSize = 4096.5", "maxHeadSize must be"},
      {site + "maxHeadSize = '4096'", "maxHeadSize must be"},
      {site + "headerTimeout = 0", "headerTimeout must be a number of seconds"},
      {site + "headerTimeout = 'soon'", "headerTimeout must be"},
      {site + "route = 'a.test'", "route must be a function, not \"a.test\""},
  }));
  INFO("config: " << lua);
  const std::string error = errorOf("listenPort = 0\n" + lua + "\n");
  CHECK_THAT(error, Catch::StartsWith("Error parsing config file: ") && Catch::Contains(says));
  CHECK(error.find('\n') == std::string::npos);
}
