#include "core/message/headers.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace hipp {

namespace {

constexpr bool is_tchar(char c) noexcept {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

// Per-byte tables: header names and values are checked on every request, and
// a lookup costs one load where the comparisons above cost several branches.
struct ByteTables {
  bool tchar[256];
};

constexpr ByteTables make_tables() noexcept {
  ByteTables t{};
  for (int i = 0; i < 256; ++i) {
    const char c = static_cast<char>(i);
    t.tchar[i] = is_tchar(c);
  }
  return t;
}

constexpr ByteTables kTables = make_tables();

inline unsigned char fold(char c) noexcept { return detail::kAsciiLower[static_cast<unsigned char>(c)]; }

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// CR, LF and NUL are all below 0x0E, so one test per byte, or per eight
// bytes, rejects every other byte: (w - 0x0E..0E) & ~w & 0x80..80 is non-zero
// exactly when some byte of w is below 0x0E. Only then are bytes looked at
// one by one (a tab, say, is below 0x0E and allowed).
bool holds_cr_lf_nul(std::string_view s) noexcept {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  const char* p = s.data();
  const char* const end = p + s.size();
  while (end - p >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, sizeof w);
    if (((w - kOnes * 0x0E) & ~w & kHighs) != 0) break;
    p += 8;
  }
  for (; p != end; ++p) {
    if (static_cast<unsigned char>(*p) <= '\r' && (*p == '\r' || *p == '\n' || *p == '\0')) return true;
  }
  return false;
}

}  // namespace

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(fold(c));
  return out;
}

Headers::Headers(std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  fields_.reserve(fields.size());
  for (const auto& [name, value] : fields) add(name, value);
}

void Headers::add(std::string_view name, std::string_view value) {
  validated_ = false;
  // Constructed in place from the views: no temporary field to move and
  // destroy, and no assign() over empty strings. emplace_back keeps the
  // vector unchanged if a constructor throws.
  fields_.emplace_back(name, value);
}

void Headers::set(std::string_view name, std::string_view value) {
  auto first = std::find_if(fields_.begin(), fields_.end(),
                            [&](const HeaderField& f) { return iequals(f.name, name); });
  if (first == fields_.end()) {
    add(name, value);
    return;
  }
  validated_ = false;
  first->name.assign(name);
  first->value.assign(value);
  fields_.erase(std::remove_if(first + 1, fields_.end(),
                               [&](const HeaderField& f) { return iequals(f.name, name); }),
                fields_.end());
}

bool Headers::set_default(std::string_view name, std::string_view value) {
  if (contains(name)) return false;
  add(name, value);
  return true;
}

std::size_t Headers::remove(std::string_view name) {
  // Removing fields cannot make the rest invalid: the mark stays.
  auto before = fields_.size();
  fields_.erase(std::remove_if(fields_.begin(), fields_.end(),
                               [&](const HeaderField& f) { return iequals(f.name, name); }),
                fields_.end());
  return before - fields_.size();
}

bool Headers::contains(std::string_view name) const noexcept {
  return std::any_of(fields_.begin(), fields_.end(), [&](const HeaderField& f) { return iequals(f.name, name); });
}

std::optional<std::string_view> Headers::get(std::string_view name) const noexcept {
  for (const auto& f : fields_) {
    if (iequals(f.name, name)) return std::string_view(f.value);
  }
  return std::nullopt;
}

std::optional<std::string> Headers::get_combined(std::string_view name) const {
  std::optional<std::string> out;
  for (const auto& f : fields_) {
    if (!iequals(f.name, name)) continue;
    if (out) {
      *out += ", ";
      *out += f.value;
    } else {
      out = f.value;
    }
  }
  return out;
}

std::vector<std::string_view> Headers::get_all(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& f : fields_) {
    if (iequals(f.name, name)) out.emplace_back(f.value);
  }
  return out;
}

bool Headers::has_token(std::string_view name, std::string_view token) const {
  for (const auto& f : fields_) {
    if (!iequals(f.name, name)) continue;
    std::string_view rest = f.value;
    while (!rest.empty()) {
      auto comma = rest.find(',');
      auto item = trim_ows(rest.substr(0, comma));
      if (iequals(item, token)) return true;
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return false;
}

void Headers::extend(const Headers& other) {
  validated_ = false;
  fields_.insert(fields_.end(), other.fields_.begin(), other.fields_.end());
}

Result<void> Headers::validate() {
  for (const auto& f : fields_) {
    if (auto ok = validate_field(f.name, f.value); !ok) {
      validated_ = false;
      return ok;
    }
  }
  validated_ = true;
  return {};
}

bool operator==(const Headers& a, const Headers& b) {
  if (a.size() != b.size()) return false;
  for (const auto& f : a.fields_) {
    if (a.get_all(f.name) != b.get_all(f.name)) return false;
  }
  return true;
}

bool is_token(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s) {
    if (!kTables.tchar[static_cast<unsigned char>(c)]) return false;
  }
  return true;
}

Result<void> validate_field(std::string_view name, std::string_view value) {
  if (!is_token(name)) return fail(ErrorCode::invalid_header_name, "header name '" + std::string(name) + "' is not a token");
  if (holds_cr_lf_nul(value)) {
    return fail(ErrorCode::invalid_header_value, "value of header '" + std::string(name) + "' holds CR, LF or NUL");
  }
  return {};
}

}  // namespace hipp
