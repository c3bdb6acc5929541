#include <catch2/catch.hpp>

#include "transports/tls/detail/verify_checks.hpp"

using namespace hipp::tls::detail;

TEST_CASE("tls: SHA-256 fingerprints parse with or without colons, in any case", "[tls]") {
  const std::string hex = "00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF";
  auto plain = parse_sha256_fingerprint(hex);
  REQUIRE(plain);
  CHECK((*plain)[0] == 0x00);
  CHECK((*plain)[1] == 0x11);
  CHECK((*plain)[31] == 0xff);
  CHECK(to_hex(*plain) == "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
  std::string colons;
  for (std::size_t i = 0; i < hex.size(); i += 2) colons += (i ? ":" : "") + hex.substr(i, 2);
  CHECK(parse_sha256_fingerprint(colons) == plain);
  for (std::string bad : {std::string(), hex.substr(2), hex + "00", "zz" + hex.substr(2), hex.substr(0, 40)}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_sha256_fingerprint(bad));
  }
}

TEST_CASE("tls: IP literals are told from names", "[tls]") {
  CHECK(parse_ip_literal("127.0.0.1") == std::vector<unsigned char>{127, 0, 0, 1});
  auto v6 = parse_ip_literal("[::1]");
  REQUIRE(v6);
  CHECK(v6->size() == 16);
  CHECK(v6->back() == 1);
  CHECK(parse_ip_literal("::1") == v6);
  for (std::string_view name : {"localhost", "example.com", "127.0.0.1.example", "1.2.3", "", "[]", "[localhost]"}) {
    CAPTURE(name);
    CHECK_FALSE(parse_ip_literal(name));
  }
}
