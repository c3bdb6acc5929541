// libFuzzer target for core/url: parse() and resolve() on arbitrary bytes.
//
// Invariants checked (a violation aborts, which libFuzzer reports):
//  - parse() never crashes, and fails only with ErrorCode::invalid_url;
//  - whatever parse() accepts, parse(u.to_string()) accepts and gives back u;
//  - resolve() never crashes, against the input as base and as reference, and
//    a successful result survives to_string() and resolve() of itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/url/url.hpp"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  namespace url = hipp::url;

  const auto parsed = url::parse(input);
  if (!parsed) {
    require(parsed.error().code == hipp::ErrorCode::invalid_url);
  } else {
    const auto again = url::parse(parsed->to_string());
    require(again.has_value());
    require(*again == *parsed);
    (void)parsed->request_uri();
    (void)parsed->host_header();
    (void)parsed->hostname();
    (void)parsed->origin();
    (void)parsed->credentials();

    const auto up = url::resolve(*parsed, "../x");
    require(up.has_value() || parsed->scheme.empty());
  }

  static const auto base = url::parse("http://a/b/c/d;p?q");
  const auto target = url::resolve(*base, input);
  if (target) {
    // An absolute result resolved against anything gives itself back.
    const auto same = url::resolve(*base, target->to_string());
    require(same.has_value());
    require(*same == *target);
  }
  (void)url::remove_dot_segments(input);
  return 0;
}
