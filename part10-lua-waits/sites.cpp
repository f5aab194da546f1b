// part10-lua-waits/sites.cpp — part 10: which site a request is for, the way nginx's server_name says.
#include "sites.h"

#include <stdexcept>

#include "http_syntax.h"

namespace rsp {

std::string normaliseHost(std::string_view authority) {
  std::string_view host = authority;
  if (!host.empty() && host.front() == '[') {
    host = host.substr(0, host.find(']') + 1);  // "[::1]:80" -> "[::1]": colons are the address's
  } else {
    host = host.substr(0, host.find(':'));  // a reg-name or IPv4 has no colon but the port's
    if (!host.empty() && host.back() == '.') host.remove_suffix(1);  // "a.test." is "a.test"
  }
  return lowerCase(host);
}

Sites::Sites(const std::vector<std::string>& names, std::optional<std::size_t> defaultSite)
    : default_(defaultSite) {
  for (std::size_t i = 0; i < names.size(); ++i) add(lowerCase(names[i]), i);
  if (default_ && *default_ >= names.size())
    throw std::invalid_argument("the default site is not one of the sites");
}

void Sites::add(const std::string& name, std::size_t index) {
  const auto star = name.find('*');
  std::unordered_map<std::string, std::size_t>* table = &exact_;
  std::string key = name;
  if (name.starts_with("*.") && name.size() > 2) {  // "*.b.test": stored as ".b.test"
    table = &suffixes_;
    key = name.substr(1);
  } else if (name.ends_with(".*") && name.size() > 2) {  // "mail.*": stored as "mail."
    table = &prefixes_;
    key = name.substr(0, name.size() - 1);
  }
  if (key.find('*') != std::string::npos || (star != std::string::npos && table == &exact_))
    throw std::invalid_argument("site name \"" + name +
                                "\": '*' may only start it as \"*.\" or end it as \".*\"");
  if (key.empty() || (key.front() == '.' && table != &suffixes_))
    throw std::invalid_argument("site name \"" + name +
                                "\": for a name and its subdomains, write two sites, "
                                "\"b.test\" and \"*.b.test\"");
  if (!table->emplace(key, index).second)
    throw std::invalid_argument("site name \"" + name + "\" is given twice");
}

std::optional<std::size_t> Sites::match(std::string_view host) const {
  const std::string name(host);
  if (const auto it = exact_.find(name); it != exact_.end()) return it->second;
  // Suffixes from the longest: ".x.b.test", then ".b.test", ...; a label must come before it.
  for (std::size_t dot = name.find('.', 1); dot != std::string::npos; dot = name.find('.', dot + 1))
    if (const auto it = suffixes_.find(name.substr(dot)); it != suffixes_.end()) return it->second;
  // Prefixes from the longest: "mail.x.", then "mail.", ...; a label must come after it.
  for (std::size_t dot = name.rfind('.', name.size() - 2); dot != std::string::npos && dot > 0;
       dot = name.rfind('.', dot - 1))
    if (const auto it = prefixes_.find(name.substr(0, dot + 1)); it != prefixes_.end())
      return it->second;
  return default_;
}

}  // namespace rsp
