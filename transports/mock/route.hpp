// Routes of the mock transport: which requests they match and what the fake server does for each call.
//
//   mock.on("GET", mock::exact("http://api.test/items")).reply(200, R"({"items":[]})", {{"Content-Type", "application/json"}});
//   mock.on("POST", mock::prefix("http://api.test/")).reply(503).times(2).then().reply(201);
//   mock.on_any(mock::regex(R"(^http://api\.test/users/\d+$)")).fault(mock::Fault::reset_after(10));
//
// A route holds a sequence of steps; each matching request takes the next one, and the last step repeats
// (unless times() limited it, in which case the route stops matching once its steps are used up).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "core/message/headers.hpp"
#include "core/time.hpp"

namespace hipp::mock {

struct RecordedRequest;

// How a route matches the request URL (absolute, without userinfo, as url::Url::to_string(false) writes it).
struct UrlMatch {
  enum class Kind { any, exact, prefix, regex };
  Kind kind = Kind::any;
  std::string text{};
  std::optional<std::regex> pattern{};

  bool matches(std::string_view url) const;
  std::string describe() const;
};
UrlMatch any_url();
UrlMatch exact(std::string url);
UrlMatch prefix(std::string url_prefix);
UrlMatch regex(std::string ecmascript_pattern);  // std::regex_search, ECMAScript grammar

// A scripted answer: status line, headers and body. Content-Length is added unless the headers already
// frame the body (Content-Length or Transfer-Encoding, which are then sent as given).
struct Reply {
  int status = 200;
  std::string body{};
  Headers headers{};
  std::string reason{};  // empty: the standard reason phrase
};

// What can go wrong instead of (or in the middle of) an answer.
struct Fault {
  enum class Kind {
    connect_refused,  // OpenConnection fails: connect_failed
    connect_timeout,  // the connect deadline passes (the clock moves to it): connect_timeout
    read_timeout,     // `reply`'s first after_bytes bytes arrive, then silence until the read deadline
    reset,            // `reply`'s first after_bytes bytes arrive, then the connection is reset
    close,            // `reply`'s first after_bytes bytes arrive, then the server closes (EOF)
    raw,              // the server sends `raw` as is, then closes: for malformed responses
  };
  Kind kind = Kind::connect_refused;
  std::size_t after_bytes = 0;
  Reply reply{};
  std::string raw{};

  static Fault connect_refused() { return Fault{Kind::connect_refused}; }
  static Fault connect_timeout() { return Fault{Kind::connect_timeout}; }
  static Fault read_timeout_after(std::size_t n, Reply r = {}) { return Fault{Kind::read_timeout, n, std::move(r)}; }
  static Fault reset_after(std::size_t n, Reply r = {}) { return Fault{Kind::reset, n, std::move(r)}; }
  static Fault close_after(std::size_t n, Reply r = {}) { return Fault{Kind::close, n, std::move(r)}; }
  static Fault raw_bytes(std::string bytes) { return Fault{Kind::raw, 0, {}, std::move(bytes)}; }
};

// One step of a route: an answer or a fault, after the server "thinks" for `delay` of virtual time
// (a delay longer than the read timeout is a read timeout).
struct Step {
  std::optional<Reply> reply{};
  std::optional<Fault> fault{};
  Duration delay{};
  // Computes the reply from the request instead (echo servers, auth challenges).
  std::function<Reply(const RecordedRequest&)> handler{};
};

class Route {
 public:
  Route(std::string method, UrlMatch url) : method_(std::move(method)), url_(std::move(url)) {}

  // --- matching (all must hold) ---
  // Also require a header with this value (name case-insensitive, value exact).
  Route& with_header(std::string name, std::string value);
  // Also require the request body to satisfy `predicate`.
  Route& with_body(std::function<bool(std::string_view body)> predicate);
  // Also require `predicate` (anything about the request).
  Route& when(std::function<bool(const RecordedRequest&)> predicate);

  // --- the script ---
  Route& reply(int status, std::string body = {}, Headers headers = {});
  Route& reply(Reply r);
  Route& reply_with(std::function<Reply(const RecordedRequest&)> handler);
  Route& fault(Fault f);
  // The server waits `d` (virtual time) before the last added step's answer.
  Route& after(Duration d);
  // The last added step is used `n` times (instead of once, or forever if it is the last step).
  Route& times(std::size_t n);
  // Readability: mock.on(...).reply(503).times(2).then().reply(200).
  Route& then() { return *this; }

  // --- queries ---
  std::size_t calls() const noexcept { return calls_; }
  bool exhausted() const noexcept;
  std::string describe() const;

  // For the transport: whether this route takes `request`, and the step for its next call.
  bool matches(const RecordedRequest& request) const;
  // The step the next call will take, without taking it.
  const Step& peek_step() const { return steps_[position_].step; }
  const Step& take_step();

 private:
  struct ScriptedStep {
    Step step;
    std::size_t uses = 1;
    bool limited = false;
  };
  std::string method_;  // empty: any method
  UrlMatch url_;
  std::vector<std::pair<std::string, std::string>> headers_;
  std::vector<std::function<bool(std::string_view)>> body_predicates_;
  std::vector<std::function<bool(const RecordedRequest&)>> predicates_;
  std::vector<ScriptedStep> steps_;
  std::size_t position_ = 0;  // index into steps_
  std::size_t used_ = 0;      // uses of steps_[position_]
  std::size_t calls_ = 0;
};

}  // namespace hipp::mock
