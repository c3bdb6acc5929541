#include <catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/policy/redirect.hpp"

using namespace hipp;
using hipp::policy::plan_redirect;
using hipp::policy::RedirectChain;
using hipp::policy::RedirectPlan;
using hipp::policy::RedirectRequest;

namespace {

url::Url u(std::string_view s) {
  auto parsed = url::parse(s);
  REQUIRE(parsed);
  return *parsed;
}

RedirectRequest request(std::string method, std::string_view url_text, Headers headers = {}) {
  RedirectRequest r;
  r.method = std::move(method);
  r.url = u(url_text);
  r.headers = std::move(headers);
  return r;
}

Headers location(std::string_view value) { return Headers{{"Location", value}}; }

// The plan for a redirect that must be followed.
RedirectPlan follow(const RedirectRequest& current, int status, std::string_view to,
                    const std::vector<std::string>& remove = {}) {
  auto plan = plan_redirect(current, status, location(to), remove);
  if (!plan) FAIL("plan_redirect failed: " << plan.error().message());
  REQUIRE(plan->has_value());
  return **plan;
}

const Headers kCredentials{{"Authorization", "Bearer secret"},
                           {"Cookie", "session=1"},
                           {"Proxy-Authorization", "Basic cHJveHk="},
                           {"X-Api-Key", "k"},
                           {"Accept", "*/*"}};

}  // namespace

TEST_CASE("redirect statuses are 301 302 303 307 308") {
  for (int s = 100; s < 600; ++s) {
    const bool expected = s == 301 || s == 302 || s == 303 || s == 307 || s == 308;
    INFO(s);
    CHECK(policy::is_redirect_status(s) == expected);
  }
}

TEST_CASE("every status x method x body combination") {
  struct Row {
    int status;
    const char* method;
    const char* next;
    bool drop;
  };
  // RFC 9110 §15.4: POST becomes GET on 301/302, everything but HEAD becomes GET on 303, 307/308 keep.
  const std::vector<Row> rows = {
      {301, "GET", "GET", false},         {301, "HEAD", "HEAD", false},     {301, "POST", "GET", true},
      {301, "PUT", "PUT", false},         {301, "DELETE", "DELETE", false}, {301, "PATCH", "PATCH", false},
      {301, "OPTIONS", "OPTIONS", false}, {301, "post", "post", false},

      {302, "GET", "GET", false},         {302, "HEAD", "HEAD", false},     {302, "POST", "GET", true},
      {302, "PUT", "PUT", false},         {302, "DELETE", "DELETE", false}, {302, "PATCH", "PATCH", false},
      {302, "OPTIONS", "OPTIONS", false},

      {303, "GET", "GET", true},          {303, "HEAD", "HEAD", true},      {303, "POST", "GET", true},
      {303, "PUT", "GET", true},          {303, "DELETE", "GET", true},     {303, "PATCH", "GET", true},
      {303, "OPTIONS", "GET", true},

      {307, "GET", "GET", false},         {307, "HEAD", "HEAD", false},     {307, "POST", "POST", false},
      {307, "PUT", "PUT", false},         {307, "DELETE", "DELETE", false}, {307, "PATCH", "PATCH", false},
      {307, "OPTIONS", "OPTIONS", false},

      {308, "GET", "GET", false},         {308, "HEAD", "HEAD", false},     {308, "POST", "POST", false},
      {308, "PUT", "PUT", false},         {308, "DELETE", "DELETE", false}, {308, "PATCH", "PATCH", false},
      {308, "OPTIONS", "OPTIONS", false},
  };
  enum class Body { none, rewindable, unrewindable };
  for (const auto& row : rows) {
    for (Body body : {Body::none, Body::rewindable, Body::unrewindable}) {
      INFO(row.status << ' ' << row.method << " body=" << static_cast<int>(body));
      auto current = request(row.method, "http://h/a",
                             {{"Content-Type", "application/json"}, {"Content-Length", "2"}, {"Accept", "*/*"}});
      current.has_body = body != Body::none;
      current.body_rewindable = body != Body::unrewindable;
      const auto plan = plan_redirect(current, row.status, location("/b"), {});
      if (!row.drop && body == Body::unrewindable) {
        REQUIRE_FALSE(plan);
        CHECK(plan.error().code == ErrorCode::unrewindable_body);
        CHECK(plan.error().detail.find("http://h/b") != std::string::npos);
        continue;
      }
      REQUIRE(plan);
      REQUIRE(plan->has_value());
      const RedirectPlan& p = **plan;
      CHECK(p.method == row.next);
      CHECK(p.drop_body == row.drop);
      CHECK(p.url.to_string() == "http://h/b");
      CHECK_FALSE(p.cross_origin);
      CHECK(p.headers.get("Accept") == "*/*");
      CHECK(p.headers.contains("Content-Type") == !row.drop);
      CHECK(p.headers.contains("Content-Length") == !row.drop);
      if (row.drop) {
        CHECK(p.stripped == std::vector<std::string>{"Content-Length", "Content-Type"});
      } else {
        CHECK(p.stripped.empty());
      }
    }
  }
}

