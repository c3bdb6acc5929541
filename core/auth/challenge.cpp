#include "core/auth/challenge.hpp"

#include <array>

namespace hipp::auth {

namespace {

// RFC 9110 §5.6.2 tchar.
constexpr std::array<bool, 256> kTchar = [] {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) t[static_cast<unsigned char>(c)] = true;
  return t;
}();

// RFC 9110 §11.2 token68 characters (before the '=' padding).
constexpr std::array<bool, 256> kToken68 = [] {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (char c : std::string_view("-._~+/")) t[static_cast<unsigned char>(c)] = true;
  return t;
}();

bool is_tchar(char c) noexcept { return kTchar[static_cast<unsigned char>(c)]; }
bool is_token68_char(char c) noexcept { return kToken68[static_cast<unsigned char>(c)]; }
bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }

// qdtext (RFC 9110 §5.6.4): HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text.
bool is_qdtext(char ch) noexcept {
  const auto c = static_cast<unsigned char>(ch);
  return c == '\t' || c == ' ' || c == 0x21 || (c >= 0x23 && c <= 0x5B) || (c >= 0x5D && c <= 0x7E) || c >= 0x80;
}
// What a quoted-pair may escape: HTAB / SP / VCHAR / obs-text.
bool is_escapable(char ch) noexcept {
  const auto c = static_cast<unsigned char>(ch);
  return c == '\t' || c == ' ' || (c >= 0x21 && c <= 0x7E) || c >= 0x80;
}

// A cursor over one field value. Every step moves forward, so the work is linear in the input.
class Parser {
 public:
  Parser(std::string_view text, const ChallengeLimits& limits) : text_(text), limits_(limits) {}

  Result<void> challenges(std::vector<Challenge>& out, std::size_t& budget) {
    for (;;) {
      skip_separators();
      if (at_end()) return {};
      if (budget == 0) return too_large("too many challenges");
      --budget;
      Challenge challenge;
      if (auto ok = one_challenge(challenge); !ok) return ok;
      out.push_back(std::move(challenge));
      skip_ows();
      if (!at_end() && peek() != ',') return malformed("expected ',' between challenges");
    }
  }

  // A bare #auth-param list (Authentication-Info).
  Result<void> param_list(std::vector<AuthParam>& out) {
    skip_separators();
    if (at_end()) return {};
    return params(out, /*stop_at_new_challenge=*/false);
  }

 private:
  bool at_end() const noexcept { return pos_ == text_.size(); }
  char peek() const noexcept { return text_[pos_]; }
  void skip_ows() noexcept {
    while (!at_end() && is_ows(peek())) ++pos_;
  }
  void skip_separators() noexcept {
    while (!at_end() && (is_ows(peek()) || peek() == ',')) ++pos_;
  }
  std::string_view token() noexcept {
    const std::size_t start = pos_;
    while (!at_end() && is_tchar(peek())) ++pos_;
    return text_.substr(start, pos_ - start);
  }

  Unexpected malformed(std::string_view what) const {
    return fail(ErrorCode::malformed_challenge, std::string(what) + " at offset " + std::to_string(pos_),
                ErrorOrigin::remote);
  }
  Unexpected too_large(std::string_view what) const {
    return fail(ErrorCode::challenge_too_large, std::string(what) + " at offset " + std::to_string(pos_),
                ErrorOrigin::remote);
  }

  Result<void> one_challenge(Challenge& out) {
    const std::string_view scheme = token();
    if (scheme.empty()) return malformed("expected an auth-scheme");
    out.scheme = scheme;
    if (at_end() || peek() == ',') return {};
    // RFC 9110 §11.6.1: 1*SP between the scheme and its data (HTAB tolerated as OWS).
    if (!is_ows(peek())) return malformed("expected a space after the auth-scheme");
    skip_ows();
    if (at_end() || peek() == ',') return {};

    // token68 or the first auth-param? A token68 is a run of its characters with optional '='
    // padding, followed by the end of the challenge. Anything else must be auth-params.
    std::size_t end = pos_;
    while (end < text_.size() && is_token68_char(text_[end])) ++end;
    if (end > pos_) {
      std::size_t padded = end;
      while (padded < text_.size() && text_[padded] == '=') ++padded;
      std::size_t after = padded;
      while (after < text_.size() && is_ows(text_[after])) ++after;
      if (after == text_.size() || text_[after] == ',') {
        out.token68 = std::string(text_.substr(pos_, padded - pos_));
        pos_ = after;
        return {};
      }
    }
    return params(out.params, /*stop_at_new_challenge=*/true);
  }

