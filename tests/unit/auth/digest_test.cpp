// Digest's pure parts: choosing a challenge and computing answers (core/auth/detail/digest.hpp).
#include <catch.hpp>

#include "core/auth/detail/digest.hpp"

using namespace hipp;
using namespace hipp::auth;
using namespace hipp::auth::detail;

namespace {

// RFC 7616 §3.9.1: the server offers SHA-256 first, then MD5.
const Headers kRfc7616Challenges{
    {"WWW-Authenticate",
     "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=SHA-256, "
     "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\""},
    {"WWW-Authenticate",
     "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=MD5, "
     "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\""},
};

constexpr DigestAnswer kMufasa{
    "Mufasa", "Circle of Life", "GET", "/dir/index.html", 1, "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"};

DigestChallenge challenge_from(std::string_view field) {
  const auto parsed = parse_challenges(field);
  REQUIRE(parsed);
  REQUIRE(parsed->size() == 1);
  const auto digest = to_digest_challenge((*parsed)[0]);
  REQUIRE(digest);
  return *digest;
}

}  // namespace

TEST_CASE("Digest: RFC 7616 §3.9.1 with SHA-256 (the server's first choice), exact header") {
  const auto chosen = select_digest_challenge(kRfc7616Challenges);
  REQUIRE(chosen);
  CHECK(chosen->hash == HashAlgorithm::sha256);
  CHECK(chosen->qop_auth);
  const auto header = digest_authorization(*chosen, kMufasa);
  REQUIRE(header);
  CHECK(*header ==
        "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", uri=\"/dir/index.html\", algorithm=SHA-256, "
        "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", nc=00000001, "
        "cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", qop=auth, "
        "response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\", "
        "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"");
}

TEST_CASE("Digest: RFC 7616 §3.9.1 with MD5, exact response") {
  Headers md5_only;
  md5_only.add("WWW-Authenticate", kRfc7616Challenges[1].value);
  const auto chosen = select_digest_challenge(md5_only);
  REQUIRE(chosen);
  CHECK(chosen->hash == HashAlgorithm::md5);
  const auto response = digest_response(*chosen, kMufasa);
  REQUIRE(response);
  CHECK(*response == "8ca523f5e9506fed4657c9700eebdbec");
  const auto header = digest_authorization(*chosen, kMufasa);
  REQUIRE(header);
  CHECK(header->find(", algorithm=MD5, ") != std::string::npos);
  CHECK(header->find("response=\"8ca523f5e9506fed4657c9700eebdbec\"") != std::string::npos);
}

TEST_CASE("Digest: RFC 7616 §3.9.2 SHA-512-256 with userhash") {
  // The RFC prints a wrong user hash and response (erratum 4897); these are computed from the
  // example's inputs with an independent SHA-512/256 (Python's hashlib).
  const DigestChallenge c = challenge_from(
      "Digest realm=\"api@example.org\", qop=\"auth\", algorithm=SHA-512-256, "
      "nonce=\"5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK\", "
      "opaque=\"HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS\", "
      "charset=UTF-8, userhash=true");
  CHECK(c.hash == HashAlgorithm::sha512_256);
  CHECK(c.userhash);
  const DigestAnswer answer{"J\xC3\xA4s\xC3\xB8n Doe",
                            "Secret, or not?",
                            "GET",
                            "/doe.json",
                            1,
                            "NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v"};
  const auto header = digest_authorization(c, answer);
  REQUIRE(header);
  CHECK(*header ==
        "Digest username=\"793263caabb707a56211940d90411ea4a575adeccb7e360aeb624ed06ece9b0b\", "
        "realm=\"api@example.org\", uri=\"/doe.json\", algorithm=SHA-512-256, "
        "nonce=\"5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK\", nc=00000001, "
        "cnonce=\"NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v\", qop=auth, "
        "response=\"3798d4131c277846293534c3edc11bd8a5e4cdcbff78b05db9d95eeb1cec68a5\", "
        "opaque=\"HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS\", userhash=true");

  // Without userhash the non-ASCII name goes out in RFC 8187 notation.
  DigestChallenge plain = c;
  plain.userhash = false;
  const auto extended = digest_authorization(plain, answer);
  REQUIRE(extended);
  CHECK(extended->starts_with("Digest username*=UTF-8''J%C3%A4s%C3%B8n%20Doe, realm="));
}

TEST_CASE("Digest: RFC 2617 §3.5 (qop=auth, MD5) and RFC 2069 (no qop)") {
  const DigestChallenge c = challenge_from(
      "Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
      "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
  CHECK_FALSE(c.algorithm);  // none offered: MD5, and none echoed
  const DigestAnswer answer{"Mufasa", "Circle Of Life", "GET", "/dir/index.html", 1, "0a4f113b"};
  const auto header = digest_authorization(c, answer);
  REQUIRE(header);
  CHECK(*header ==
        "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", uri=\"/dir/index.html\", "
        "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", nc=00000001, cnonce=\"0a4f113b\", qop=auth, "
        "response=\"6629fae49393a05397450978507c4ef1\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");

  // RFC 2069: response = H(H(A1):nonce:H(A2)); no nc, cnonce or qop on the wire. (Computed with
  // Python's hashlib: RFC 2069's own example value is known to be wrong.)
  const DigestChallenge old =
      challenge_from("Digest realm=\"testrealm@host.com\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\"");
  CHECK_FALSE(old.qop_auth);
  const DigestAnswer old_answer{"Mufasa", "CircleOfLife", "GET", "/dir/index.html", 1, "ignored"};
  const auto old_header = digest_authorization(old, old_answer);
  REQUIRE(old_header);
  CHECK(*old_header ==
        "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", uri=\"/dir/index.html\", "
        "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", response=\"1949323746fe6a43ef61f9606e7febea\"");
}

TEST_CASE("Digest: -sess hashes A1 with the nonce and cnonce (RFC 7616 §3.4.2)") {
  const DigestChallenge sess = challenge_from("Digest realm=\"r\", nonce=\"n\", qop=auth, algorithm=MD5-sess");
  CHECK(sess.sess);
  const DigestAnswer answer{"u", "p", "GET", "/", 1, "c"};
  const auto response = digest_response(sess, answer);
  REQUIRE(response);
  // H(H(H(u:r:p):n:c):n:00000001:c:auth:H(GET:/)), built from the hash primitive.
  const auto h = [](std::string_view s) { return *hex_hash(HashAlgorithm::md5, s); };
  const std::string ha1 = h(h("u:r:p") + ":n:c");
  CHECK(*response == h(ha1 + ":n:00000001:c:auth:" + h("GET:/")));
  CHECK(*response != *digest_response(challenge_from("Digest realm=\"r\", nonce=\"n\", qop=auth"), answer));
}

TEST_CASE("Digest: which challenges can be answered") {
  struct Row {
    std::string_view field;
    bool answerable;
  };
  const Row rows[] = {
      {"Digest realm=r, nonce=n", true},
      {"digest REALM=r, NONCE=n, QOP=\"AUTH\"", true},
      {"Digest realm=r, nonce=n, algorithm=sha-256", true},
      {"Digest realm=r, nonce=n, algorithm=SHA-512-256-sess, qop=auth", true},
      {"Digest realm=r, nonce=n, algorithm=SHA-512, qop=auth", true},
      {"Digest realm=r, nonce=n, qop=\"auth-int\"", false},  // the body is needed
      {"Digest realm=r, nonce=n, qop=\"auth-int, token\"", false},
      {"Digest realm=r, nonce=n, qop=\"auth-int,auth\"", true},
      {"Digest realm=r, nonce=n, algorithm=SHA-1", false},
      {"Digest realm=r, nonce=n, algorithm=MD5-sess", false},  // -sess needs qop's cnonce
      {"Digest realm=r", false},                               // no nonce
      {"Basic realm=r, nonce=n", false},
      {"Digest abc==", false},
  };
  for (const Row& row : rows) {
    INFO(row.field);
    const auto parsed = parse_challenges(row.field);
    REQUIRE(parsed);
    CHECK(to_digest_challenge(parsed->at(0)).has_value() == row.answerable);
  }
}

TEST_CASE("Digest: selection takes the first answerable challenge and skips broken fields") {
  const Headers headers{
      {"WWW-Authenticate", "Basic realm=x, Digest realm=a, nonce=1, qop=auth-int"},
      {"WWW-Authenticate", "Digest realm=\"broken"},
      {"WWW-Authenticate", "Negotiate abc, Digest realm=b, nonce=2, algorithm=SHA-256, stale=true"},
      {"WWW-Authenticate", "Digest realm=c, nonce=3"},
  };
  const auto chosen = select_digest_challenge(headers);
  REQUIRE(chosen);
  CHECK(chosen->realm == "b");
  CHECK(chosen->nonce == "2");
  CHECK(chosen->stale);
  CHECK_FALSE(select_digest_challenge(Headers{{"WWW-Authenticate", "Basic realm=x"}}));
  CHECK_FALSE(select_digest_challenge(Headers{{"Proxy-Authenticate", "Digest realm=r, nonce=n"}}));
}

TEST_CASE("Digest: values are quoted with escapes") {
  CHECK(quote("a\"b\\c") == "\"a\\\"b\\\\c\"");
  const DigestChallenge c = challenge_from("Digest realm=\"say \\\"hi\\\"\", nonce=\"n\"");
  CHECK(c.realm == "say \"hi\"");
  const auto header = digest_authorization(c, DigestAnswer{"a\"b", "p", "GET", "/x?y=\"z\"", 1, ""});
  REQUIRE(header);
  CHECK(header->starts_with("Digest username=\"a\\\"b\", realm=\"say \\\"hi\\\"\", uri=\"/x?y=\\\"z\\\"\""));
  // The answer is itself a valid credentials field.
  const auto reparsed = parse_challenges(*header);
  REQUIRE(reparsed);
  CHECK(reparsed->at(0).param("realm") == "say \"hi\"");
}
