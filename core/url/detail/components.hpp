// Internals shared by parse() and resolve(): splitting a URI reference into its
// five components and validating/normalising each one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace hipp::url::detail {

// The components of a URI reference as views into the input (RFC 3986
// Appendix B); "defined" (std::optional engaged) is distinct from "empty" as
// §5.2 requires.
struct RawReference {
  std::optional<std::string_view> scheme;
  std::optional<std::string_view> authority;
  std::string_view path;
  std::optional<std::string_view> query;
  std::optional<std::string_view> fragment;
};

enum class SchemeRule {
  // RFC 3986: any valid scheme before the first ':' is a scheme ("g:h").
  strict,
  // Hip's parse_url: "google.com:80" and "localhost:8080" are an authority, not
  // a scheme followed by a path, and a reference that neither starts with a
  // scheme nor with '/' is taken as an authority.
  lenient,
};

// Splits `input`; never fails (every string is some reference under Appendix B).
RawReference split_reference(std::string_view input, SchemeRule rule);

// Fails with invalid_url if `input` holds a C0 control character.
Result<void> check_no_controls(std::string_view input);

struct Authority {
  std::optional<std::string> userinfo;
  std::string host;
  std::optional<std::uint16_t> port;
};

// Validates and normalises an authority (RFC 3986 §3.2): userinfo up to the
// last '@' with invalid characters percent-encoded; the host lower-cased and
// checked (reg-name characters, or a bracketed IPv6 literal with an optional
// RFC 6874 zone id, normalised to "%25"); the port 0..65535, at most five
// digits, absent when empty. Errors: invalid_url with the reason.
Result<Authority> parse_authority(std::string_view authority);

// A reference with every component validated and normalised (owned strings).
struct Reference {
  std::optional<std::string> scheme;  // lower case
  std::optional<Authority> authority;
  std::string path;
  std::optional<std::string> query;
  std::optional<std::string> fragment;
};

// Validates and normalises each component of `raw`: scheme lower-cased,
// authority through parse_authority(), path/query/fragment through
// normalize_component(). Dot segments are left alone. Errors: invalid_url.
Result<Reference> normalize_reference(const RawReference& raw);

// Whether `s` matches scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) (§3.1).
bool is_scheme(std::string_view s) noexcept;

// Percent-encodes bytes of a path/query/fragment/userinfo that may not appear
// raw, keeps well-formed "%XX" escapes with their hex digits upper-cased
// (RFC 3986 §6.2.2.1), and encodes a '%' that starts no escape.
std::string normalize_component(std::string_view s, std::string_view allowed);

}  // namespace hipp::url::detail
