// DigestAuth's flow against a scripted server: nc, stale, nextnonce, origins, and the bounds that
// stop a hostile or refusing server from making it loop.
#include <catch.hpp>

#include <cstdint>

#include "core/auth/challenge.hpp"
#include "core/auth/detail/digest.hpp"
#include "core/auth/digest_auth.hpp"

using namespace hipp;
using namespace hipp::auth;

namespace {

url::Url parse_url(std::string_view text) {
  auto parsed = url::parse(text);
  REQUIRE(parsed);
  return *parsed;
}

// A deterministic RandomBytes: a counter, so every cnonce differs and tests are reproducible.
struct CountingRandom {
  std::uint8_t next = 0;
  int calls = 0;
  RandomBytes source() {
    return [this](std::span<std::byte> out) {
      ++calls;
      for (std::byte& b : out) b = static_cast<std::byte>(next++);
    };
  }
};

// The parameters of a "Digest k=v, ..." Authorization value.
Challenge credentials(const Headers& headers) {
  const auto value = headers.get("Authorization");
  REQUIRE(value);
  const auto parsed = parse_challenges(*value);
  REQUIRE(parsed);
  REQUIRE(parsed->size() == 1);
  REQUIRE(parsed->at(0).is("Digest"));
  return parsed->at(0);
}

// A Digest server that checks answers the way RFC 7616 §3.4 computes them.
struct Server {
  std::string realm = "r";
  std::string nonce = "n1";
  std::string qop = "auth";  // empty: RFC 2069 style, no qop
  std::string algorithm = "MD5";
  std::string password = "p";

  Headers challenge(bool stale = false) const {
    std::string field = "Digest realm=\"" + realm + "\", nonce=\"" + nonce + "\", algorithm=" + algorithm;
    if (!qop.empty()) field += ", qop=\"" + qop + "\"";
    if (stale) field += ", stale=true";
    return Headers{{"WWW-Authenticate", field}};
  }

  // 200 when the Authorization answers this server's nonce with the right password, else 401.
  int verify(const Headers& request, std::string_view method, std::string_view uri) const {
    const auto value = request.get("Authorization");
    if (!value) return 401;
    const auto parsed = parse_challenges(*value);
    if (!parsed || parsed->size() != 1) return 401;
    const Challenge& c = parsed->at(0);
    if (c.param("nonce") != nonce || c.param("uri") != uri) return 401;
    const auto offered = parse_challenges(challenge()[0].value);
    REQUIRE(offered);
    const auto mine = auth::detail::to_digest_challenge(offered->at(0));
    REQUIRE(mine);
    const std::string nc(c.param("nc").value_or("00000001"));
    const std::string cnonce(c.param("cnonce").value_or(""));
    const auth::detail::DigestAnswer answer{c.param("username").value_or(""),
                                            password,
                                            method,
                                            uri,
                                            static_cast<std::uint32_t>(std::stoul(nc, nullptr, 16)),
                                            cnonce};
    const auto expected = auth::detail::digest_response(*mine, answer);
    REQUIRE(expected);
    return c.param("response") == *expected ? 200 : 401;
  }
};

// One request through a flow against `server`, as the exchange would drive it. Returns the final
// status and fills `attempts` with the headers of every attempt written.
int run(Auth& auth, Server& server, std::string_view target, const RandomBytes& random,
        std::vector<Headers>* attempts = nullptr) {
  const url::Url u = parse_url(target);
  auto flow = auth.start_flow();
  for (int attempt = 0; attempt < 20; ++attempt) {
    Headers headers{{"Host", u.host_header()}};
    AuthRequest request{"GET", u, headers};
    REQUIRE(flow->on_request(request, random));
    if (attempts) attempts->push_back(headers);
    const int status = server.verify(headers, "GET", u.request_uri());
    const Headers response_headers = status == 401 ? server.challenge() : Headers{};
    const auto again = flow->on_response(AuthResponse{status, response_headers});
    REQUIRE(again);
    if (!*again) return status;
  }
  FAIL("the flow never stopped");
  return 0;
}

}  // namespace

