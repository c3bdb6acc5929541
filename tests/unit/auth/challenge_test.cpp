#include <catch.hpp>

#include <random>

#include "core/auth/challenge.hpp"

using namespace hipp;
using namespace hipp::auth;

namespace {

// A compact rendering to compare against: scheme, then "[token68]" or "{name=value;...}" (quoted
// values in quotes).
std::string render(const std::vector<Challenge>& challenges) {
  std::string out;
  for (const Challenge& c : challenges) {
    if (!out.empty()) out += " | ";
    out += c.scheme;
    if (c.token68) out += " [" + *c.token68 + "]";
    if (!c.params.empty()) {
      out += " {";
      for (std::size_t i = 0; i < c.params.size(); ++i) {
        if (i) out += ';';
        out += c.params[i].name + '=' + (c.params[i].quoted ? '"' + c.params[i].value + '"' : c.params[i].value);
      }
      out += '}';
    }
  }
  return out;
}

}  // namespace

TEST_CASE("parse_challenges: valid fields") {
  struct Row {
    std::string_view field;
    std::string_view expected;
  };
  const Row rows[] = {
      {"", ""},
      {" , ,, ", ""},
      {"Basic", "Basic"},
      {"Basic realm=\"simple\"", "Basic {realm=\"simple\"}"},
      {"basic REALM=x", "basic {REALM=x}"},
      // RFC 9110 §11.6.1's example: two challenges in one field.
      {"Basic realm=\"simple\", Newauth realm=\"apps\", type=1, title=\"Login to \\\"apps\\\"\"",
       "Basic {realm=\"simple\"} | Newauth {realm=\"apps\";type=1;title=\"Login to \"apps\"\"}"},
      {"Newauth realm=\"apps\", type=1, title=\"Login to \\\"apps\\\"\", Basic realm=\"simple\"",
       "Newauth {realm=\"apps\";type=1;title=\"Login to \"apps\"\"} | Basic {realm=\"simple\"}"},
      // token68, padded and not, before and after other challenges.
      {"Negotiate YIIFyQYJKoZIhvcSAQICAQBuggW4MIIFtKADAgEFoQMCAQ6i==",
       "Negotiate [YIIFyQYJKoZIhvcSAQICAQBuggW4MIIFtKADAgEFoQMCAQ6i==]"},
      {"Negotiate abc/+.~-_, Basic realm=x", "Negotiate [abc/+.~-_] | Basic {realm=x}"},
      {"Basic realm=x, Negotiate abc==", "Basic {realm=x} | Negotiate [abc==]"},
      {"Negotiate a=", "Negotiate [a=]"},
      {"Negotiate a= , Basic", "Negotiate [a=] | Basic"},
      {"Negotiate abc", "Negotiate [abc]"},
      // Schemes without data, empty list elements, OWS and BWS.
      {"Negotiate, Basic realm=x,,", "Negotiate | Basic {realm=x}"},
      {"Basic realm = \"a b\" ,  charset=UTF-8", "Basic {realm=\"a b\";charset=UTF-8}"},
      {"Digest\trealm=x", "Digest {realm=x}"},
      {"Digest realm=x,, ,nonce=y", "Digest {realm=x;nonce=y}"},
      // Quoted-string escapes and contents.
      {"X a=\"\\\\\\\"\\a\"", "X {a=\"\\\"a\"}"},
      {"X a=\"\"", "X {a=\"\"}"},
      {"X a=\"c,d=e, Basic f\"", "X {a=\"c,d=e, Basic f\"}"},
      {"X a=\"caf\xC3\xA9\"", "X {a=\"caf\xC3\xA9\"}"},
      {"X a=\"tab\there\"", "X {a=\"tab\there\"}"},
      // Values are tokens or quoted-strings; names and values keep their case.
      {"Digest qop=auth, algorithm=SHA-512-256, stale=TRUE", "Digest {qop=auth;algorithm=SHA-512-256;stale=TRUE}"},
      // A new challenge whose scheme follows a parameter.
      {"Digest realm=x, nonce=\"n\", Basic realm=y, Bearer", "Digest {realm=x;nonce=\"n\"} | Basic {realm=y} | Bearer"},
  };
  for (const Row& row : rows) {
    INFO("field: " << row.field);
    const auto parsed = parse_challenges(row.field);
    REQUIRE(parsed);
    CHECK(render(*parsed) == row.expected);
  }
}

