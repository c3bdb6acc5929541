#include <catch.hpp>

#include "core/auth/basic_auth.hpp"
#include "core/auth/bearer_auth.hpp"
#include "core/auth/detail/base64.hpp"

using namespace hipp;
using namespace hipp::auth;

namespace {

url::Url parse_url(std::string_view text) {
  auto parsed = url::parse(text);
  REQUIRE(parsed);
  return *parsed;
}

// Runs one attempt of `flow` against `target` and returns the Authorization it set, if any.
std::optional<std::string> authorization_for(AuthFlow& flow, std::string_view target, Headers headers = {}) {
  const url::Url u = parse_url(target);
  AuthRequest request{"GET", u, headers};
  REQUIRE(flow.on_request(request, RandomBytes{}));
  const auto value = headers.get("Authorization");
  return value ? std::optional<std::string>(std::string(*value)) : std::nullopt;
}

}  // namespace

TEST_CASE("base64: RFC 4648 §10 test vectors") {
  using hipp::auth::detail::base64_encode;
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_encode("foob") == "Zm9vYg==");
  CHECK(base64_encode("fooba") == "Zm9vYmE=");
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
  CHECK(base64_encode(std::string("\xFB\xFF\x00", 3)) == "+/8A");
}

TEST_CASE("BasicAuth: RFC 7617 examples") {
  // §2: Aladdin / open sesame.
  CHECK(basic_authorization("Aladdin", "open sesame") == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  // §2.1: user "test", password "123£" sent as UTF-8.
  CHECK(basic_authorization("test", "123\xC2\xA3") == "Basic dGVzdDoxMjPCow==");
  CHECK(basic_authorization("", "") == "Basic Og==");
  CHECK(BasicAuth("Aladdin", "open sesame").authorization() == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
}

TEST_CASE("BasicAuth: the flow sets Authorization on every attempt to the first origin, never resends") {
  BasicAuth basic("user", "passwd");
  CHECK_FALSE(basic.requires_response());
  auto flow = basic.start_flow();
  CHECK(authorization_for(*flow, "http://example.com/a") == "Basic dXNlcjpwYXNzd2Q=");
  // A retry replaces (not duplicates) the field.
  Headers with_old{{"Authorization", "Basic old"}};
  const url::Url same = parse_url("http://example.com:80/b?q");
  AuthRequest retry{"GET", same, with_old};
  REQUIRE(flow->on_request(retry, RandomBytes{}));
  CHECK(with_old.get_all("Authorization") == std::vector<std::string_view>{"Basic dXNlcjpwYXNzd2Q="});

  Headers h401{{"WWW-Authenticate", "Basic realm=\"x\""}};
  const auto again = flow->on_response(AuthResponse{401, h401});
  REQUIRE(again);
  CHECK_FALSE(*again);

  // Another origin (host, port or scheme) gets nothing, as after a cross-origin redirect.
  CHECK_FALSE(authorization_for(*flow, "http://other.example/a"));
  CHECK_FALSE(authorization_for(*flow, "http://example.com:8080/a"));
  CHECK_FALSE(authorization_for(*flow, "https://example.com/a"));
  CHECK(authorization_for(*flow, "http://EXAMPLE.com/c") == "Basic dXNlcjpwYXNzd2Q=");

  // Headers reused from an attempt to our origin lose our credentials on the way elsewhere; an
  // Authorization the caller set for that other origin stays.
  Headers reused;
  const url::Url ours = parse_url("http://example.com/");
  const url::Url theirs = parse_url("http://other.example/");
  AuthRequest to_ours{"GET", ours, reused};
  REQUIRE(flow->on_request(to_ours, RandomBytes{}));
  AuthRequest to_theirs{"GET", theirs, reused};
  REQUIRE(flow->on_request(to_theirs, RandomBytes{}));
  CHECK_FALSE(reused.contains("Authorization"));
  Headers callers{{"Authorization", "Token theirs"}};
  AuthRequest own{"GET", theirs, callers};
  REQUIRE(flow->on_request(own, RandomBytes{}));
  CHECK(callers.get("Authorization") == "Token theirs");

  // Each request has its own flow and origin.
  auto other = basic.start_flow();
  CHECK(authorization_for(*other, "https://api.example/x") == "Basic dXNlcjpwYXNzd2Q=");
}

TEST_CASE("basic_from_userinfo: percent-decoded userinfo becomes Basic") {
  CHECK_FALSE(basic_from_userinfo(parse_url("http://example.com/")));
  const auto both = basic_from_userinfo(parse_url("http://Aladdin:open%20sesame@example.com/"));
  REQUIRE(both);
  CHECK(both->authorization() == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  const auto at = basic_from_userinfo(parse_url("http://us%40er:p%3Ass@example.com/"));
  REQUIRE(at);
  CHECK(at->authorization() == basic_authorization("us@er", "p:ss"));
  const auto no_password = basic_from_userinfo(parse_url("http://user@example.com/"));
  REQUIRE(no_password);
  CHECK(no_password->authorization() == basic_authorization("user", ""));
}

TEST_CASE("BearerAuth: b64token accepted, anything else refused with invalid_credentials") {
  for (std::string_view good : {"mF_9.B5f-4.1JqM", "abc", "a+b/c~d", "abc=", "abc==", "0"}) {
    INFO(good);
    CHECK(is_b64token(good));
    const auto bearer = BearerAuth::create(good);
    REQUIRE(bearer);
    CHECK(bearer->authorization() == "Bearer " + std::string(good));
  }
  for (std::string_view bad :
       {"", "=", "==abc", "a=b", "a b", "a\r\nX: y", "\"quoted\"", "a,b", "caf\xC3\xA9", "tab\there",
        "a==="
        "b"}) {
    INFO(bad);
    CHECK_FALSE(is_b64token(bad));
    const auto bearer = BearerAuth::create(bad);
    REQUIRE_FALSE(bearer);
    CHECK(bearer.error().code == ErrorCode::invalid_credentials);
    CHECK(bearer.error().category == ErrorCategory::usage);
  }
}

TEST_CASE("BearerAuth: the flow sets the token for the first origin only") {
  auto bearer = BearerAuth::create("mF_9.B5f-4.1JqM");
  REQUIRE(bearer);
  auto flow = bearer->start_flow();
  CHECK(authorization_for(*flow, "https://api.example/v1") == "Bearer mF_9.B5f-4.1JqM");
  CHECK_FALSE(authorization_for(*flow, "https://evil.example/v1"));
  Headers none;
  const auto again = flow->on_response(AuthResponse{401, none});
  REQUIRE(again);
  CHECK_FALSE(*again);
}
