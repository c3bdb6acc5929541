#include "core/message/headers.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <stdexcept>

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

namespace {
// A first buffer that holds a typical response head's fields, and slots for
// as many fields: one allocation each for the common case.
constexpr std::size_t kFirstBufferBytes = 256;
constexpr std::size_t kFirstSlots = 8;

// A field's bytes run from its name to the end of its value (whatever lies
// between, ": " in a parsed head, is copied along and keeps the offsets).
std::size_t extent(const Headers::FieldSpan& s) noexcept { return s.value_at + s.value_size - s.name_at; }
}  // namespace

Headers::Headers(std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  slots_.reserve(fields.size());
  for (const auto& [name, value] : fields) add(name, value);
}

Headers::Headers(const Headers& other) : validated_(other.validated_) {
  if (other.slots_.empty()) return;
  // Copy only the live bytes: the copy starts without the garbage of set() and remove().
  slots_.reserve(other.slots_.size());
  std::size_t live = 0;
  for (const Slot& s : other.slots_) live += extent(s);
  bytes_ = std::make_unique_for_overwrite<char[]>(live);
  capacity_ = static_cast<std::uint32_t>(live);
  for (const Slot& s : other.slots_) {
    const std::size_t n = extent(s);
    if (n != 0) std::memcpy(bytes_.get() + used_, other.bytes_.get() + s.name_at, n);
    const std::uint32_t shift = s.name_at - used_;  // unsigned wrap-around is fine: it is undone below
    slots_.push_back(Slot{s.name_at - shift, s.name_size, s.value_at - shift, s.value_size});
    used_ += static_cast<std::uint32_t>(n);
  }
}

Headers& Headers::operator=(const Headers& other) {
  if (this != &other) *this = Headers(other);
  return *this;
}

std::unique_ptr<char[]> Headers::grow(std::size_t more) {
  std::size_t live = 0;
  for (const Slot& s : slots_) live += extent(s);
  // Offsets are 32 bits: gigabytes of header bytes is far past any limit.
  if (live + more > UINT32_MAX / 4) throw std::length_error("hipp::Headers: more than 1 GiB of fields");
  const std::size_t wanted = std::max(kFirstBufferBytes, 2 * (live + more));
  auto fresh = std::make_unique_for_overwrite<char[]>(wanted);
  std::uint32_t at = 0;
  for (Slot& s : slots_) {
    const std::size_t n = extent(s);
    if (n != 0) std::memcpy(fresh.get() + at, bytes_.get() + s.name_at, n);
    const std::uint32_t shift = s.name_at - at;
    s.name_at -= shift;
    s.value_at -= shift;
    at += static_cast<std::uint32_t>(n);
  }
  used_ = at;
  capacity_ = static_cast<std::uint32_t>(wanted);
  std::swap(fresh, bytes_);
  return fresh;
}

void Headers::assign(std::string_view block, std::span<const FieldSpan> fields) {
  if (block.size() > UINT32_MAX / 4) throw std::length_error("hipp::Headers: more than 1 GiB of fields");
  if (block.size() > capacity_) {
    auto fresh = std::make_unique_for_overwrite<char[]>(block.size());
    std::memcpy(fresh.get(), block.data(), block.size());
    bytes_ = std::move(fresh);
    capacity_ = static_cast<std::uint32_t>(block.size());
  } else if (!block.empty()) {
    std::memmove(bytes_.get(), block.data(), block.size());  // the block may view these very bytes
  }
  used_ = static_cast<std::uint32_t>(block.size());
  slots_.assign(fields.begin(), fields.end());
  validated_ = false;
}

Headers::Slot Headers::store(std::string_view name, std::string_view value) {
  const std::size_t n = name.size() + value.size();
  // `name` and `value` may view into bytes_: the old buffer stays alive until they are copied.
  std::unique_ptr<char[]> old;
  if (n > capacity_ - used_) old = grow(n);
  char* p = bytes_.get() + used_;
  if (!name.empty()) std::memcpy(p, name.data(), name.size());
  if (!value.empty()) std::memcpy(p + name.size(), value.data(), value.size());
  const Slot slot{used_, static_cast<std::uint32_t>(name.size()), used_ + static_cast<std::uint32_t>(name.size()),
                  static_cast<std::uint32_t>(value.size())};
  used_ += static_cast<std::uint32_t>(n);
  return slot;
}

void Headers::add(std::string_view name, std::string_view value) {
  // Room for the slot first: if that throws, the buffer is unchanged.
  if (slots_.size() == slots_.capacity()) slots_.reserve(std::max(kFirstSlots, 2 * slots_.capacity()));
  slots_.push_back(store(name, value));
  validated_ = false;
}

void Headers::set(std::string_view name, std::string_view value) {
  std::size_t first = 0;
  while (first < slots_.size() && !iequals(field(slots_[first]).name, name)) ++first;
  if (first == slots_.size()) {
    add(name, value);
    return;
  }
  validated_ = false;
  slots_[first] = store(name, value);
  // `name` may have viewed the replaced field: compare against the stored copy.
  const std::string_view stored = field(slots_[first]).name;
  slots_.erase(std::remove_if(slots_.begin() + static_cast<std::ptrdiff_t>(first) + 1, slots_.end(),
                              [&](const Slot& s) { return iequals(field(s).name, stored); }),
               slots_.end());
}

bool Headers::set_default(std::string_view name, std::string_view value) {
  if (contains(name)) return false;
  add(name, value);
  return true;
}

std::size_t Headers::remove(std::string_view name) {
  // Removing fields cannot make the rest invalid: the mark stays. `name` may
  // view a field being removed, but the bytes stay where they are until the
  // buffer next grows.
  const auto before = slots_.size();
  slots_.erase(std::remove_if(slots_.begin(), slots_.end(), [&](const Slot& s) { return iequals(field(s).name, name); }),
               slots_.end());
  return before - slots_.size();
}

bool Headers::contains(std::string_view name) const noexcept {
  for (const Slot& s : slots_) {
    if (iequals(field(s).name, name)) return true;
  }
  return false;
}

std::optional<std::string_view> Headers::get(std::string_view name) const noexcept {
  for (const Slot& s : slots_) {
    const HeaderField f = field(s);
    if (iequals(f.name, name)) return f.value;
  }
  return std::nullopt;
}

std::optional<std::string> Headers::get_combined(std::string_view name) const {
  std::optional<std::string> out;
  for (const HeaderField f : *this) {
    if (!iequals(f.name, name)) continue;
    if (out) {
      *out += ", ";
      *out += f.value;
    } else {
      out.emplace(f.value);
    }
  }
  return out;
}

std::vector<std::string_view> Headers::get_all(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const HeaderField f : *this) {
    if (iequals(f.name, name)) out.push_back(f.value);
  }
  return out;
}

bool Headers::has_token(std::string_view name, std::string_view token) const {
  for (const HeaderField f : *this) {
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
  if (&other == this) {
    const Headers copy(other);
    extend(copy);
    return;
  }
  validated_ = false;
  slots_.reserve(slots_.size() + other.slots_.size());
  for (const HeaderField f : other) add(f.name, f.value);
}

Result<void> Headers::validate() {
  for (const HeaderField f : *this) {
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
  for (const HeaderField f : a) {
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
