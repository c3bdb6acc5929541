#include "transports/mock/detail/request_parser.hpp"

namespace hipp::mock::detail {

namespace {
RequestParser& self(llhttp_t* p) { return *static_cast<RequestParser*>(p->data); }
}  // namespace

RequestParser::RequestParser() {
  llhttp_settings_init(&settings_);
  settings_.on_method = &RequestParser::on_method;
  settings_.on_url = &RequestParser::on_url;
  settings_.on_header_field = &RequestParser::on_header_field;
  settings_.on_header_value = &RequestParser::on_header_value;
  settings_.on_header_value_complete = &RequestParser::on_header_value_complete;
  settings_.on_headers_complete = &RequestParser::on_headers_complete;
  settings_.on_body = &RequestParser::on_body;
  settings_.on_message_complete = &RequestParser::on_message_complete;
  reset();
}

void RequestParser::reset() {
  llhttp_init(&parser_, HTTP_REQUEST, &settings_);
  parser_.data = this;
  method_.clear();
  target_.clear();
  field_.clear();
  value_.clear();
  body_.clear();
  error_.clear();
  headers_.clear();
  head_complete_ = false;
  message_complete_ = false;
}

bool RequestParser::feed(std::string_view bytes) {
  if (bytes.empty()) return error_.empty();
  const llhttp_errno_t rc = llhttp_execute(&parser_, bytes.data(), bytes.size());
  if (rc == HPE_OK || rc == HPE_PAUSED) return true;
  error_ = std::string(llhttp_errno_name(rc)) + ": " + llhttp_get_error_reason(&parser_);
  return false;
}

int RequestParser::on_method(llhttp_t* p, const char* at, std::size_t n) {
  self(p).method_.append(at, n);
  return 0;
}
int RequestParser::on_url(llhttp_t* p, const char* at, std::size_t n) {
  self(p).target_.append(at, n);
  return 0;
}
int RequestParser::on_header_field(llhttp_t* p, const char* at, std::size_t n) {
  self(p).field_.append(at, n);
  return 0;
}
int RequestParser::on_header_value(llhttp_t* p, const char* at, std::size_t n) {
  self(p).value_.append(at, n);
  return 0;
}
int RequestParser::on_header_value_complete(llhttp_t* p) {
  RequestParser& r = self(p);
  r.headers_.add(r.field_, r.value_);
  r.field_.clear();
  r.value_.clear();
  return 0;
}
int RequestParser::on_headers_complete(llhttp_t* p) {
  self(p).head_complete_ = true;
  return 0;
}
int RequestParser::on_body(llhttp_t* p, const char* at, std::size_t n) {
  self(p).body_.append(at, n);
  return 0;
}
int RequestParser::on_message_complete(llhttp_t* p) {
  self(p).message_complete_ = true;
  return HPE_PAUSED;  // one request at a time: the next one waits for reset()
}

}  // namespace hipp::mock::detail