TEST_CASE("a dropped body takes every header describing it") {
  auto current = request("POST", "http://h/form",
                         {{"transfer-encoding", "chunked"},
                          {"Content-Encoding", "gzip"},
                          {"Content-Language", "en"},
                          {"Content-Location", "/x"},
                          {"Content-Digest", "sha-256=:x:"},
                          {"Expect", "100-continue"},
                          {"Trailer", "Digest"},
                          {"User-Agent", "hipp"}});
  current.has_body = true;
  current.body_rewindable = false;  // never resent, so rewinding does not matter
  const auto p = follow(current, 303, "/done");
  CHECK(p.drop_body);
  REQUIRE(p.headers.size() == 1);
  CHECK(p.headers.get("User-Agent") == "hipp");
  CHECK(p.stripped == std::vector<std::string>{"transfer-encoding", "Content-Encoding", "Content-Language",
                                               "Content-Location", "Content-Digest", "Expect", "Trailer"});
}

TEST_CASE("same-origin hops keep every header") {
  for (const char* to : {"/other", "http://h/other", "http://H:80/other", "//h/other"}) {
    INFO(to);
    const auto p = follow(request("GET", "http://h/a", kCredentials), 302, to, {"X-Api-Key"});
    CHECK_FALSE(p.cross_origin);
    CHECK(p.headers == kCredentials);
    CHECK(p.stripped.empty());
  }
}

TEST_CASE("cross-origin hops strip credentials and remove_headers_on_redirect, case-insensitively") {
  struct Case {
    const char* from;
    const char* to;
  };
  for (const Case c : {Case{"http://h/a", "http://other/b"},     // host
                       Case{"http://h/a", "http://h:8080/b"},    // port
                       Case{"http://h:8080/a", "http://h/b"},    // port back to the default
                       Case{"http://h/a", "https://h/b"},        // scheme (upgrade)
                       Case{"https://h/a", "https://h:8443/b"},  // port on https
                       Case{"http://h/a", "//sub.h/b"}}) {       // network-path reference
    INFO(c.from << " -> " << c.to);
    const auto p = follow(request("GET", c.from, kCredentials), 302, c.to, {"x-api-key"});
    CHECK(p.cross_origin);
    CHECK_FALSE(p.headers.contains("Authorization"));
    CHECK_FALSE(p.headers.contains("Cookie"));
    CHECK_FALSE(p.headers.contains("Proxy-Authorization"));
    CHECK_FALSE(p.headers.contains("X-Api-Key"));
    CHECK(p.headers.get("Accept") == "*/*");
    CHECK(p.stripped == std::vector<std::string>{"Authorization", "Cookie", "Proxy-Authorization", "X-Api-Key"});
  }
}

TEST_CASE("cross-origin strips the three credential headers even with an empty remove list") {
  const auto p = follow(request("GET", "http://h/a", kCredentials), 301, "http://elsewhere/", {});
  CHECK(p.stripped == std::vector<std::string>{"Authorization", "Cookie", "Proxy-Authorization"});
  CHECK(p.headers.get("X-Api-Key") == "k");
}

TEST_CASE("cross-origin strips every field of a repeated header and an explicit Host") {
  const Headers h{{"cookie", "a=1"}, {"COOKIE", "b=2"}, {"Host", "h"}, {"Accept", "*/*"}};
  const auto p = follow(request("GET", "http://h/a", h), 307, "http://other/");
  CHECK(p.headers == Headers{{"Accept", "*/*"}});
  CHECK(p.stripped == std::vector<std::string>{"cookie", "Host"});
}

