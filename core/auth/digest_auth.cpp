#include "core/auth/digest_auth.hpp"

#include <array>
#include <optional>

#include "core/auth/challenge.hpp"
#include "core/auth/detail/digest.hpp"

namespace hipp::auth {

namespace detail {

// What one DigestAuth remembers across requests: the last challenge it answered, for one origin.
struct DigestSession {
  url::Url origin;  // the request the challenge answered; only its origin matters
  DigestChallenge challenge;
  std::uint32_t nc = 0;     // of the last answer sent on challenge.nonce
  std::string sess_cnonce;  // -sess: the first cnonce on this nonce (see the header)
};

struct DigestState {
  std::string user;
  std::string password;
  std::optional<DigestSession> session;
};

namespace {

constexpr std::size_t kCnonceBytes = 16;

class DigestFlow final : public AuthFlow {
 public:
  explicit DigestFlow(std::shared_ptr<DigestState> state) : state_(std::move(state)) {}

  Result<void> on_request(AuthRequest& request, const RandomBytes& random) override {
    if (!first_url_) first_url_ = request.url;
    sent_nonce_.reset();
    in_origin_ = same_origin(*first_url_, request.url);
    if (!in_origin_) {
      // Credentials stay with the first request's origin, even if the exchange reused the headers
      // of an attempt that carried our answer.
      if (!last_authorization_.empty() && request.headers.get("Authorization") == last_authorization_) {
        request.headers.remove("Authorization");
      }
      return {};
    }
    auto& session = state_->session;
    if (!session || !same_origin(session->origin, request.url)) return {};

    std::string cnonce;
    if (session->challenge.qop_auth) {
      if (session->challenge.sess && !session->sess_cnonce.empty()) {
        cnonce = session->sess_cnonce;
      } else {
        if (!random) return fail(ErrorCode::invalid_state, "DigestAuth needs a RandomBytes source for its cnonce");
        std::array<std::byte, kCnonceBytes> bytes{};
        random(bytes);
        cnonce = to_hex(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
        if (session->challenge.sess) session->sess_cnonce = cnonce;
      }
    }
    const std::string uri = request.url.request_uri();
    const DigestAnswer answer{state_->user, state_->password, request.method, uri, session->nc + 1, cnonce};
    auto authorization = digest_authorization(session->challenge, answer);
    if (!authorization) return Unexpected{std::move(authorization).error()};
    ++session->nc;
    request.headers.set("Authorization", *authorization);
    last_authorization_ = std::move(*authorization);
    sent_nonce_ = session->challenge.nonce;
    return {};
  }

  Result<bool> on_response(const AuthResponse& response) override {
    if (!in_origin_) return false;
    auto& session = state_->session;
    if (response.status != 401) {
      if (sent_nonce_ && session && session->challenge.nonce == *sent_nonce_) take_next_nonce(response.headers);
      return false;
    }
    auto challenge = select_digest_challenge(response.headers);
    if (sent_nonce_) {
      // Our answer was refused. Re-answer only a stale nonce (bounded) or, once, a nonce that was
      // stored from an earlier request and that the server no longer knows.
      const bool stale = challenge && challenge->stale && stale_answers_ < DigestAuth::kMaxStaleAnswers;
      const bool fresh_after_stored = challenge && !stale && answers_ == 0 && stale_answers_ == 0;
      if (!stale && !fresh_after_stored) {
        if (session && session->challenge.nonce == *sent_nonce_) session.reset();  // wrong credentials
        return false;
      }
      if (stale) {
        ++stale_answers_;
      } else {
        ++answers_;
      }
    } else {
      // No credentials went out: answer the challenge, once per request.
      if (!challenge || answers_ > 0) return false;
      ++answers_;
    }
    session = DigestSession{*first_url_, std::move(*challenge), 0, {}};
    return true;
  }

 private:
  // RFC 7616 §3.5: Authentication-Info's nextnonce replaces the nonce for the next answer (nc from 1).
  void take_next_nonce(const Headers& headers) {
    const auto info = headers.get("Authentication-Info");
    if (!info) return;
    const auto params = parse_auth_params(*info);
    if (!params) return;
    for (const AuthParam& param : *params) {
      if (iequals(param.name, "nextnonce") && !param.value.empty()) {
        state_->session->challenge.nonce = param.value;
        state_->session->nc = 0;
        state_->session->sess_cnonce.clear();
      }
    }
  }

  std::shared_ptr<DigestState> state_;
  std::optional<url::Url> first_url_;      // credentials go only to this URL's origin
  bool in_origin_ = false;                 // the last attempt went to that origin
  std::optional<std::string> sent_nonce_;  // the nonce the last attempt answered with, if any
  std::string last_authorization_;         // the last Authorization value this flow set
  int answers_ = 0;                        // fresh challenges answered in this request
  int stale_answers_ = 0;                  // stale challenges answered in this request
};

}  // namespace

}  // namespace detail

DigestAuth::DigestAuth(std::string_view user, std::string_view password)
    : state_(std::make_shared<detail::DigestState>(detail::DigestState{std::string(user), std::string(password), {}})) {
}

std::unique_ptr<AuthFlow> DigestAuth::start_flow() { return std::make_unique<detail::DigestFlow>(state_); }

std::uint32_t DigestAuth::nonce_count() const noexcept { return state_->session ? state_->session->nc : 0; }

std::string_view DigestAuth::nonce() const noexcept {
  return state_->session ? std::string_view(state_->session->challenge.nonce) : std::string_view();
}

}  // namespace hipp::auth
