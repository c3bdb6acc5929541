// core/auth's flows driven by hand against httpbin over raw sockets: each attempt's Authorization
// comes from the flow, each response head goes back to it, exactly as core/exchange will drive it.
// httpbin's digest endpoints set cookies ("fake", "stale_after", "last_nonce") and read them back
// (httpbin/core.py digest_auth), so the driver keeps a small cookie jar.
#include <catch.hpp>

#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "core/auth/basic_auth.hpp"
#include "core/auth/bearer_auth.hpp"
#include "core/auth/challenge.hpp"
#include "core/auth/digest_auth.hpp"
#include "tests/support/httpbin_fixture.hpp"
#include "tests/support/raw_http.hpp"

using namespace hipp;
using namespace hipp::auth;
using hipp::test::HttpbinFixture;
using hipp::test::RawConnection;
using hipp::test::RawResponse;

namespace {

// Every field of a response head, in order.
Headers parse_head(std::string_view head) {
  Headers headers;
  std::size_t at = head.find("\r\n");
  while (at != std::string_view::npos) {
    at += 2;
    const std::size_t end = head.find("\r\n", at);
    if (end == std::string_view::npos || end == at) break;
    const std::string_view line = head.substr(at, end - at);
    const std::size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
      headers.add(line.substr(0, colon), value);
    }
    at = end;
  }
  return headers;
}

struct Outcome {
  int status = 0;
  std::string body;
  std::vector<Headers> attempts;  // what each attempt sent
};

// One logical request through `auth`'s flow: a fresh connection per attempt, the cookie jar sent
// back, at most 6 attempts.
class Driver {
 public:
  explicit Driver(HttpbinFixture& httpbin) : httpbin_(httpbin) {}

  Outcome get(Auth& auth, std::string_view path) {
    const auto target = url::parse(httpbin_.url(path));
    REQUIRE(target);
    auto flow = auth.start_flow();
    Outcome outcome;
    for (int attempt = 0; attempt < 6; ++attempt) {
      Headers headers{{"Host", target->host_header()}, {"Connection", "close"}};
      if (!jar_.empty()) {
        std::string cookie;
        for (const auto& [name, value] : jar_) cookie += (cookie.empty() ? "" : "; ") + name + "=" + value;
        headers.add("Cookie", cookie);
      }
      AuthRequest request{"GET", *target, headers};
      REQUIRE(flow->on_request(request, random_));
      outcome.attempts.push_back(headers);

      std::string wire = "GET " + target->request_uri() + " HTTP/1.1\r\n";
      for (const HeaderField& field : headers) wire.append(field.name).append(": ").append(field.value).append("\r\n");
      wire += "\r\n";
      RawConnection connection(httpbin_.port());
      connection.send(wire);
      const RawResponse response = connection.read_response();
      const Headers response_headers = parse_head(response.head);
      for (std::string_view set_cookie : response_headers.get_all("Set-Cookie")) {
        const std::string_view pair = set_cookie.substr(0, set_cookie.find(';'));
        const std::size_t eq = pair.find('=');
        if (eq != std::string_view::npos) jar_[std::string(pair.substr(0, eq))] = std::string(pair.substr(eq + 1));
      }
      outcome.status = response.status;
      outcome.body = response.body;
      const auto again = flow->on_response(AuthResponse{response.status, response_headers});
      REQUIRE(again);
      if (!*again) return outcome;
    }
    FAIL("the flow kept asking for resends");
    return outcome;
  }

 private:
  HttpbinFixture& httpbin_;
  std::map<std::string, std::string> jar_;
  std::mt19937 rng_{2024};  // fixed seed: the cnonces are reproducible
  RandomBytes random_ = [this](std::span<std::byte> out) {
    for (std::byte& b : out) b = static_cast<std::byte>(rng_());
  };
};

std::string_view param(const Headers& attempt, std::string_view name, std::vector<Challenge>& keep) {
  const auto value = attempt.get("Authorization");
  REQUIRE(value);
  auto parsed = parse_challenges(*value);
  REQUIRE(parsed);
  keep = std::move(*parsed);
  return keep.at(0).param(name).value_or("");
}

}  // namespace