TEST_CASE("DigestAuth: 401, answer, 200; then answers up front with nc counting up") {
  Server server;
  DigestAuth digest("u", "p");
  CountingRandom random;
  CHECK(digest.requires_response());

  std::vector<Headers> attempts;
  CHECK(run(digest, server, "http://example.com/a?x=1", random.source(), &attempts) == 200);
  REQUIRE(attempts.size() == 2);
  CHECK_FALSE(attempts[0].contains("Authorization"));  // nothing known yet
  const Challenge first = credentials(attempts[1]);
  CHECK(first.param("nc") == "00000001");
  CHECK(first.param("uri") == "/a?x=1");
  CHECK(first.param("qop") == "auth");
  CHECK(first.param("cnonce") == "000102030405060708090a0b0c0d0e0f");  // 16 random bytes, hex
  CHECK(digest.nonce_count() == 1);
  CHECK(digest.nonce() == "n1");

  // The next requests to the origin are answered up front, nc 2 and 3, fresh cnonces.
  for (const std::string_view nc : {"00000002", "00000003"}) {
    attempts.clear();
    CHECK(run(digest, server, "http://example.com:80/b", random.source(), &attempts) == 200);
    REQUIRE(attempts.size() == 1);
    const Challenge again = credentials(attempts[0]);
    CHECK(again.param("nc") == nc);
    CHECK(again.param("cnonce") != first.param("cnonce"));
  }
  CHECK(digest.nonce_count() == 3);
}

TEST_CASE("DigestAuth: a retried attempt counts a new nc") {
  Server server;
  DigestAuth digest("u", "p");
  CountingRandom random;
  REQUIRE(run(digest, server, "http://example.com/", random.source()) == 200);
  const url::Url u = parse_url("http://example.com/");
  auto flow = digest.start_flow();
  for (const std::string_view nc : {"00000002", "00000003"}) {  // e.g. the connection dropped, the exchange retries
    Headers headers;
    AuthRequest request{"GET", u, headers};
    REQUIRE(flow->on_request(request, random.source()));
    CHECK(credentials(headers).param("nc") == nc);
  }
}

TEST_CASE("DigestAuth: a fresh nonce resets nc to 1 after one fresh answer") {
  Server server;
  DigestAuth digest("u", "p");
  CountingRandom random;
  REQUIRE(run(digest, server, "http://example.com/", random.source()) == 200);
  REQUIRE(run(digest, server, "http://example.com/", random.source()) == 200);
  CHECK(digest.nonce_count() == 2);

  server.nonce = "n2";  // the server forgot n1 (no stale flag)
  std::vector<Headers> attempts;
  CHECK(run(digest, server, "http://example.com/", random.source(), &attempts) == 200);
  REQUIRE(attempts.size() == 2);
  CHECK(credentials(attempts[0]).param("nonce") == "n1");
  CHECK(credentials(attempts[0]).param("nc") == "00000003");
  CHECK(credentials(attempts[1]).param("nonce") == "n2");
  CHECK(credentials(attempts[1]).param("nc") == "00000001");
  CHECK(digest.nonce() == "n2");
  CHECK(digest.nonce_count() == 1);
}

TEST_CASE("DigestAuth: stale=true is re-answered with the new nonce, bounded") {
  DigestAuth digest("u", "p");
  CountingRandom random;
  const url::Url u = parse_url("http://example.com/");
  Server server;
  const auto attempt = [&](AuthFlow& flow) {
    Headers headers;
    AuthRequest request{"GET", u, headers};
    REQUIRE(flow.on_request(request, random.source()));
    return headers;
  };
  const auto respond = [&](AuthFlow& flow, int status, const Headers& headers) {
    const auto again = flow.on_response(AuthResponse{status, headers});
    REQUIRE(again);
    return *again;
  };

  SECTION("after the first answer: stale does not count as the failure that ends the flow") {
    auto flow = digest.start_flow();
    CHECK_FALSE(attempt(*flow).contains("Authorization"));
    REQUIRE(respond(*flow, 401, server.challenge()));
    CHECK(credentials(attempt(*flow)).param("nonce") == "n1");
    server.nonce = "n2";
    REQUIRE(respond(*flow, 401, server.challenge(/*stale=*/true)));  // re-answer, not "wrong password"
    const Headers third = attempt(*flow);
    CHECK(credentials(third).param("nonce") == "n2");
    CHECK(credentials(third).param("nc") == "00000001");
    CHECK(server.verify(third, "GET", "/") == 200);
    CHECK_FALSE(respond(*flow, 200, Headers{}));
  }
  SECTION("after an up-front answer: stale, then the fresh answer still allowed once") {
    REQUIRE(run(digest, server, "http://example.com/", random.source()) == 200);
    auto flow = digest.start_flow();
    CHECK(credentials(attempt(*flow)).param("nc") == "00000002");
    server.nonce = "n2";
    REQUIRE(respond(*flow, 401, server.challenge(true)));
    CHECK(credentials(attempt(*flow)).param("nonce") == "n2");
    CHECK_FALSE(respond(*flow, 200, Headers{}));
  }
  SECTION("a server that is always stale gets kMaxStaleAnswers re-answers, then its 401") {
    auto flow = digest.start_flow();
    (void)attempt(*flow);
    REQUIRE(respond(*flow, 401, server.challenge()));
    int resends = 0;
    for (int i = 0; i < 10; ++i) {
      (void)attempt(*flow);
      server.nonce = "s" + std::to_string(i);
      if (!respond(*flow, 401, server.challenge(true))) break;
      ++resends;
    }
    CHECK(resends == DigestAuth::kMaxStaleAnswers);
  }
}

