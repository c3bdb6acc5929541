#include "transports/mock/route.hpp"

#include "transports/mock/recorded_request.hpp"

namespace hipp::mock {

bool UrlMatch::matches(std::string_view url) const {
  switch (kind) {
    case Kind::any: return true;
    case Kind::exact: return url == text;
    case Kind::prefix: return url.substr(0, text.size()) == text;
    case Kind::regex: return std::regex_search(url.begin(), url.end(), *pattern);
  }
  return false;
}

std::string UrlMatch::describe() const {
  switch (kind) {
    case Kind::any: return "any URL";
    case Kind::exact: return text;
    case Kind::prefix: return text + "*";
    case Kind::regex: return "/" + text + "/";
  }
  return {};
}

UrlMatch any_url() { return UrlMatch{}; }
UrlMatch exact(std::string url) { return UrlMatch{UrlMatch::Kind::exact, std::move(url), std::nullopt}; }
UrlMatch prefix(std::string url_prefix) { return UrlMatch{UrlMatch::Kind::prefix, std::move(url_prefix), std::nullopt}; }
UrlMatch regex(std::string ecmascript_pattern) {
  std::regex pattern(ecmascript_pattern, std::regex::ECMAScript);
  return UrlMatch{UrlMatch::Kind::regex, std::move(ecmascript_pattern), std::move(pattern)};
}

Route& Route::with_header(std::string name, std::string value) {
  headers_.emplace_back(std::move(name), std::move(value));
  return *this;
}

Route& Route::with_body(std::function<bool(std::string_view)> predicate) {
  body_predicates_.push_back(std::move(predicate));
  return *this;
}

Route& Route::when(std::function<bool(const RecordedRequest&)> predicate) {
  predicates_.push_back(std::move(predicate));
  return *this;
}

Route& Route::reply(int status, std::string body, Headers headers) {
  return reply(Reply{status, std::move(body), std::move(headers), {}});
}

Route& Route::reply(Reply r) {
  steps_.push_back(ScriptedStep{Step{std::move(r), std::nullopt, {}, {}}});
  return *this;
}

Route& Route::reply_with(std::function<Reply(const RecordedRequest&)> handler) {
  steps_.push_back(ScriptedStep{Step{std::nullopt, std::nullopt, {}, std::move(handler)}});
  return *this;
}

Route& Route::fault(Fault f) {
  steps_.push_back(ScriptedStep{Step{std::nullopt, std::move(f), {}, {}}});
  return *this;
}

Route& Route::after(Duration d) {
  if (!steps_.empty()) steps_.back().step.delay = d;
  return *this;
}

Route& Route::times(std::size_t n) {
  if (!steps_.empty()) {
    steps_.back().uses = n;
    steps_.back().limited = true;
  }
  return *this;
}

bool Route::exhausted() const noexcept {
  if (steps_.empty()) return false;
  const ScriptedStep& last = steps_.back();
  return position_ + 1 == steps_.size() && last.limited && used_ >= last.uses;
}

std::string Route::describe() const {
  return (method_.empty() ? std::string("ANY") : method_) + " " + url_.describe();
}

bool Route::matches(const RecordedRequest& request) const {
  if (exhausted() || steps_.empty()) return false;
  if (!method_.empty() && method_ != request.method) return false;
  if (!url_.matches(request.url)) return false;
  for (const auto& [name, value] : headers_) {
    bool found = false;
    for (auto v : request.headers.get_all(name)) found = found || v == value;
    if (!found) return false;
  }
  for (const auto& p : body_predicates_) {
    if (!p(request.body)) return false;
  }
  for (const auto& p : predicates_) {
    if (!p(request)) return false;
  }
  return true;
}

const Step& Route::take_step() {
  ++calls_;
  const ScriptedStep& current = steps_[position_];
  ++used_;
  if (used_ >= current.uses && position_ + 1 < steps_.size()) {
    ++position_;
    used_ = 0;
  }
  return current.step;
}

}  // namespace hipp::mock
