// libFuzzer target for core/policy/retry_after: parse_retry_after() on arbitrary bytes and clocks.
//
// Input layout: the first 8 bytes (little-endian, zero-padded when short) are `unix_now_seconds`, so the
// fuzzer explores extreme clocks too; the rest is the field value.
// Invariants checked (a violation aborts, which libFuzzer reports):
//  - never crashes (ASan/UBSan catch overflow in the date arithmetic);
//  - a result is always within [0, kRetryAfterMax];
//  - surrounding OWS does not change the result;
//  - a pure delay-seconds value gives min(value, cap) for the same input under any clock.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/policy/retry_after.hpp"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace policy = hipp::policy;
  std::uint64_t raw_now = 0;
  const std::size_t clock_bytes = size < 8 ? size : 8;
  for (std::size_t i = 0; i < clock_bytes; ++i) raw_now |= static_cast<std::uint64_t>(data[i]) << (8 * i);
  const auto now = static_cast<std::int64_t>(raw_now);
  const std::string_view value(reinterpret_cast<const char*>(data) + clock_bytes, size - clock_bytes);

  const auto result = policy::parse_retry_after(value, now);
  if (result) {
    require(*result >= hipp::Duration::zero());
    require(*result <= policy::kRetryAfterMax);
  }

  const std::string padded = " \t" + std::string(value) + "\t ";
  require(policy::parse_retry_after(padded, now) == result);

  bool digits = !value.empty();
  for (char c : value) digits = digits && c >= '0' && c <= '9';
  if (digits) {
    require(result.has_value());
    require(policy::parse_retry_after(value, now ^ 0x5a5a5a5a5a5a5a5a) == result);
  }
  return 0;
}
