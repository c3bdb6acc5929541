#include "core/cookies/netscape_file.hpp"

#include <array>
#include <charconv>
#include <limits>
#include <optional>

namespace hipp::cookies {

namespace {

constexpr std::string_view kHttpOnlyPrefix = "#HttpOnly_";

std::optional<bool> parse_bool(std::string_view s) {
  if (s == "TRUE") return true;
  if (s == "FALSE") return false;
  return std::nullopt;
}

std::optional<Cookie> parse_line(std::string_view line) {
  Cookie c;
  if (line.substr(0, kHttpOnlyPrefix.size()) == kHttpOnlyPrefix) {
    c.http_only = true;
    line.remove_prefix(kHttpOnlyPrefix.size());
  }
  std::array<std::string_view, 7> f{};
  std::size_t n = 0;
  for (;;) {
    const std::size_t tab = line.find('\t');
    if (n == f.size()) return std::nullopt;  // more than seven fields
    f[n++] = line.substr(0, tab);
    if (tab == std::string_view::npos) break;
    line.remove_prefix(tab + 1);
  }
  if (n < 6) return std::nullopt;
  auto subdomains = parse_bool(f[1]);
  auto secure = parse_bool(f[3]);
  if (!subdomains || !secure) return std::nullopt;
  std::int64_t expiry = 0;
  if (auto [p, ec] = std::from_chars(f[4].data(), f[4].data() + f[4].size(), expiry);
      ec != std::errc{} || p != f[4].data() + f[4].size()) {
    return std::nullopt;
  }
  std::string_view domain = f[0];
  if (!domain.empty() && domain.front() == '.') domain.remove_prefix(1);
  if (domain.empty() || f[2].empty() || f[5].empty()) return std::nullopt;
  c.domain = std::string(domain);
  c.host_only = !*subdomains;
  c.path = std::string(f[2]);
  c.secure = *secure;
  if (expiry != 0) c.expiry = expiry;
  c.name = std::string(f[5]);
  if (n == 7) c.value = std::string(f[6]);
  return c;
}

bool representable(const Cookie& c) {
  auto clean = [](std::string_view f) { return f.find_first_of("\t\r\n") == std::string_view::npos; };
  return !c.name.empty() && !c.domain.empty() && !c.path.empty() && clean(c.name) && clean(c.value) &&
         clean(c.domain) && clean(c.path);
}

}  // namespace

NetscapeParse read_netscape(std::string_view content) {
  NetscapeParse out;
  while (!content.empty()) {
    const std::size_t eol = content.find('\n');
    std::string_view line = content.substr(0, eol);
    content = eol == std::string_view::npos ? std::string_view{} : content.substr(eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    if (line.front() == '#' && line.substr(0, kHttpOnlyPrefix.size()) != kHttpOnlyPrefix) continue;
    if (auto c = parse_line(line)) {
      out.cookies.push_back(std::move(*c));
    } else {
      ++out.skipped;
    }
  }
  return out;
}

std::string write_netscape(const std::vector<Cookie>& cookies) {
  std::string out =
      "# Netscape HTTP Cookie File\n"
      "# Written by hipp; the format of curl's -c. Edit at your own risk.\n\n";
  for (const Cookie& c : cookies) {
    if (!representable(c)) continue;
    if (c.http_only) out += kHttpOnlyPrefix;
    if (!c.host_only) out += '.';
    out += c.domain;
    out += c.host_only ? "\tFALSE\t" : "\tTRUE\t";
    out += c.path;
    out += c.secure ? "\tTRUE\t" : "\tFALSE\t";
    // A cookie that expires at or before the epoch is written as 1 second, not 0 (0 means a session one).
    out += std::to_string(c.expiry ? std::max<std::int64_t>(*c.expiry, 1) : 0);
    out += '\t';
    out += c.name;
    out += '\t';
    out += c.value;
    out += '\n';
  }
  return out;
}

}  // namespace hipp::cookies