TEST_CASE("Digest against httpbin: 401, answer, 200 for MD5, SHA-256 and SHA-512", "[interop][auth][httpbin]") {
  HttpbinFixture httpbin;
  for (const std::string_view algorithm : {"MD5", "SHA-256", "SHA-512"}) {
    INFO(algorithm);
    Driver driver(httpbin);
    DigestAuth digest("user", "passwd");
    const std::string path = "/digest-auth/auth/user/passwd/" + std::string(algorithm);
    const Outcome first = driver.get(digest, path);
    CHECK(first.status == 200);
    CHECK(nlohmann::json::parse(first.body).value("authenticated", false));
    REQUIRE(first.attempts.size() == 2);
    CHECK_FALSE(first.attempts[0].contains("Authorization"));
    std::vector<Challenge> keep;
    CHECK(param(first.attempts[1], "algorithm", keep) == algorithm);
    CHECK(param(first.attempts[1], "nc", keep) == "00000001");
    CHECK(param(first.attempts[1], "uri", keep) == path);

    // The same instance answers the next request up front: one round trip, nc 2.
    const Outcome second = driver.get(digest, path);
    CHECK(second.status == 200);
    REQUIRE(second.attempts.size() == 1);
    CHECK(param(second.attempts[0], "nc", keep) == "00000002");
    CHECK(digest.nonce_count() == 2);
  }
}

TEST_CASE("Digest against httpbin: a stale nonce is re-answered", "[interop][auth][httpbin]") {
  // stale_after=1: the first answer succeeds, the next answer on that nonce gets stale=true.
  HttpbinFixture httpbin;
  Driver driver(httpbin);
  DigestAuth digest("user", "passwd");
  const std::string path = "/digest-auth/auth/user/passwd/MD5/1";
  REQUIRE(driver.get(digest, path).status == 200);
  const std::string old_nonce(digest.nonce());
  const Outcome second = driver.get(digest, path);
  CHECK(second.status == 200);
  REQUIRE(second.attempts.size() == 2);
  std::vector<Challenge> keep;
  CHECK(param(second.attempts[0], "nonce", keep) == old_nonce);
  CHECK(param(second.attempts[1], "nonce", keep) != old_nonce);
  CHECK(param(second.attempts[1], "nc", keep) == "00000001");
}

TEST_CASE("Digest against httpbin: a wrong password ends with the second 401", "[interop][auth][httpbin]") {
  HttpbinFixture httpbin;
  Driver driver(httpbin);
  DigestAuth digest("user", "not-the-password");
  const Outcome outcome = driver.get(digest, "/digest-auth/auth/user/passwd/SHA-256");
  CHECK(outcome.status == 401);
  CHECK(outcome.attempts.size() == 2);
}

TEST_CASE("Digest against httpbin: qop=auth-int only is delivered unanswered", "[interop][auth][httpbin]") {
  HttpbinFixture httpbin;
  Driver driver(httpbin);
  DigestAuth digest("user", "passwd");
  const Outcome outcome = driver.get(digest, "/digest-auth/auth-int/user/passwd/MD5");
  CHECK(outcome.status == 401);
  REQUIRE(outcome.attempts.size() == 1);
  CHECK_FALSE(outcome.attempts[0].contains("Authorization"));
}

TEST_CASE("Basic and Bearer against httpbin", "[interop][auth][httpbin]") {
  HttpbinFixture httpbin;
  Driver driver(httpbin);
  // Without credentials the endpoint refuses; with them the first request passes.
  CHECK(hipp::test::raw_get(httpbin.port(), "/basic-auth/user/passwd").status == 401);
  BasicAuth basic("user", "passwd");
  const Outcome ok = driver.get(basic, "/basic-auth/user/passwd");
  CHECK(ok.status == 200);
  CHECK(nlohmann::json::parse(ok.body).value("user", "") == "user");
  CHECK(ok.attempts.size() == 1);

  BasicAuth wrong("user", "nope");
  const Outcome refused = driver.get(wrong, "/basic-auth/user/passwd");
  CHECK(refused.status == 401);
  CHECK(refused.attempts.size() == 1);

  auto from_url = basic_from_userinfo(*url::parse("http://user:passwd@127.0.0.1/"));
  REQUIRE(from_url);
  CHECK(driver.get(*from_url, "/basic-auth/user/passwd").status == 200);

  // httpbin echoes the token with lstrip('Bearer '), which eats leading B, e, a, r and spaces: start
  // with another character.
  auto bearer = BearerAuth::create("mF_9.B5f-4.1JqM~+/=");
  REQUIRE(bearer);
  const Outcome token = driver.get(*bearer, "/bearer");
  CHECK(token.status == 200);
  CHECK(nlohmann::json::parse(token.body).value("token", "") == "mF_9.B5f-4.1JqM~+/=");
}