TEST_CASE("parse_challenges: malformed fields are typed errors") {
  const std::string_view rows[] = {
      "Basic realm=\"unterminated",
      "Basic realm=\"ends in a backslash\\",
      "Basic realm=\"",
      "\"quoted\" realm=x",
      "=x",
      "Basic realm x",
      "Basic realm=x y",
      "Basic realm=x, =y",
      "Basic abc==def",
      "Basic a/b=c",
      "Basic realm=x, realm=y",
      "Basic realm=x, REALM=\"y\"",
      "Basic realm=\"a\x01b\"",
      "Basic realm=\"a\x7F\"",
      "Basic realm=\"a\\\x01\"",
      "Basic realm=\"a\nb\"",
      "Basic\x01",
      "Basic realm=x\x01",
      "Basic@ realm=x",
      "Basic realm=<x>",
  };
  for (std::string_view field : rows) {
    INFO("field: " << field);
    const auto parsed = parse_challenges(field);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().code == ErrorCode::malformed_challenge);
    CHECK(parsed.error().origin == ErrorOrigin::remote);
    CHECK(parsed.error().detail.find("offset") != std::string::npos);
  }
  // Near misses that are valid: a token68 then another scheme; a bare token68.
  CHECK(render(*parse_challenges("Basic realm")) == "Basic [realm]");
  CHECK(render(*parse_challenges("Basic realm=")) == "Basic [realm=]");
  CHECK(render(*parse_challenges("Basic realm=, X")) == "Basic [realm=] | X");
  const auto two = parse_challenges("Basic abc, def");
  REQUIRE(two);
  CHECK(render(*two) == "Basic [abc] | def");
}

TEST_CASE("parse_challenges: lookups ignore case") {
  const auto parsed = parse_challenges("DIGEST Realm=\"r\", NONCE=n");
  REQUIRE(parsed);
  REQUIRE(parsed->size() == 1);
  const Challenge& c = (*parsed)[0];
  CHECK(c.is("digest"));
  CHECK_FALSE(c.is("basic"));
  CHECK(c.param("realm") == "r");
  CHECK(c.param("nonce") == "n");
  CHECK_FALSE(c.param("opaque"));
}

TEST_CASE("parse_challenges: several fields are one list") {
  Headers headers{{"WWW-Authenticate", "Basic realm=a"},
                  {"Content-Type", "text/plain"},
                  {"www-authenticate", "Digest realm=b, nonce=c, Negotiate"},
                  {"WWW-Authenticate", ""}};
  const auto parsed = parse_challenges(headers, "WWW-Authenticate");
  REQUIRE(parsed);
  CHECK(render(*parsed) == "Basic {realm=a} | Digest {realm=b;nonce=c} | Negotiate");

  headers.add("WWW-Authenticate", "Broken \"");
  const auto broken = parse_challenges(headers, "WWW-Authenticate");
  REQUIRE_FALSE(broken);
  CHECK(broken.error().code == ErrorCode::malformed_challenge);

  const auto none = parse_challenges(Headers{{"Proxy-Authenticate", "Basic"}}, "WWW-Authenticate");
  REQUIRE(none);
  CHECK(none->empty());
}

