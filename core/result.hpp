// Result<T>: a value or an Error, with std::expected's member names
// (C++20 has no std::expected). Result<void> carries only success or an Error.
#pragma once

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

#include "core/errors.hpp"

namespace hipp {

// Wraps an Error so `return Unexpected{err};` reads as in std::expected.
struct Unexpected {
  Error error;
};

inline Unexpected fail(ErrorCode code, std::string detail = {}, ErrorOrigin origin = ErrorOrigin::local) {
  return Unexpected{make_error(code, std::move(detail), origin)};
}

template <class T>
class [[nodiscard]] Result {
 public:
  // By reference, not by value: a by-value parameter costs a second move of T
  // (an Event, a PreparedRequest) on every return of a value.
  Result(T&& value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(const T& value) : state_(std::in_place_index<0>, value) {}      // NOLINT: implicit by design
  Result(Unexpected u) : state_(std::in_place_index<1>, std::move(u.error)) {}  // NOLINT

  bool has_value() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & { assert(has_value()); return std::get<0>(state_); }
  const T& value() const& { assert(has_value()); return std::get<0>(state_); }
  T&& value() && { assert(has_value()); return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { assert(!has_value()); return std::get<1>(state_); }
  Error&& error() && { assert(!has_value()); return std::get<1>(std::move(state_)); }

  template <class U>
  T value_or(U&& fallback) const& {
    return has_value() ? value() : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Unexpected u) : error_(std::move(u.error)), failed_(true) {}  // NOLINT

  bool has_value() const noexcept { return !failed_; }
  explicit operator bool() const noexcept { return has_value(); }
  void value() const { assert(has_value()); }
  const Error& error() const& { assert(failed_); return error_; }
  Error&& error() && { assert(failed_); return std::move(error_); }

 private:
  Error error_{ErrorCategory::usage, ErrorCode::invalid_state, ErrorOrigin::local, {}, nullptr};
  bool failed_ = false;
};

}  // namespace hipp
