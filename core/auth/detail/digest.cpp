#include "core/auth/detail/digest.hpp"

#include <array>

#include "core/url/url.hpp"

namespace hipp::auth::detail {

namespace {

struct AlgorithmName {
  std::string_view name;
  HashAlgorithm hash;
  bool sess;
};

// RFC 7616 §3.2 and §6.1 (the IANA registry), plus SHA-512 as httpbin offers it.
constexpr std::array<AlgorithmName, 8> kAlgorithms = {{
    {"MD5", HashAlgorithm::md5, false},
    {"MD5-sess", HashAlgorithm::md5, true},
    {"SHA-256", HashAlgorithm::sha256, false},
    {"SHA-256-sess", HashAlgorithm::sha256, true},
    {"SHA-512-256", HashAlgorithm::sha512_256, false},
    {"SHA-512-256-sess", HashAlgorithm::sha512_256, true},
    {"SHA-512", HashAlgorithm::sha512, false},
    {"SHA-512-sess", HashAlgorithm::sha512, true},
}};

bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }

// Whether the qop-options list ("auth, auth-int", RFC 7616 §3.3) holds `wanted`.
bool lists_token(std::string_view list, std::string_view wanted) {
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    while (!item.empty() && is_ows(item.front())) item.remove_prefix(1);
    while (!item.empty() && is_ows(item.back())) item.remove_suffix(1);
    if (iequals(item, wanted)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

// A user name that a quoted-string should not carry: non-ASCII or control bytes (RFC 7616 §3.4.4
// sends those as username* with RFC 8187 encoding).
bool needs_extended_notation(std::string_view user) {
  for (const char ch : user) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x7F) return true;
  }
  return false;
}

std::string hex8(std::uint32_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(8, '0');
  for (int i = 7; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = kDigits[n & 15];
    n >>= 4;
  }
  return out;
}

std::string join(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view part : parts) {
    if (!out.empty()) out += ':';
    out += part;
  }
  return out;
}

}  // namespace

std::string quote(std::string_view value) {
  std::string out;
  out.reserve(value.size() + 2);
  out += '"';
  for (const char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

std::optional<DigestChallenge> to_digest_challenge(const Challenge& challenge) {
  if (!challenge.is("Digest")) return std::nullopt;
  DigestChallenge out;
  if (const auto algorithm = challenge.param("algorithm")) {
    const AlgorithmName* found = nullptr;
    for (const AlgorithmName& known : kAlgorithms) {
      if (iequals(known.name, *algorithm)) found = &known;
    }
    if (found == nullptr) return std::nullopt;
    out.hash = found->hash;
    out.sess = found->sess;
    out.algorithm = std::string(*algorithm);
  }
  const auto nonce = challenge.param("nonce");
  if (!nonce) return std::nullopt;
  out.nonce = std::string(*nonce);
  out.realm = std::string(challenge.param("realm").value_or(""));
  if (const auto opaque = challenge.param("opaque")) out.opaque = std::string(*opaque);
  if (const auto qop = challenge.param("qop")) {
    // auth-int protects the body, which the flow never sees: a server offering only that gets no
    // answer, and its 401 is delivered.
    if (!lists_token(*qop, "auth")) return std::nullopt;
    out.qop_auth = true;
  }
  if (out.sess && !out.qop_auth) return std::nullopt;  // -sess needs a cnonce, which needs qop
  out.userhash = iequals(challenge.param("userhash").value_or(""), "true");
  out.stale = iequals(challenge.param("stale").value_or(""), "true");
  return out;
}

std::optional<DigestChallenge> select_digest_challenge(const Headers& headers, const ChallengeLimits& limits) {
  std::size_t looked_at = 0;
  for (const HeaderField& field : headers) {
    if (!iequals(field.name, "WWW-Authenticate")) continue;
    const auto challenges = parse_challenges(field.value, limits);
    if (!challenges) continue;
    for (const Challenge& challenge : *challenges) {
      if (looked_at++ == limits.max_challenges) return std::nullopt;
      if (auto digest = to_digest_challenge(challenge)) return digest;
    }
  }
  return std::nullopt;
}

Result<std::string> digest_response(const DigestChallenge& c, const DigestAnswer& a) {
  // RFC 7616 §3.4.2: A1 = username ":" realm ":" passwd; for -sess, H(that) ":" nonce ":" cnonce.
  auto ha1 = hex_hash(c.hash, join({a.user, c.realm, a.password}));
  if (!ha1) return ha1;
  if (c.sess) {
    ha1 = hex_hash(c.hash, join({*ha1, c.nonce, a.cnonce}));
    if (!ha1) return ha1;
  }
  // §3.4.3: A2 = Method ":" request-uri (qop=auth, or no qop).
  const auto ha2 = hex_hash(c.hash, join({a.method, a.uri}));
  if (!ha2) return ha2;
  // §3.4.1: KD(H(A1), nonce:nc:cnonce:qop:H(A2)); RFC 2069 (no qop): H(H(A1):nonce:H(A2)).
  if (c.qop_auth) return hex_hash(c.hash, join({*ha1, c.nonce, hex8(a.nc), a.cnonce, "auth", *ha2}));
  return hex_hash(c.hash, join({*ha1, c.nonce, *ha2}));
}

Result<std::string> digest_authorization(const DigestChallenge& c, const DigestAnswer& a) {
  const auto response = digest_response(c, a);
  if (!response) return response;

  std::string out = "Digest ";
  if (c.userhash) {
    // §3.4.4: username = H(unq(username) ":" unq(realm)).
    const auto hashed = hex_hash(c.hash, join({a.user, c.realm}));
    if (!hashed) return hashed;
    out += "username=" + quote(*hashed);
  } else if (needs_extended_notation(a.user)) {
    // RFC 8187 ext-value; unreserved stays, everything else is %XX.
    out += "username*=UTF-8''" + url::percent_encode(a.user, "!#$&+^`|", false);
  } else {
    out += "username=" + quote(a.user);
  }
  out += ", realm=" + quote(c.realm);
  out += ", uri=" + quote(a.uri);
  if (c.algorithm) out += ", algorithm=" + *c.algorithm;
  out += ", nonce=" + quote(c.nonce);
  if (c.qop_auth) {
    out += ", nc=" + hex8(a.nc);
    out += ", cnonce=" + quote(a.cnonce);
    out += ", qop=auth";
  }
  out += ", response=" + quote(*response);
  if (c.opaque) out += ", opaque=" + quote(*c.opaque);
  if (c.userhash) out += ", userhash=true";
  return out;
}

}  // namespace hipp::auth::detail