TEST_CASE("parse_challenges: limits on bytes, challenges and parameters") {
  ChallengeLimits limits;
  limits.max_bytes = 64;
  limits.max_challenges = 3;
  limits.max_params = 2;

  const auto bytes = parse_challenges("Basic realm=\"" + std::string(60, 'x') + "\"", limits);
  REQUIRE_FALSE(bytes);
  CHECK(bytes.error().code == ErrorCode::challenge_too_large);

  CHECK(parse_challenges("A, B, C", limits));
  const auto challenges = parse_challenges("A, B, C, D", limits);
  REQUIRE_FALSE(challenges);
  CHECK(challenges.error().code == ErrorCode::challenge_too_large);

  CHECK(parse_challenges("A a=1, b=2, B c=3, d=4", limits));
  const auto params = parse_challenges("A a=1, b=2, c=3", limits);
  REQUIRE_FALSE(params);
  CHECK(params.error().code == ErrorCode::challenge_too_large);

  // Across fields the sums count.
  const Headers headers{{"WWW-Authenticate", "A, B"}, {"WWW-Authenticate", "C, D"}};
  const auto across = parse_challenges(headers, "WWW-Authenticate", limits);
  REQUIRE_FALSE(across);
  CHECK(across.error().code == ErrorCode::challenge_too_large);
  const Headers big{{"WWW-Authenticate", std::string(40, 'A')}, {"WWW-Authenticate", std::string(40, 'B')}};
  const auto across_bytes = parse_challenges(big, "WWW-Authenticate", limits);
  REQUIRE_FALSE(across_bytes);
  CHECK(across_bytes.error().code == ErrorCode::challenge_too_large);
}

TEST_CASE("parse_challenges: hostile input with the default limits") {
  // A megabyte header, an unterminated megabyte quote, thousands of parameters and challenges: each
  // is refused quickly with a typed error, never a crash.
  const std::string huge = "Digest realm=\"" + std::string(1 << 20, 'a') + "\"";
  CHECK(parse_challenges(huge).error().code == ErrorCode::challenge_too_large);
  const std::string unterminated = "Digest realm=\"" + std::string(16000, 'a');
  CHECK(parse_challenges(unterminated).error().code == ErrorCode::malformed_challenge);
  std::string many_params = "Digest ";
  for (int i = 0; i < 1000; ++i) many_params += "p" + std::to_string(i) + "=v, ";
  CHECK(parse_challenges(many_params).error().code == ErrorCode::challenge_too_large);
  std::string many_challenges;
  for (int i = 0; i < 1000; ++i) many_challenges += "S" + std::to_string(i) + ", ";
  CHECK(parse_challenges(many_challenges).error().code == ErrorCode::challenge_too_large);
  const std::string commas(16000, ',');
  const auto only_commas = parse_challenges(commas);
  REQUIRE(only_commas);
  CHECK(only_commas->empty());
  const std::string backslashes = "X a=\"" + std::string(15000, '\\');
  CHECK_FALSE(parse_challenges(backslashes));
}

TEST_CASE("parse_challenges: random bytes never crash and fail only with challenge codes") {
  std::mt19937 rng(7);  // fixed seed
  const std::string_view alphabet = "Digest realm=\"\\, =abc/+\t\x01\xC3";
  for (int i = 0; i < 5000; ++i) {
    std::string field(rng() % 64, ' ');
    for (char& c : field) c = alphabet[rng() % alphabet.size()];
    const auto parsed = parse_challenges(field);
    if (!parsed) {
      const ErrorCode code = parsed.error().code;
      CHECK((code == ErrorCode::malformed_challenge || code == ErrorCode::challenge_too_large));
    }
  }
}

TEST_CASE("parse_auth_params: Authentication-Info") {
  const auto parsed = parse_auth_params("qop=auth, rspauth=\"d1b\", cnonce=\"c\", nc=00000001, nextnonce=\"n2\"");
  REQUIRE(parsed);
  REQUIRE(parsed->size() == 5);
  CHECK((*parsed)[4] == AuthParam{"nextnonce", "n2", true});
  CHECK(parse_auth_params("")->empty());
  CHECK(parse_auth_params("a=1, Basic").error().code == ErrorCode::malformed_challenge);
  CHECK(parse_auth_params("a=\"1").error().code == ErrorCode::malformed_challenge);
}