TEST_CASE("what a hop stripped stays stripped: A -> B -> A") {
  const auto a = request("GET", "http://a/start", kCredentials);
  const auto to_b = follow(a, 302, "http://b/x", {"X-Api-Key"});
  REQUIRE(to_b.cross_origin);
  const RedirectRequest at_b = policy::next_request(a, to_b);
  const auto back_to_a = follow(at_b, 302, "http://a/end", {"X-Api-Key"});
  CHECK(back_to_a.cross_origin);
  CHECK(back_to_a.headers == Headers{{"Accept", "*/*"}});
  CHECK(back_to_a.stripped.empty());
}

TEST_CASE("an https -> http downgrade carries no credentials, userinfo included") {
  const auto p = follow(request("GET", "https://h/a", kCredentials), 302, "http://user:pass@h/plain", {});
  CHECK(p.cross_origin);
  CHECK(p.downgrade);
  CHECK_FALSE(p.url.userinfo.has_value());
  CHECK(p.url.to_string() == "http://h/plain");
  CHECK_FALSE(p.headers.contains("Authorization"));
  CHECK(p.reason.find("https → http") != std::string::npos);

  const auto upgrade = follow(request("GET", "http://h/a"), 301, "https://user:pass@h/tls");
  CHECK_FALSE(upgrade.downgrade);
  CHECK(upgrade.url.userinfo == "user:pass");
}

TEST_CASE("relative Locations resolve as RFC 3986 §5.4 says") {
  const auto base = request("GET", "http://a/b/c/d;p?q");
  const std::vector<std::pair<const char*, const char*>> examples = {
      {"g", "http://a/b/c/g"},
      {"./g", "http://a/b/c/g"},
      {"g/", "http://a/b/c/g/"},
      {"/g", "http://a/g"},
      {"//g", "http://g"},
      {"?y", "http://a/b/c/d;p?y"},
      {"g?y", "http://a/b/c/g?y"},
      {"#s", "http://a/b/c/d;p?q#s"},
      {"g#s", "http://a/b/c/g#s"},
      {"g?y#s", "http://a/b/c/g?y#s"},
      {";x", "http://a/b/c/;x"},
      {"g;x", "http://a/b/c/g;x"},
      {"g;x?y#s", "http://a/b/c/g;x?y#s"},
      {".", "http://a/b/c/"},
      {"./", "http://a/b/c/"},
      {"..", "http://a/b/"},
      {"../", "http://a/b/"},
      {"../g", "http://a/b/g"},
      {"../..", "http://a/"},
      {"../../", "http://a/"},
      {"../../g", "http://a/g"},
      // §5.4.2 abnormal examples
      {"../../../g", "http://a/g"},
      {"../../../../g", "http://a/g"},
      {"/./g", "http://a/g"},
      {"/../g", "http://a/g"},
      {"g.", "http://a/b/c/g."},
      {".g", "http://a/b/c/.g"},
      {"g..", "http://a/b/c/g.."},
      {"..g", "http://a/b/c/..g"},
      {"./../g", "http://a/b/g"},
      {"./g/.", "http://a/b/c/g/"},
      {"g/./h", "http://a/b/c/g/h"},
      {"g/../h", "http://a/b/c/h"},
      {"g;x=1/./y", "http://a/b/c/g;x=1/y"},
      {"g;x=1/../y", "http://a/b/c/y"},
      {"g?y/./x", "http://a/b/c/g?y/./x"},
      {"g#s/../x", "http://a/b/c/g#s/../x"},
      {"  /padded\t", "http://a/padded"},
  };
  for (const auto& [ref, target] : examples) {
    INFO("Location: " << ref);
    const auto p = follow(base, 302, ref);
    CHECK(p.url.to_string() == target);
    CHECK(p.cross_origin == (std::string_view(ref) == "//g"));
  }
}

TEST_CASE("a Location without a fragment keeps the request's (RFC 9110 §10.2.2)") {
  const auto current = request("GET", "http://h/page#section");
  CHECK(follow(current, 301, "/moved").url.to_string() == "http://h/moved#section");
  CHECK(follow(current, 301, "http://other/x").url.to_string() == "http://other/x#section");
  CHECK(follow(current, 301, "/moved#new").url.to_string() == "http://h/moved#new");
  CHECK(follow(request("GET", "http://h/page"), 301, "/moved").url.fragment == std::nullopt);
}

