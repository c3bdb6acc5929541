#include "core/body/json.hpp"

#include <string>
#include <vector>

namespace hipp::body {

namespace {

using nlohmann::json;

// Builds the document from SAX events so that a syntax error arrives as a
// call to parse_error() (which records the message) instead of an exception.
class DomBuilder {
 public:
  explicit DomBuilder(json& root) : root_(root) {}

  bool null() { return put(nullptr) != nullptr; }
  bool boolean(bool v) { return put(v) != nullptr; }
  bool number_integer(json::number_integer_t v) { return put(v) != nullptr; }
  bool number_unsigned(json::number_unsigned_t v) { return put(v) != nullptr; }
  bool number_float(json::number_float_t v, const json::string_t&) { return put(v) != nullptr; }
  bool string(json::string_t& v) { return put(std::move(v)) != nullptr; }
  bool binary(json::binary_t& v) { return put(json::binary(std::move(v))) != nullptr; }
  bool start_object(std::size_t) {
    open_.push_back(put(json::object()));
    return true;
  }
  bool key(json::string_t& k) {
    key_ = std::move(k);
    return true;
  }
  bool end_object() {
    open_.pop_back();
    return true;
  }
  bool start_array(std::size_t) {
    open_.push_back(put(json::array()));
    return true;
  }
  bool end_array() {
    open_.pop_back();
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) {
    error_ = e.what();
    return false;
  }

  const std::string& error() const { return error_; }

 private:
  // Stores a value where the grammar says it goes. Pointers in open_ stay
  // valid: an array only grows after its open child has been closed, and
  // object members are map nodes.
  json* put(json value) {
    if (open_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    json& parent = *open_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(value));
      return &parent.back();
    }
    // A repeated key keeps the last value, as nlohmann's own parser does.
    json& slot = parent[key_];
    slot = std::move(value);
    return &slot;
  }

  json& root_;
  std::vector<json*> open_;
  std::string key_;
  std::string error_;
};

}  // namespace

EncodedBody encode_json(const nlohmann::json& value) {
  return EncodedBody{"application/json", value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

Result<nlohmann::json> parse_json(std::string_view text) {
  nlohmann::json root;
  DomBuilder builder(root);
  if (!nlohmann::json::sax_parse(text, &builder)) return fail(ErrorCode::decode_failed, builder.error());
  return root;
}

}  // namespace hipp::body