TEST_CASE("DigestAuth: a wrong password is delivered after one answer, never a loop") {
  Server server;
  server.password = "right";
  DigestAuth digest("u", "wrong");
  CountingRandom random;
  std::vector<Headers> attempts;
  CHECK(run(digest, server, "http://example.com/", random.source(), &attempts) == 401);
  CHECK(attempts.size() == 2);
  // The refused session is forgotten: the next request starts without credentials again.
  CHECK(digest.nonce().empty());
  attempts.clear();
  CHECK(run(digest, server, "http://example.com/", random.source(), &attempts) == 401);
  REQUIRE(attempts.size() == 2);
  CHECK_FALSE(attempts[0].contains("Authorization"));
}

TEST_CASE("DigestAuth: a server that always answers 401 with a fresh challenge is bounded") {
  DigestAuth digest("u", "p");
  CountingRandom random;
  const url::Url u = parse_url("http://example.com/");
  auto flow = digest.start_flow();
  int writes = 0;
  for (int i = 0; i < 50; ++i) {
    Headers headers;
    AuthRequest request{"GET", u, headers};
    REQUIRE(flow->on_request(request, random.source()));
    ++writes;
    const Headers challenge{{"WWW-Authenticate", "Digest realm=r, qop=auth, nonce=x" + std::to_string(i)}};
    const auto again = flow->on_response(AuthResponse{401, challenge});
    REQUIRE(again);
    if (!*again) break;
  }
  CHECK(writes == 2);
}

TEST_CASE("DigestAuth: a server offering only qop=auth-int gets no answer; its 401 is delivered") {
  Server server;
  server.qop = "auth-int";
  DigestAuth digest("u", "p");
  CountingRandom random;
  std::vector<Headers> attempts;
  CHECK(run(digest, server, "http://example.com/", random.source(), &attempts) == 401);
  REQUIRE(attempts.size() == 1);
  CHECK_FALSE(attempts[0].contains("Authorization"));
  CHECK(random.calls == 0);
}

TEST_CASE("DigestAuth: RFC 2069 servers (no qop) need no cnonce and no random source") {
  Server server;
  server.qop.clear();
  DigestAuth digest("u", "p");
  std::vector<Headers> attempts;
  CHECK(run(digest, server, "http://example.com/", RandomBytes{}, &attempts) == 200);
  REQUIRE(attempts.size() == 2);
  const Challenge c = credentials(attempts[1]);
  CHECK_FALSE(c.param("nc"));
  CHECK_FALSE(c.param("cnonce"));
  CHECK_FALSE(c.param("qop"));
}

TEST_CASE("DigestAuth: without a RandomBytes source the answering attempt fails with invalid_state") {
  Server server;
  DigestAuth digest("u", "p");
  const url::Url u = parse_url("http://example.com/");
  auto flow = digest.start_flow();
  Headers headers;
  AuthRequest request{"GET", u, headers};
  REQUIRE(flow->on_request(request, RandomBytes{}));  // nothing to answer yet
  REQUIRE(*flow->on_response(AuthResponse{401, server.challenge()}));
  const auto answered = flow->on_request(request, RandomBytes{});
  REQUIRE_FALSE(answered);
  CHECK(answered.error().code == ErrorCode::invalid_state);
}

TEST_CASE("DigestAuth: state never crosses to another origin") {
  Server a;
  Server b;
  b.nonce = "nb";
  DigestAuth digest("u", "p");
  CountingRandom random;
  REQUIRE(run(digest, a, "http://a.example/", random.source()) == 200);

  for (const std::string_view other : {"http://b.example/", "https://a.example/", "http://a.example:8080/"}) {
    INFO(other);
    const url::Url u = parse_url(other);
    auto flow = digest.start_flow();
    Headers headers;
    AuthRequest request{"GET", u, headers};
    REQUIRE(flow->on_request(request, random.source()));
    CHECK_FALSE(headers.contains("Authorization"));  // no pre-answer with a.example's nonce
  }

  // Answering b.example moves the session there; a.example is then not pre-answered.
  std::vector<Headers> attempts;
  REQUIRE(run(digest, b, "http://b.example/x", random.source(), &attempts) == 200);
  CHECK(attempts.size() == 2);
  CHECK(digest.nonce() == "nb");
  attempts.clear();
  REQUIRE(run(digest, a, "http://a.example/", random.source(), &attempts) == 200);
  CHECK(attempts.size() == 2);
  CHECK_FALSE(attempts[0].contains("Authorization"));
}