  Result<void> params(std::vector<AuthParam>& out, bool stop_at_new_challenge) {
    for (;;) {
      if (out.size() == limits_.max_params) return too_large("too many auth-params");
      AuthParam param;
      const std::string_view name = token();
      if (name.empty()) return malformed("expected an auth-param name");
      skip_ows();
      if (at_end() || peek() != '=') return malformed("expected '=' after an auth-param name");
      ++pos_;
      skip_ows();
      if (at_end()) return malformed("expected an auth-param value");
      if (peek() == '"') {
        if (auto ok = quoted_string(param.value); !ok) return ok;
        param.quoted = true;
      } else {
        const std::string_view value = token();
        if (value.empty()) return malformed("expected a token or quoted-string value");
        param.value = value;
      }
      for (const AuthParam& seen : out) {
        if (iequals(seen.name, name)) return malformed("repeated auth-param");
      }
      param.name = name;
      out.push_back(std::move(param));

      skip_ows();
      if (at_end()) return {};
      if (peek() != ',') return malformed("expected ',' after an auth-param");
      // After the comma: `token BWS "="` is another parameter; anything else starts a new challenge
      // (whose scheme is followed by a space, a comma or the end, never by '=').
      std::size_t next = pos_;
      while (next < text_.size() && (text_[next] == ',' || is_ows(text_[next]))) ++next;
      if (next == text_.size()) {
        pos_ = next;
        return {};
      }
      std::size_t name_end = next;
      while (name_end < text_.size() && is_tchar(text_[name_end])) ++name_end;
      std::size_t eq = name_end;
      while (eq < text_.size() && is_ows(text_[eq])) ++eq;
      const bool another_param = name_end > next && eq < text_.size() && text_[eq] == '=';
      if (!another_param) {
        if (stop_at_new_challenge) return {};  // pos_ stays on the comma
        pos_ = next;
        return malformed("expected an auth-param");
      }
      pos_ = next;
    }
  }

  // RFC 9110 §5.6.4; pos_ is on the opening DQUOTE.
  Result<void> quoted_string(std::string& out) {
    ++pos_;
    while (!at_end()) {
      const char c = peek();
      if (c == '"') {
        ++pos_;
        return {};
      }
      if (c == '\\') {
        ++pos_;
        if (at_end()) break;
        if (!is_escapable(peek())) return malformed("invalid quoted-pair");
        out += peek();
      } else if (is_qdtext(c)) {
        out += c;
      } else {
        return malformed("control character in a quoted-string");
      }
      ++pos_;
    }
    return malformed("unterminated quoted-string");
  }

  std::string_view text_;
  const ChallengeLimits& limits_;
  std::size_t pos_ = 0;
};

Unexpected field_too_large(std::size_t size) {
  return fail(ErrorCode::challenge_too_large, "challenge field of " + std::to_string(size) + " bytes",
              ErrorOrigin::remote);
}

}  // namespace

bool Challenge::is(std::string_view name) const noexcept { return iequals(scheme, name); }

std::optional<std::string_view> Challenge::param(std::string_view name) const noexcept {
  for (const AuthParam& p : params) {
    if (iequals(p.name, name)) return std::string_view(p.value);
  }
  return std::nullopt;
}

Result<std::vector<Challenge>> parse_challenges(std::string_view field_value, const ChallengeLimits& limits) {
  if (field_value.size() > limits.max_bytes) return field_too_large(field_value.size());
  std::vector<Challenge> out;
  std::size_t budget = limits.max_challenges;
  if (auto ok = Parser(field_value, limits).challenges(out, budget); !ok) return Unexpected{std::move(ok).error()};
  return out;
}

Result<std::vector<Challenge>> parse_challenges(const Headers& headers, std::string_view field_name,
                                                const ChallengeLimits& limits) {
  std::vector<Challenge> out;
  std::size_t total = 0;
  std::size_t budget = limits.max_challenges;
  for (const HeaderField& field : headers) {
    if (!iequals(field.name, field_name)) continue;
    total += field.value.size();
    if (total > limits.max_bytes) return field_too_large(total);
    if (auto ok = Parser(field.value, limits).challenges(out, budget); !ok) return Unexpected{std::move(ok).error()};
  }
  return out;
}

Result<std::vector<AuthParam>> parse_auth_params(std::string_view field_value, const ChallengeLimits& limits) {
  if (field_value.size() > limits.max_bytes) return field_too_large(field_value.size());
  std::vector<AuthParam> out;
  if (auto ok = Parser(field_value, limits).param_list(out); !ok) return Unexpected{std::move(ok).error()};
  return out;
}

}  // namespace hipp::auth
