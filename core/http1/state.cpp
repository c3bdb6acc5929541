#include "core/http1/state.hpp"

namespace hipp::http1 {

namespace {

template <class State, class Input>
struct Row {
  State from;
  Input input;
  State to;
};

using O = OurState;
using OI = OurInput;
using T = TheirState;
using TI = TheirInput;

// Our side: one request per cycle, body framed by the head (RFC 9112 §6).
constexpr Row<O, OI> kOurTable[] = {
    {O::idle, OI::request_with_body, O::send_body},
    {O::idle, OI::request_without_body, O::done},
    {O::send_body, OI::body, O::send_body},
    {O::send_body, OI::end, O::done},
    {O::idle, OI::failed, O::error},
    {O::send_body, OI::failed, O::error},
    {O::done, OI::failed, O::error},
};

// Their side: any number of 1xx, then one final response (RFC 9110 §15.2).
// A response may start before our body is complete (early 4xx); that is the
// caller's business, so nothing here depends on our side.
constexpr Row<T, TI> kTheirTable[] = {
    {T::idle, TI::request_sent, T::awaiting_head},
    {T::idle, TI::eof, T::closed},
    {T::awaiting_head, TI::informational, T::awaiting_head},
    {T::awaiting_head, TI::head, T::body},
    {T::body, TI::body, T::body},
    {T::body, TI::end, T::done},
    {T::done, TI::eof, T::closed},
    {T::closed, TI::eof, T::closed},
    {T::idle, TI::failed, T::error},
    {T::awaiting_head, TI::failed, T::error},
    {T::body, TI::failed, T::error},
    {T::done, TI::failed, T::error},
    {T::closed, TI::failed, T::error},
};

template <class State, class Input, std::size_t N>
constexpr std::optional<State> lookup(const Row<State, Input> (&table)[N], State from, Input input) noexcept {
  for (const auto& row : table) {
    if (row.from == from && row.input == input) return row.to;
  }
  return std::nullopt;
}

}  // namespace

std::optional<OurState> next_state(OurState from, OurInput input) noexcept {
  return lookup(kOurTable, from, input);
}

std::optional<TheirState> next_state(TheirState from, TheirInput input) noexcept {
  return lookup(kTheirTable, from, input);
}

}  // namespace hipp::http1
