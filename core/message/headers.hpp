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
#include <compare>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <optional>
#include <span>
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

// One field as Headers hands it out: views into the Headers' storage, valid
// until its next mutation (like get()'s answer).
struct HeaderField {
  std::string_view name;
  std::string_view value;
};

// Storage: every name and value lives in one byte buffer, each field a slot
// of offsets into it (a FieldSpan). A response head of eight fields is then two allocations
// (the buffer and the slots) and one copy per field, where a std::string pair
// per field was up to three allocations and two constructions; copying Headers
// is two allocations and two memcpys. The buffer holds offsets, not pointers,
// so growing or copying it needs no fix-up. set() and remove() leave the old
// bytes behind until the buffer next grows, which copies only live fields.
class Headers {
 public:
  class const_iterator;

  Headers() = default;
  Headers(std::initializer_list<std::pair<std::string_view, std::string_view>> fields);
  Headers(const Headers& other);
  Headers& operator=(const Headers& other);
  // A moved-from Headers is empty and not validated(). Inline: heads and
  // requests are moved several times on their way through a request.
  Headers(Headers&& other) noexcept
      : slots_(std::move(other.slots_)),
        bytes_(std::move(other.bytes_)),
        used_(other.used_),
        capacity_(other.capacity_),
        validated_(other.validated_) {
    other.reset_storage();
  }
  Headers& operator=(Headers&& other) noexcept {
    if (this != &other) {
      slots_ = std::move(other.slots_);
      bytes_ = std::move(other.bytes_);
      used_ = other.used_;
      capacity_ = other.capacity_;
      validated_ = other.validated_;
      other.reset_storage();
    }
    return *this;
  }
  ~Headers() = default;

  // Where one field's name and value are in a block of bytes: offsets from
  // the block's start, the value after the name (see assign()).
  struct FieldSpan {
    std::uint32_t name_at;
    std::uint32_t name_size;
    std::uint32_t value_at;
    std::uint32_t value_size;
  };

  // Replaces the fields by one copy of `block` with a field at each span, in
  // order. For parsers: a response head's fields are views into the bytes
  // read, and this keeps them with one allocation and one copy for all. The
  // spans must lie within the block.
  void assign(std::string_view block, std::span<const FieldSpan> fields);

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

  // Appends every field of `other` (which may be this Headers).
  void extend(const Headers& other);

  // Checks every field with validate_field(), in order, and returns the first
  // error (invalid_header_name, invalid_header_value). On success the result
  // is remembered until the next mutation (add, set, set_default, remove,
  // extend, clear, assignment): see validated().
  Result<void> validate();
  // Whether validate() succeeded and nothing changed the fields since: every
  // field's name is a token and no value holds CR, LF or NUL.
  bool validated() const noexcept { return validated_; }

  std::size_t size() const noexcept { return slots_.size(); }
  bool empty() const noexcept { return slots_.empty(); }
  // Drops every field and keeps the storage for the next ones.
  void clear() noexcept {
    slots_.clear();
    used_ = 0;
    validated_ = false;
  }
  void reserve(std::size_t fields) { slots_.reserve(fields); }
  const_iterator begin() const noexcept;
  const_iterator end() const noexcept;
  // The i-th field, views valid until the next mutation.
  HeaderField operator[](std::size_t i) const noexcept { return field(slots_[i]); }

  // Multiset equality ignoring name case but not order of same-named values.
  friend bool operator==(const Headers& a, const Headers& b);

 private:
  using Slot = FieldSpan;

  HeaderField field(const Slot& s) const noexcept {
    const char* p = bytes_.get();
    return {std::string_view(p + s.name_at, s.name_size), std::string_view(p + s.value_at, s.value_size)};
  }
  // Copies name and value to the end of the buffer and returns their slot.
  Slot store(std::string_view name, std::string_view value);
  // Makes room for `more` bytes: a new buffer holding only the live fields.
  // Returns the old buffer, which the caller keeps until it has copied its
  // arguments (they may view into it).
  std::unique_ptr<char[]> grow(std::size_t more);
  void reset_storage() noexcept {
    slots_.clear();
    bytes_.reset();
    used_ = 0;
    capacity_ = 0;
    validated_ = false;
  }

  std::vector<Slot> slots_;
  std::unique_ptr<char[]> bytes_;
  std::uint32_t used_ = 0;
  std::uint32_t capacity_ = 0;
  bool validated_ = false;
};

// Iterates the fields in order, yielding HeaderField views by value.
class Headers::const_iterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using iterator_concept = std::random_access_iterator_tag;
  using value_type = HeaderField;
  using difference_type = std::ptrdiff_t;
  using reference = HeaderField;
  using pointer = void;

  // operator-> needs an object to point at: this one holds the field.
  struct Arrow {
    HeaderField field;
    const HeaderField* operator->() const noexcept { return &field; }
  };

  const_iterator() = default;
  HeaderField operator*() const noexcept { return (*owner_)[index_]; }
  Arrow operator->() const noexcept { return Arrow{**this}; }
  HeaderField operator[](difference_type n) const noexcept { return (*owner_)[index_ + static_cast<std::size_t>(n)]; }
  const_iterator& operator++() noexcept { ++index_; return *this; }
  const_iterator operator++(int) noexcept { auto old = *this; ++index_; return old; }
  const_iterator& operator--() noexcept { --index_; return *this; }
  const_iterator operator--(int) noexcept { auto old = *this; --index_; return old; }
  const_iterator& operator+=(difference_type n) noexcept { index_ += static_cast<std::size_t>(n); return *this; }
  const_iterator& operator-=(difference_type n) noexcept { index_ -= static_cast<std::size_t>(n); return *this; }
  friend const_iterator operator+(const_iterator it, difference_type n) noexcept { return it += n; }
  friend const_iterator operator+(difference_type n, const_iterator it) noexcept { return it += n; }
  friend const_iterator operator-(const_iterator it, difference_type n) noexcept { return it -= n; }
  friend difference_type operator-(const const_iterator& a, const const_iterator& b) noexcept {
    return static_cast<difference_type>(a.index_) - static_cast<difference_type>(b.index_);
  }
  friend bool operator==(const const_iterator& a, const const_iterator& b) noexcept { return a.index_ == b.index_; }
  friend auto operator<=>(const const_iterator& a, const const_iterator& b) noexcept { return a.index_ <=> b.index_; }

 private:
  friend class Headers;
  const_iterator(const Headers* owner, std::size_t index) noexcept : owner_(owner), index_(index) {}

  const Headers* owner_ = nullptr;
  std::size_t index_ = 0;
};

inline Headers::const_iterator Headers::begin() const noexcept { return {this, 0}; }
inline Headers::const_iterator Headers::end() const noexcept { return {this, slots_.size()}; }

// RFC 9110 §5.6.2 token characters.
bool is_token(std::string_view s) noexcept;
// Checks a field for what we will put on the wire: the name must be a token
// and the value must not hold CR, LF or NUL (header injection).
Result<void> validate_field(std::string_view name, std::string_view value);

}  // namespace hipp