TEST_CASE("DigestAuth: within one request, a redirect to another origin gets no credentials") {
  Server server;
  DigestAuth digest("u", "p");
  CountingRandom random;
  auto flow = digest.start_flow();
  const url::Url first = parse_url("http://a.example/");
  const url::Url elsewhere = parse_url("http://b.example/");
  Headers h1;
  AuthRequest r1{"GET", first, h1};
  REQUIRE(flow->on_request(r1, random.source()));
  REQUIRE_FALSE(*flow->on_response(AuthResponse{302, Headers{{"Location", "http://b.example/"}}}));
  Headers h2;
  AuthRequest r2{"GET", elsewhere, h2};
  REQUIRE(flow->on_request(r2, random.source()));
  CHECK_FALSE(h2.contains("Authorization"));
  CHECK_FALSE(*flow->on_response(AuthResponse{401, server.challenge()}));  // b's challenge is not answered
  CHECK(digest.nonce().empty());
}

TEST_CASE("DigestAuth: an answer left in reused headers is removed on the way to another origin") {
  Server server;
  DigestAuth digest("u", "p");
  CountingRandom random;
  auto flow = digest.start_flow();
  const url::Url first = parse_url("http://a.example/");
  const url::Url elsewhere = parse_url("http://b.example/");
  Headers headers;
  AuthRequest r1{"GET", first, headers};
  REQUIRE(flow->on_request(r1, random.source()));
  REQUIRE(*flow->on_response(AuthResponse{401, server.challenge()}));
  REQUIRE(flow->on_request(r1, random.source()));
  REQUIRE(headers.contains("Authorization"));
  REQUIRE_FALSE(*flow->on_response(AuthResponse{302, Headers{}}));
  AuthRequest r2{"GET", elsewhere, headers};
  REQUIRE(flow->on_request(r2, random.source()));
  CHECK_FALSE(headers.contains("Authorization"));
}

TEST_CASE("DigestAuth: Authentication-Info nextnonce replaces the nonce, nc from 1") {
  Server server;
  DigestAuth digest("u", "p");
  CountingRandom random;
  const url::Url u = parse_url("http://example.com/");
  auto flow = digest.start_flow();
  Headers headers;
  AuthRequest request{"GET", u, headers};
  REQUIRE(flow->on_request(request, random.source()));
  REQUIRE(*flow->on_response(AuthResponse{401, server.challenge()}));
  REQUIRE(flow->on_request(request, random.source()));
  REQUIRE_FALSE(*flow->on_response(
      AuthResponse{200, Headers{{"Authentication-Info", "rspauth=\"x\", nextnonce=\"n9\", qop=auth"}}}));
  CHECK(digest.nonce() == "n9");
  CHECK(digest.nonce_count() == 0);

  server.nonce = "n9";
  std::vector<Headers> attempts;
  CHECK(run(digest, server, "http://example.com/", random.source(), &attempts) == 200);
  REQUIRE(attempts.size() == 1);
  CHECK(credentials(attempts[0]).param("nc") == "00000001");
}

TEST_CASE("DigestAuth: -sess keeps the first cnonce on a nonce; every algorithm verifies") {
  for (const std::string_view algorithm :
       {"MD5", "MD5-sess", "SHA-256", "SHA-256-sess", "SHA-512-256", "SHA-512-256-sess", "SHA-512", "sha-512"}) {
    INFO(algorithm);
    Server server;
    server.algorithm = algorithm;
    DigestAuth digest("u", "p");
    CountingRandom random;
    std::vector<Headers> attempts;
    CHECK(run(digest, server, "http://example.com/", random.source(), &attempts) == 200);
    CHECK(run(digest, server, "http://example.com/", random.source(), &attempts) == 200);
    REQUIRE(attempts.size() == 3);
    CHECK(credentials(attempts[1]).param("algorithm") == algorithm);  // echoed as the server spelled it
    const bool sess = algorithm.ends_with("-sess");
    CHECK((credentials(attempts[1]).param("cnonce") == credentials(attempts[2]).param("cnonce")) == sess);
  }
}

TEST_CASE("DigestAuth: non-401 responses are delivered; flows outlive their DigestAuth") {
  Server server;
  CountingRandom random;
  std::unique_ptr<AuthFlow> flow;
  {
    DigestAuth digest("u", "p");
    flow = digest.start_flow();
  }
  const url::Url u = parse_url("http://example.com/");
  Headers headers;
  AuthRequest request{"GET", u, headers};
  REQUIRE(flow->on_request(request, random.source()));
  CHECK_FALSE(*flow->on_response(AuthResponse{403, server.challenge()}));
  CHECK_FALSE(*flow->on_response(AuthResponse{200, Headers{}}));
  // A 401 without any Digest challenge is delivered.
  CHECK_FALSE(*flow->on_response(AuthResponse{401, Headers{{"WWW-Authenticate", "Basic realm=x"}}}));
}