TEST_CASE("no Location, or an empty one, or a status that is no redirect: deliver as is") {
  const auto current = request("GET", "http://h/a");
  for (const Headers& h :
       {Headers{}, Headers{{"Location", ""}}, Headers{{"Location", " \t "}}, Headers{{"Content-Location", "/x"}}}) {
    const auto plan = plan_redirect(current, 302, h, {});
    REQUIRE(plan);
    CHECK_FALSE(plan->has_value());
  }
  for (int status : {200, 201, 300, 304, 305, 306, 404}) {
    INFO(status);
    const auto plan = plan_redirect(current, status, location("/elsewhere"), {});
    REQUIRE(plan);
    CHECK_FALSE(plan->has_value());
  }
}

TEST_CASE("bad Locations are invalid_url") {
  const auto current = request("GET", "http://h/a");
  struct Case {
    const char* location;
    const char* detail;
  };
  for (const Case c : {Case{"ftp://h/file", "scheme 'ftp' is not http or https"}, Case{"mailto:a@b", "scheme 'mailto'"},
                       Case{"javascript:alert(1)", "scheme 'javascript'"}, Case{"file:///etc/passwd", "scheme 'file'"},
                       Case{"g:h", "scheme 'g'"}, Case{"http:g", "no host"}, Case{"http:///nohost", "no host"},
                       Case{"http://h:99999/", "\"http://h:99999/\""}, Case{"http://[::1/", "\"http://[::1/\""},
                       Case{"/a\r\nSet-Cookie: x=1", "\\x0D\\x0A"}}) {
    INFO(c.location);
    const auto plan = plan_redirect(current, 302, location(c.location), {});
    REQUIRE_FALSE(plan);
    CHECK(plan.error().code == ErrorCode::invalid_url);
    CHECK(plan.error().category == ErrorCategory::usage);
    CHECK(plan.error().detail.find(c.detail) != std::string::npos);
  }
  std::string nul_location = "/nul";
  nul_location += '\0';
  const auto nul = plan_redirect(current, 302, location(nul_location), {});
  REQUIRE_FALSE(nul);
  CHECK(nul.error().detail.find("\\x00") != std::string::npos);
}

TEST_CASE("a long bad Location is quoted only in part") {
  const std::string bad = "ftp://h/" + std::string(1000, 'x');
  const auto plan = plan_redirect(request("GET", "http://h/"), 302, location(bad), {});
  REQUIRE_FALSE(plan);
  CHECK(plan.error().detail.size() < 300);
  CHECK(plan.error().detail.find("\"...") != std::string::npos);
}

TEST_CASE("several Location fields must agree") {
  const auto current = request("GET", "http://h/a");
  const auto same = plan_redirect(current, 302, Headers{{"Location", "/b"}, {"location", " /b"}}, {});
  REQUIRE(same);
  REQUIRE(same->has_value());
  CHECK((*same)->url.to_string() == "http://h/b");

  const auto differ = plan_redirect(current, 302, Headers{{"Location", "/b"}, {"Location", "http://evil/"}}, {});
  REQUIRE_FALSE(differ);
  CHECK(differ.error().code == ErrorCode::invalid_url);
  CHECK(differ.error().detail.find("conflicting Location") != std::string::npos);
}

TEST_CASE("a current URL without a scheme is invalid_url") {
  RedirectRequest current;
  current.method = "GET";
  current.url = u("/relative");
  const auto plan = plan_redirect(current, 302, location("/b"), {});
  REQUIRE_FALSE(plan);
  CHECK(plan.error().code == ErrorCode::invalid_url);
}

TEST_CASE("the reason is one line for the decision log") {
  auto post = request("POST", "http://h/form", {{"Content-Length", "3"}});
  post.has_body = true;
  CHECK(follow(post, 303, "/x").reason == "303 See Other: POST → GET http://h/x (body dropped)");
  CHECK(follow(request("GET", "http://h/"), 302, "/y").reason == "302 Found: GET http://h/y");
  CHECK(follow(request("GET", "http://h/", kCredentials), 307, "http://u:p@other/z", {"X-Api-Key"}).reason ==
        "307 Temporary Redirect: GET http://other/z (cross-origin, stripped Authorization, Cookie, "
        "Proxy-Authorization, X-Api-Key)");
  CHECK(follow(request("GET", "https://h/"), 308, "http://h/").reason ==
        "308 Permanent Redirect: GET http://h/ (https → http: credentials removed; cross-origin)");
}

