#include <catch.hpp>

#include <random>

#include "core/auth/detail/hash.hpp"
#include "core/auth/detail/sha512.hpp"

using namespace hipp::auth::detail;

namespace {

template <std::size_t N>
std::string hex(const std::array<std::uint8_t, N>& digest) {
  return to_hex(digest.data(), digest.size());
}

std::string hashed(HashAlgorithm algorithm, std::string_view data) {
  const auto out = hex_hash(algorithm, data);
  REQUIRE(out);
  return *out;
}

// FIPS 180-4 example messages (NIST "Example Algorithm" sheets).
constexpr std::string_view kOneBlock = "abc";
constexpr std::string_view kTwoBlock =
    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

}  // namespace

TEST_CASE("SHA-512/256: FIPS 180-4 example vectors (its own initial values, not truncated SHA-512)") {
  CHECK(hex(sha512_256(kOneBlock)) == "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23");
  CHECK(hex(sha512_256(kTwoBlock)) == "3928e184fb8690f840da3988121d31be65cb9d3ef83ee6146feac861e19b563a");
  CHECK(hex(sha512_256("")) == "c672b8d1ef56ed28ab87c3622c5114069bdd3ad7b8f9737498d0c01ecef0967a");
  // Truncated SHA-512 would be "ddaf35a1...": the initial values matter.
  CHECK(hex(sha512_256(kOneBlock)) != hex(sha512(kOneBlock)).substr(0, 64));
  CHECK(hashed(HashAlgorithm::sha512_256, kOneBlock) == hex(sha512_256(kOneBlock)));
}

TEST_CASE("SHA-512 core: FIPS 180-4 example vectors") {
  CHECK(hex(sha512(kOneBlock)) ==
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
        "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
  CHECK(hex(sha512(kTwoBlock)) ==
        "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
        "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909");
}

TEST_CASE("SHA-512 core agrees with mbedTLS at every padding boundary and on random data") {
  // Lengths around the block (128) and the length field (112) cover one- and two-block tails.
  std::mt19937 rng(42);  // fixed seed
  std::vector<std::size_t> lengths;
  for (std::size_t n = 0; n <= 260; ++n) lengths.push_back(n);
  for (int i = 0; i < 20; ++i) lengths.push_back(rng() % 5000);
  for (const std::size_t n : lengths) {
    std::string data(n, '\0');
    for (char& c : data) c = static_cast<char>(rng());
    INFO("length " << n);
    CHECK(hex(sha512(data)) == hashed(HashAlgorithm::sha512, data));
  }
}

TEST_CASE("mbedTLS hashes: FIPS / RFC 1321 vectors") {
  CHECK(hashed(HashAlgorithm::md5, "") == "d41d8cd98f00b204e9800998ecf8427e");
  CHECK(hashed(HashAlgorithm::md5, kOneBlock) == "900150983cd24fb0d6963f7d28e17f72");
  CHECK(hashed(HashAlgorithm::sha256, kOneBlock) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(hashed(HashAlgorithm::sha512, kOneBlock).substr(0, 16) == "ddaf35a193617aba");
}
