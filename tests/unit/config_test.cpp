// tests/unit/config_test.cpp — the Lua config loader of parts 3 and 4 (config.h), on its own:
// every error a person can make gets one line naming the file, the setting, or the Lua line.
#include <catch2/catch.hpp>
#include <string>

#include "config.h"
#include "launch.h"

using rsp::ConfigError;
using rsp::loadConfig;

namespace {

// Writes `lua` to a file and loads it.
rsp::Config load(const std::string& lua) {
  const rsp::test::TempDir dir;
  return loadConfig(dir.write("rsp.lua", lua).string());
}

// The error loading `lua` gives, with the temporary file's path replaced by FILE.
std::string errorFor(const std::string& lua) {
  const rsp::test::TempDir dir;
  const std::string path = dir.write("rsp.lua", lua).string();
  try {
    loadConfig(path);
  } catch (const ConfigError& error) {
    std::string text = error.what();
    for (std::size_t at; (at = text.find(path)) != std::string::npos;)
      text.replace(at, path.size(), "FILE");
    return text;
  }
  return "(no error)";
}

const std::string kRest = "\nbackendAddress = 'localhost'\nbackendPort = 8888\n";

}  // namespace

TEST_CASE("integers and strings both make ports", "[config]") {
  const rsp::Config config =
      load("listenPort = 8000\nbackendAddress = '10.0.0.1'\nbackendPort = '8888'\n");
  CHECK(config.listenPort == 8000);
  CHECK(config.backendAddress == "10.0.0.1");
  CHECK(config.backendPort == 8888);
}

TEST_CASE("settings may be computed, and the standard libraries are there", "[config]") {
  const rsp::Config config = load(
      "local base = 8000\n"
      "listenPort = base + 80\n"
      "backendAddress = string.format('%s.%d', '127.0.0', 1)\n"
      "backendPort = os.getenv('RSP_SURELY_UNSET_VARIABLE') or math.floor(9000.0)\n");
  CHECK(config.listenPort == 8080);
  CHECK(config.backendAddress == "127.0.0.1");
  CHECK(config.backendPort == 9000);
}

TEST_CASE("listenPort 0 means any free port", "[config]") {
  CHECK(load("listenPort = 0" + kRest).listenPort == 0);
}

TEST_CASE("a file that does not exist", "[config]") {
  CHECK_THROWS_WITH(loadConfig("/nonexistent/rsp.lua"),
                    "Error parsing config file: cannot open /nonexistent/rsp.lua: "
                    "No such file or directory");
}

TEST_CASE("a syntax error names the file and the line", "[config]") {
  CHECK(errorFor("listenPort = 8000\nbackendAddress = = 'x'\n") ==
        "Error parsing config file: FILE:2: unexpected symbol near '='");
}

TEST_CASE("an error raised while the config runs names the file and the line", "[config]") {
  CHECK(errorFor("listenPort = 8000\n\nerror('no backend configured')\n") ==
        "Error parsing config file: FILE:3: no backend configured");
  CHECK(errorFor("listenPort = nil + 1\n") ==
        "Error parsing config file: FILE:1: attempt to perform arithmetic on a nil value");
  CHECK(errorFor("error({})\n") ==
        "Error parsing config file: FILE: the config raised an error that is a table");
}

TEST_CASE("a missing setting is named", "[config]") {
  CHECK(errorFor("backendAddress = 'x'\nbackendPort = 1\n") ==
        "Error parsing config file: FILE: listenPort is not set");
  CHECK(errorFor("listenPort = 1\nbackendPort = 1\n") ==
        "Error parsing config file: FILE: backendAddress is not set");
  CHECK(errorFor("listenPort = 1\nbackendAddress = 'x'\n") ==
        "Error parsing config file: FILE: backendPort is not set");
}

TEST_CASE("a port of the wrong type is named, with what it was", "[config]") {
  const std::string listen =
      "Error parsing config file: FILE: listenPort must be a port number "
      "(0-65535, 0 for any free port) or a string holding one, not ";
  CHECK(errorFor("listenPort = {}" + kRest) == listen + "a table");
  CHECK(errorFor("listenPort = true" + kRest) == listen + "a boolean");
  CHECK(errorFor("listenPort = 8080.5" + kRest) == listen + "the fraction 8080.5");
  CHECK(errorFor("listenPort = 'http'" + kRest) == listen + "\"http\"");
  CHECK(errorFor("listenPort = '-1'" + kRest) == listen + "\"-1\"");
}

TEST_CASE("a port out of range is named", "[config]") {
  CHECK(errorFor("listenPort = 65536" + kRest) ==
        "Error parsing config file: FILE: listenPort must be a port number "
        "(0-65535, 0 for any free port) or a string holding one, not 65536");
  CHECK(errorFor("listenPort = 1\nbackendAddress = 'x'\nbackendPort = 0\n") ==
        "Error parsing config file: FILE: backendPort must be a port number "
        "(1-65535) or a string holding one, not 0");
  CHECK(errorFor("listenPort = 1\nbackendAddress = 'x'\nbackendPort = '70000'\n") ==
        "Error parsing config file: FILE: backendPort must be a port number "
        "(1-65535) or a string holding one, not \"70000\"");
}

TEST_CASE("the backend's address must be a non-empty string", "[config]") {
  CHECK(errorFor("listenPort = 1\nbackendAddress = 127\nbackendPort = 1\n") ==
        "Error parsing config file: FILE: backendAddress must be a host name or address in "
        "a string, not 127");
  CHECK(errorFor("listenPort = 1\nbackendAddress = ''\nbackendPort = 1\n") ==
        "Error parsing config file: FILE: backendAddress must be a host name or address in "
        "a string, not \"\"");
}