TEST_CASE("RedirectChain counts hops and describes the chain") {
  const auto a = request("GET", "http://a/");
  RedirectChain chain(a);
  CHECK(chain.hops() == 0);
  CHECK(chain.describe() == "0 redirects: GET http://a/");
  const auto to_b = follow(a, 302, "http://b/");
  REQUIRE(chain.record(to_b));
  CHECK(chain.hops() == 1);
  CHECK(chain.describe() == "1 redirect: GET http://a/ → GET http://b/");
  const auto to_c = follow(policy::next_request(a, to_b), 302, "http://user:pw@c/");
  REQUIRE(chain.record(to_c));
  CHECK(chain.hops() == 2);
  CHECK(chain.describe() == "2 redirects: GET http://a/ → GET http://b/ → GET http://c/");
}

TEST_CASE("RedirectChain refuses a loop with max_retries and names it") {
  const auto a = request("GET", "http://a/");
  RedirectChain chain(a);
  const auto to_b = follow(a, 302, "http://b/");
  REQUIRE(chain.record(to_b));
  const auto back = follow(policy::next_request(a, to_b), 302, "http://a/");
  const auto loop = chain.record(back);
  REQUIRE_FALSE(loop);
  CHECK(loop.error().code == ErrorCode::max_retries);
  CHECK(loop.error().category == ErrorCategory::policy);
  CHECK(loop.error().detail == "redirect loop: GET http://a/ → GET http://b/ → GET http://a/");
  CHECK(chain.hops() == 1);  // unchanged

  // The fragment never reaches the server: A#x is A.
  const auto fragment_only = follow(policy::next_request(a, to_b), 302, "http://a/#top");
  CHECK_FALSE(chain.record(fragment_only));
}

TEST_CASE("RedirectChain: a self-redirect is a loop, a different method or cookie is not") {
  auto post = request("POST", "http://a/login", {{"Content-Length", "3"}});
  post.has_body = true;
  RedirectChain chain(post);
  const auto same = follow(post, 307, "/login");
  const auto self = chain.record(same);
  REQUIRE_FALSE(self);
  CHECK(self.error().detail == "redirect loop: POST http://a/login → POST http://a/login");

  // POST /login → 303 GET /login is a new request (the usual post/redirect/get).
  const auto get = follow(post, 303, "/login");
  REQUIRE(chain.record(get));

  // GET /login → /session (sets a cookie) → GET /login with the cookie: the login flow, not a loop.
  const RedirectRequest at_login = policy::next_request(post, get);
  const auto to_session = follow(at_login, 302, "/session");
  REQUIRE(chain.record(to_session));
  RedirectRequest at_session = policy::next_request(at_login, to_session);
  at_session.headers.set("Cookie", "sid=42");  // the jar added the cookie the session page set
  const auto with_cookie = follow(at_session, 302, "/login");
  REQUIRE(chain.record(with_cookie));
  CHECK(chain.hops() == 3);
  // The same request once more is a loop.
  CHECK_FALSE(chain.record(with_cookie));
}

TEST_CASE("next_request carries the body only when the plan keeps it") {
  auto post = request("POST", "http://h/up", {{"Content-Length", "3"}});
  post.has_body = true;
  post.body_rewindable = true;
  const auto kept = policy::next_request(post, follow(post, 307, "/again"));
  CHECK(kept.method == "POST");
  CHECK(kept.url.to_string() == "http://h/again");
  CHECK(kept.has_body);
  CHECK(kept.body_rewindable);
  CHECK(kept.headers.get("Content-Length") == "3");
  const auto dropped = policy::next_request(post, follow(post, 302, "/done"));
  CHECK(dropped.method == "GET");
  CHECK_FALSE(dropped.has_body);
  CHECK(dropped.headers.empty());
  const auto none = policy::next_request(request("GET", "http://h/"), follow(request("GET", "http://h/"), 307, "/x"));
  CHECK_FALSE(none.has_body);
}

TEST_CASE("spaces and non-ASCII bytes in a Location are percent-encoded, as browsers do") {
  const auto current = request("GET", "http://h/");
  CHECK(follow(current, 302, "/a b?q=x y").url.to_string() == "http://h/a%20b?q=x%20y");
  CHECK(follow(current, 302, "/caf\xC3\xA9").url.to_string() == "http://h/caf%C3%A9");
}
