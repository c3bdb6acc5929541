// Driving a Digest flow by hand, as core/exchange does: the "server" is a function that refuses the
// first attempt with a challenge and accepts an answer. No network, no clock.
#include <hipp/hipp.hpp>
#include "core/auth/digest_auth.hpp"

#include <iostream>
#include <random>

int main() {
  hipp::auth::DigestAuth digest("Mufasa", "Circle of Life");
  const auto target = hipp::url::parse("http://example.test/dir/index.html");
  if (!target) return 1;

  // The caller owns randomness; the core never creates a source.
  std::random_device device;
  const hipp::auth::RandomBytes random = [&device](std::span<std::byte> out) {
    for (std::byte& b : out) b = static_cast<std::byte>(device());
  };

  auto flow = digest.start_flow();
  for (int attempt = 1;; ++attempt) {
    hipp::Headers headers{{"Host", target->host_header()}};
    hipp::auth::AuthRequest request{"GET", *target, headers};
    if (auto ok = flow->on_request(request, random); !ok) {
      std::cerr << ok.error().message() << '\n';
      return 1;
    }
    const bool answered = headers.contains("Authorization");
    std::cout << "attempt " << attempt << ": "
              << (answered ? "Authorization: " + std::string(*headers.get("Authorization")) : "no credentials") << '\n';

    // The server: 401 with a challenge until it sees an answer.
    const int status = answered ? 200 : 401;
    const hipp::Headers response{{"WWW-Authenticate",
                                  "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", "
                                  "algorithm=SHA-256, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\""}};
    const auto again = flow->on_response({status, response});
    if (!again) return 1;
    if (!*again) {
      std::cout << "delivered " << status << " after " << attempt << " attempts\n";
      return status == 200 ? 0 : 1;
    }
  }
}
