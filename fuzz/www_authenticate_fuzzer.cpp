// libFuzzer target for core/auth: the RFC 9110 challenge parser and DigestAuth's flow on arbitrary
// WWW-Authenticate fields.
//
// The input is split at '\n' into at most 8 field values. Invariants (a violation aborts):
//  - parse_challenges() never crashes and fails only with malformed_challenge or challenge_too_large;
//    what it accepts stays within the limits, and its canonical rendering parses back to the same
//    challenges;
//  - parse_auth_params() likewise;
//  - a Digest flow answering these fields as 401 challenges, again and again, stops within
//    2 + kMaxStaleAnswers attempts, and every Authorization it writes is a valid field value that
//    parses as one Digest credentials list.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/auth/challenge.hpp"
#include "core/auth/detail/digest.hpp"
#include "core/auth/digest_auth.hpp"

namespace {

using namespace hipp;
using namespace hipp::auth;

void require(bool condition) {
  if (!condition) std::abort();
}

bool challenge_error(ErrorCode code) {
  return code == ErrorCode::malformed_challenge || code == ErrorCode::challenge_too_large;
}

std::string render(const std::vector<Challenge>& challenges) {
  std::string out;
  for (const Challenge& c : challenges) {
    if (!out.empty()) out += ", ";
    out += c.scheme;
    if (c.token68) out += " " + *c.token68;
    for (std::size_t i = 0; i < c.params.size(); ++i) {
      out += i == 0 ? " " : ", ";
      out += c.params[i].name + "=" +
             (c.params[i].quoted ? hipp::auth::detail::quote(c.params[i].value) : c.params[i].value);
    }
  }
  return out;
}

void check_parser(std::string_view field) {
  const ChallengeLimits limits;
  const auto parsed = parse_challenges(field, limits);
  if (!parsed) {
    require(challenge_error(parsed.error().code));
    return;
  }
  require(parsed->size() <= limits.max_challenges);
  for (const Challenge& c : *parsed) {
    require(is_token(c.scheme));
    require(c.params.size() <= limits.max_params);
    require(!(c.token68 && !c.params.empty()));
  }
  const std::string canonical = render(*parsed);
  // Quoting can grow a value; the round trip is only asked of what still fits.
  if (canonical.size() <= limits.max_bytes) {
    const auto again = parse_challenges(canonical, limits);
    require(again.has_value());
    require(*again == *parsed);
  }
}

void check_digest_flow(const Headers& response_headers) {
  DigestAuth digest("user", "pass\xC3\xA9");
  const auto target = url::parse("http://example.com/dir/index.html?q=1");
  require(target.has_value());
  std::uint8_t counter = 0;
  const RandomBytes random = [&counter](std::span<std::byte> out) {
    for (std::byte& b : out) b = static_cast<std::byte>(counter++);
  };
  for (int request_number = 0; request_number < 2; ++request_number) {
    auto flow = digest.start_flow();
    int attempts = 0;
    for (;;) {
      Headers headers;
      AuthRequest request{"GET", *target, headers};
      require(flow->on_request(request, random).has_value());
      ++attempts;
      require(attempts <= 2 + DigestAuth::kMaxStaleAnswers);
      if (const auto authorization = headers.get("Authorization")) {
        require(validate_field("Authorization", *authorization).has_value());
        const auto credentials = parse_challenges(*authorization, ChallengeLimits{1 << 20, 1, 64});
        require(credentials.has_value() && credentials->size() == 1 && credentials->at(0).is("Digest"));
      }
      const auto again = flow->on_response(AuthResponse{401, response_headers});
      require(again.has_value());
      if (!*again) break;
    }
  }
  // The fields as Authentication-Info on a success: never a crash.
  auto flow = digest.start_flow();
  Headers headers;
  AuthRequest request{"GET", *target, headers};
  require(flow->on_request(request, random).has_value());
  Headers info;
  for (const HeaderField& field : response_headers) info.add("Authentication-Info", field.value);
  require(flow->on_response(AuthResponse{200, info}).has_value());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  check_parser(input);
  const auto params = parse_auth_params(input);
  if (!params) require(challenge_error(params.error().code));

  Headers response_headers;
  std::string_view rest = input;
  for (int i = 0; i < 8 && !rest.empty(); ++i) {
    const std::size_t nl = rest.find('\n');
    const std::string_view field = rest.substr(0, nl);
    check_parser(field);
    response_headers.add("WWW-Authenticate", field);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  }
  require(parse_challenges(response_headers, "WWW-Authenticate").has_value() ||
          challenge_error(parse_challenges(response_headers, "WWW-Authenticate").error().code));
  check_digest_flow(response_headers);
  return 0;
}
