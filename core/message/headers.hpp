// Headers: a case-insensitive, ordered multimap that keeps the caller's spelling.
//
// Order and spelling are kept because they go on the wire exactly as given
// (some servers care), while lookups ignore ASCII case as RFC 9110 §5.1 says.
// Values are stored as given; validation of CR/LF/NUL happens where bytes are
// produced (http1::Connection refuses them), and in validate_field().
//
// Headers remembers a successful validate() until its next mutation, so fields
// checked once where a request is prepared are not checked again, field by
// field, where its bytes are produced: validated() is true only while every
// field is one that validate_field() accepted.
#pragma once

#include <array>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace hipp {

namespace detail {
// The ASCII lower case of every byte value (other bytes map to themselves).
inline constexpr std::array<unsigned char, 256> kAsciiLower = [] {
  std::array<unsigned char, 256> t{};
  for (int i = 0; i < 256; ++i) t[i] = static_cast<unsigned char>(i >= 'A' && i <= 'Z' ? i + 32 : i);
  return t;
}();
}  // namespace detail

// ASCII case-insensitive equality (header names, schemes, hosts, tokens).
// Inline: it runs for every field lookup, mostly on names of different lengths.
inline bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i] && detail::kAsciiLower[static_cast<unsigned char>(a[i])] !=
                            detail::kAsciiLower[static_cast<unsigned char>(b[i])]) {
      return false;
    }
  }
  return true;
}
// ASCII lower-casing.
std::string to_lower(std::string_view s);

struct HeaderField {
  HeaderField() = default;
  HeaderField(std::string_view n, std::string_view v) : name(n), value(v) {}

  std::string name;
  std::string value;
};

class Headers {
 public:
  using const_iterator = std::vector<HeaderField>::const_iterator;

  Headers() = default;
  Headers(std::initializer_list<std::pair<std::string_view, std::string_view>> fields);
  Headers(const Headers&) = default;
  Headers& operator=(const Headers&) = default;
  // A moved-from Headers is empty and not validated(). Inline: heads and
  // requests are moved several times on their way through a request.
  Headers(Headers&& other) noexcept : fields_(std::move(other.fields_)), validated_(other.validated_) { other.clear(); }
  Headers& operator=(Headers&& other) noexcept {
    if (this != &other) {
      fields_ = std::move(other.fields_);
      validated_ = other.validated_;
      // The standard leaves a moved-from vector's elements unspecified here:
      // empty it, so that it never claims fields it did not check.
      other.clear();
    }
    return *this;
  }
  ~Headers() = default;

  // Appends a field, keeping any existing ones of the same name.
  void add(std::string_view name, std::string_view value);
  // Replaces every field of this name by one (at the first one's position), or appends.
  void set(std::string_view name, std::string_view value);
  // Sets only if no field of this name exists. Returns true if it added one.
  bool set_default(std::string_view name, std::string_view value);
  // Removes every field of this name; returns how many were removed.
  std::size_t remove(std::string_view name);

  bool contains(std::string_view name) const noexcept;
  // The first value of this name, if any. The view lives until the next mutation.
  std::optional<std::string_view> get(std::string_view name) const noexcept;
  // Every value of this name joined by ", " (RFC 9110 §5.3), if any.
  std::optional<std::string> get_combined(std::string_view name) const;
  // Every value of this name, in order.
  std::vector<std::string_view> get_all(std::string_view name) const;
  // Whether a comma-separated header (Connection, Transfer-Encoding) lists a token.
  bool has_token(std::string_view name, std::string_view token) const;

  // Appends every field of `other`.
  void extend(const Headers& other);

  // Checks every field with validate_field(), in order, and returns the first
  // error (invalid_header_name, invalid_header_value). On success the result
  // is remembered until the next mutation (add, set, set_default, remove,
  // extend, clear, assignment): see validated().
  Result<void> validate();
  // Whether validate() succeeded and nothing changed the fields since: every
  // field's name is a token and no value holds CR, LF or NUL.
  bool validated() const noexcept { return validated_; }

  std::size_t size() const noexcept { return fields_.size(); }
  bool empty() const noexcept { return fields_.empty(); }
  void clear() noexcept {
    fields_.clear();
    validated_ = false;
  }
  void reserve(std::size_t n) { fields_.reserve(n); }
  const_iterator begin() const noexcept { return fields_.begin(); }
  const_iterator end() const noexcept { return fields_.end(); }
  const HeaderField& operator[](std::size_t i) const { return fields_[i]; }

  // Multiset equality ignoring name case but not order of same-named values.
  friend bool operator==(const Headers& a, const Headers& b);

 private:
  std::vector<HeaderField> fields_;
  bool validated_ = false;
};

// RFC 9110 §5.6.2 token characters.
bool is_token(std::string_view s) noexcept;
// Checks a field for what we will put on the wire: the name must be a token
// and the value must not hold CR, LF or NUL (header injection).
Result<void> validate_field(std::string_view name, std::string_view value);

}  // namespace hipp
