// The transition tables: every (state, input) pair is a row or a refusal.
#include <catch.hpp>

#include "core/http1/state.hpp"

using namespace hipp::http1;

TEST_CASE("our side's table", "[http1][state]") {
  CHECK(next_state(OurState::idle, OurInput::request_with_body) == OurState::send_body);
  CHECK(next_state(OurState::idle, OurInput::request_without_body) == OurState::done);
  CHECK(next_state(OurState::send_body, OurInput::body) == OurState::send_body);
  CHECK(next_state(OurState::send_body, OurInput::end) == OurState::done);
  CHECK_FALSE(next_state(OurState::idle, OurInput::body));
  CHECK_FALSE(next_state(OurState::done, OurInput::body));
  CHECK_FALSE(next_state(OurState::done, OurInput::request_with_body));
  for (auto s : {OurState::idle, OurState::send_body, OurState::done}) {
    CHECK(next_state(s, OurInput::failed) == OurState::error);
  }
  for (auto in : {OurInput::request_with_body, OurInput::request_without_body, OurInput::body, OurInput::end,
                  OurInput::failed}) {
    CHECK_FALSE(next_state(OurState::error, in));
  }
}

TEST_CASE("their side's table", "[http1][state]") {
  CHECK(next_state(TheirState::idle, TheirInput::request_sent) == TheirState::awaiting_head);
  CHECK(next_state(TheirState::awaiting_head, TheirInput::informational) == TheirState::awaiting_head);
  CHECK(next_state(TheirState::awaiting_head, TheirInput::head) == TheirState::body);
  CHECK(next_state(TheirState::body, TheirInput::end) == TheirState::done);
  CHECK(next_state(TheirState::done, TheirInput::eof) == TheirState::closed);
  CHECK_FALSE(next_state(TheirState::idle, TheirInput::head));
  CHECK_FALSE(next_state(TheirState::body, TheirInput::head));
  CHECK_FALSE(next_state(TheirState::done, TheirInput::body));
  CHECK_FALSE(next_state(TheirState::awaiting_head, TheirInput::eof));
  for (auto in : {TheirInput::request_sent, TheirInput::informational, TheirInput::head, TheirInput::body,
                  TheirInput::end, TheirInput::eof, TheirInput::failed}) {
    CHECK_FALSE(next_state(TheirState::error, in));
  }
}
