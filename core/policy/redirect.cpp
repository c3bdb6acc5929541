#include "core/policy/redirect.hpp"

#include <algorithm>
#include <utility>

#include "core/message/method.hpp"
#include "core/message/status.hpp"

namespace hipp::policy {

namespace {

constexpr std::size_t kMaxQuotedLocation = 200;

std::string_view trim_ows(std::string_view s) {
  // RFC 9110 §5.6.3: OWS is spaces and tabs.
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The Location for an error detail: control bytes shown as escapes (the detail may be logged), cut short.
std::string quote(std::string_view location) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "\"";
  for (std::size_t i = 0; i < location.size() && i < kMaxQuotedLocation; ++i) {
    const auto c = static_cast<unsigned char>(location[i]);
    if (c < 0x20 || c == 0x7F) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += location.size() > kMaxQuotedLocation ? "\"..." : "\"";
  return out;
}

// Removes every field named `name`, noting the name (as the request spelled it) once in `stripped`.
void strip(Headers& headers, std::string_view name, std::vector<std::string>& stripped) {
  const auto it =
      std::find_if(headers.begin(), headers.end(), [name](const HeaderField& f) { return iequals(f.name, name); });
  if (it == headers.end()) return;
  std::string spelled(it->name);
  headers.remove(name);
  stripped.push_back(std::move(spelled));
}

bool is_http_scheme(std::string_view scheme) { return scheme == "http" || scheme == "https"; }

// Where the hop goes: Location resolved, checked, and given the current fragment if it has none.
Result<url::Url> target_of(const url::Url& base, std::string_view location) {
  auto resolved = url::resolve(base, location);
  if (!resolved) {
    return fail(ErrorCode::invalid_url, "redirect Location " + quote(location) + ": " + resolved.error().detail);
  }
  url::Url target = std::move(*resolved);
  if (!is_http_scheme(target.scheme)) {
    return fail(ErrorCode::invalid_url,
                "redirect Location " + quote(location) + ": scheme '" + target.scheme + "' is not http or https");
  }
  if (target.host.empty()) {
    return fail(ErrorCode::invalid_url, "redirect Location " + quote(location) + ": no host");
  }
  // RFC 9110 §10.2.2: a Location without a fragment inherits the one of the request's target.
  if (!target.fragment) target.fragment = base.fragment;
  return target;
}

struct MethodRule {
  std::string method;
  bool drop_body;
};

// The method table of the header comment (RFC 9110 §15.4).
MethodRule method_rule(int status, std::string_view method) {
  // Methods are case-sensitive (RFC 9110 §9.1): "post" is not POST.
  if (status == 303) return {std::string(method == method::HEAD ? method::HEAD : method::GET), true};
  if ((status == 301 || status == 302) && method == method::POST) return {std::string(method::GET), true};
  return {std::string(method), false};
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

std::string describe_reason(int status, std::string_view old_method, const RedirectPlan& plan,
                            const std::vector<std::string>& stripped_cross_origin) {
  std::string out = std::to_string(status);
  if (const auto phrase = status::reason_phrase(status); !phrase.empty()) {
    out += ' ';
    out += phrase;
  }
  out += ": ";
  if (old_method != plan.method) {
    out += old_method;
    out += " → ";
  }
  out += plan.method;
  out += ' ';
  out += plan.url.to_string(false);
  std::vector<std::string> notes;
  if (plan.drop_body) notes.emplace_back("body dropped");
  if (plan.downgrade) notes.emplace_back("https → http: credentials removed");
  if (plan.cross_origin) {
    notes.push_back(stripped_cross_origin.empty() ? std::string("cross-origin")
                                                  : "cross-origin, stripped " + join(stripped_cross_origin));
  }
  if (!notes.empty()) {
    out += " (";
    for (std::size_t i = 0; i < notes.size(); ++i) {
      if (i > 0) out += "; ";
      out += notes[i];
    }
    out += ')';
  }
  return out;
}

}  // namespace

bool is_redirect_status(int status) noexcept { return status::is_redirect(status); }

bool same_origin(const url::Url& a, const url::Url& b) {
  return iequals(a.scheme, b.scheme) && iequals(a.host, b.host) && a.effective_port() == b.effective_port();
}

Result<std::optional<RedirectPlan>> plan_redirect(const RedirectRequest& current, int status,
                                                  const Headers& response_headers,
                                                  const std::vector<std::string>& remove_headers_on_redirect) {
  if (!is_redirect_status(status)) return std::optional<RedirectPlan>{};
  if (current.url.scheme.empty()) return fail(ErrorCode::invalid_url, "redirected request URL has no scheme");

  const auto locations = response_headers.get_all("Location");
  if (locations.empty()) return std::optional<RedirectPlan>{};
  const std::string_view location = trim_ows(locations.front());
  for (const auto other : locations) {
    if (trim_ows(other) != location) {
      return fail(ErrorCode::invalid_url,
                  "conflicting Location fields " + quote(location) + " and " + quote(trim_ows(other)));
    }
  }
  if (location.empty()) return std::optional<RedirectPlan>{};

  auto target = target_of(current.url, location);
  if (!target) return Unexpected{std::move(target).error()};

  auto rule = method_rule(status, current.method);
  if (!rule.drop_body && current.has_body && !current.body_rewindable) {
    return fail(ErrorCode::unrewindable_body, std::to_string(status) + " redirect to " + target->to_string(false) +
                                                  " must resend the request body, which cannot be rewound");
  }

  RedirectPlan plan;
  plan.method = std::move(rule.method);
  plan.url = std::move(*target);
  plan.headers = current.headers;
  plan.drop_body = rule.drop_body;
  plan.cross_origin = !same_origin(current.url, plan.url);
  plan.downgrade = current.url.scheme == "https" && plan.url.scheme == "http";

  if (plan.drop_body) {
    for (const auto name : kBodyHeaders) strip(plan.headers, name, plan.stripped);
  }
  std::vector<std::string> stripped_cross_origin;
  if (plan.cross_origin) {
    const std::size_t before = plan.stripped.size();
    for (const auto name : kCrossOriginHeaders) strip(plan.headers, name, plan.stripped);
    for (const auto& name : remove_headers_on_redirect) strip(plan.headers, name, plan.stripped);
    // An explicit Host names the old origin; the new one comes from the URL.
    strip(plan.headers, "Host", plan.stripped);
    stripped_cross_origin.assign(plan.stripped.begin() + static_cast<std::ptrdiff_t>(before), plan.stripped.end());
  }
  if (plan.downgrade) plan.url.userinfo.reset();

  plan.reason = describe_reason(status, current.method, plan, stripped_cross_origin);
  return std::optional<RedirectPlan>{std::move(plan)};
}

RedirectRequest next_request(const RedirectRequest& current, const RedirectPlan& plan) {
  return RedirectRequest{plan.method, plan.url, plan.headers, current.has_body && !plan.drop_body,
                         current.body_rewindable};
}

namespace {

RedirectChain::Visit visit_of(std::string_view method, const url::Url& url, const Headers& headers) {
  RedirectChain::Visit v{std::string(method), url, headers.get_combined("Cookie")};
  v.url.fragment.reset();  // never on the wire: A#x and A#y are the same request
  return v;
}

bool same_request(const RedirectChain::Visit& a, const RedirectChain::Visit& b) {
  return a.method == b.method && a.url == b.url && a.cookie == b.cookie;
}

std::string path_of(const std::vector<RedirectChain::Visit>& visits) {
  std::string out;
  for (const auto& v : visits) {
    if (!out.empty()) out += " → ";
    out += v.method;
    out += ' ';
    out += v.url.to_string(false);
  }
  return out;
}

}  // namespace

RedirectChain::RedirectChain(const RedirectRequest& first) : RedirectChain(first.method, first.url, first.headers) {}

RedirectChain::RedirectChain(std::string_view method, const url::Url& url, const Headers& headers) {
  visits_.push_back(visit_of(method, url, headers));
}

Result<void> RedirectChain::record(const RedirectPlan& plan) {
  Visit next = visit_of(plan.method, plan.url, plan.headers);
  const auto seen = std::find_if(visits_.begin(), visits_.end(), [&](const Visit& v) { return same_request(v, next); });
  if (seen != visits_.end()) {
    std::vector<Visit> loop(seen, visits_.end());
    loop.push_back(std::move(next));
    return fail(ErrorCode::max_retries, "redirect loop: " + path_of(loop));
  }
  visits_.push_back(std::move(next));
  return {};
}

std::string RedirectChain::describe() const {
  const std::size_t n = hops();
  return std::to_string(n) + (n == 1 ? " redirect: " : " redirects: ") + path_of(visits_);
}

}  // namespace hipp::policy
