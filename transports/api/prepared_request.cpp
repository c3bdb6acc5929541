#include "transports/api/prepared_request.hpp"

#include <filesystem>
#include <system_error>

#include "core/body/fields.hpp"
#include "core/body/json.hpp"
#include "core/message/method.hpp"

namespace hipp {

namespace {

// Moves fields and json into the URL or the body, as Hip's request() does.
Result<void> encode_request_data(std::string_view method_name, RequestOptions& options, url::Url& url,
                                 std::optional<std::string>& content_type) {
  const bool has_body = !std::holds_alternative<std::monostate>(options.body);
  const bool multipart = !options.files.empty() || options.encode_multipart;
  if (multipart) {
    if (method::encodes_fields_in_url(method_name)) {
      return fail(ErrorCode::invalid_state, "files cannot be sent with " + std::string(method_name));
    }
    if (has_body || options.json) return fail(ErrorCode::invalid_state, "files cannot be combined with body or json");
    std::vector<FormPart> parts;
    parts.reserve(options.fields.size() + options.files.size());
    for (auto& [name, value] : options.fields) parts.push_back(FormPart{std::move(name), std::move(value)});
    for (auto& [name, file] : options.files) parts.push_back(FormPart{std::move(name), std::move(file)});
    options.fields.clear();
    options.files.clear();
    auto encoder = MultipartEncoder::create(std::move(parts), options.multipart);
    if (!encoder) return Unexpected{std::move(encoder).error()};
    options.body = std::move(*encoder);
  }
  if (auto* encoder = std::get_if<MultipartEncoder>(&options.body)) {
    if (!options.fields.empty() || options.json) {
      return fail(ErrorCode::invalid_state, "a MultipartEncoder body cannot be combined with fields or json");
    }
    content_type = encoder->content_type();
    if (!encoder->layout().has_sources()) {
      // All in memory: the one owned segment is the body, sent as bytes by the exchange itself.
      const auto& layout = encoder->layout();
      std::string bytes(as_chars(layout.text(std::get<body::TextSegment>(layout.segments().front()))));
      options.body = std::move(bytes);
    }
    return {};
  }
  if (options.json && (has_body || (!options.fields.empty() && !method::encodes_fields_in_url(method_name)))) {
    return fail(ErrorCode::invalid_state, "json cannot be combined with body or form fields");
  }
  if (!options.fields.empty()) {
    if (method::encodes_fields_in_url(method_name)) {
      auto query = body::urlencode(options.fields);
      url.query = url.query && !url.query->empty() ? *url.query + "&" + query : query;
    } else {
      if (has_body) return fail(ErrorCode::invalid_state, "fields and body cannot both be given for " + std::string(method_name));
      auto form = body::encode_form(options.fields);
      options.body = std::move(form.data);
      content_type = std::move(form.content_type);
    }
  }
  if (options.json) {
    auto encoded = body::encode_json(*options.json);
    options.body = std::move(encoded.data);
    content_type = std::move(encoded.content_type);
  }
  return {};
}

Result<std::optional<std::uint64_t>> body_length(const Body& body) {
  if (std::holds_alternative<std::monostate>(body)) return std::optional<std::uint64_t>{};
  if (const auto* bytes = std::get_if<std::string>(&body)) return std::optional<std::uint64_t>{bytes->size()};
  if (const auto* file = std::get_if<FileBody>(&body)) {
    std::error_code ec;
    auto size = std::filesystem::file_size(file->path, ec);
    if (ec) return fail(ErrorCode::body_source_failed, "cannot read body file '" + file->path.string() + "': " + ec.message());
    return std::optional<std::uint64_t>{size};
  }
  if (const auto* multipart = std::get_if<MultipartEncoder>(&body)) return multipart->content_length();
  return std::optional<std::uint64_t>{};  // a generator: size unknown, sent chunked
}

}  // namespace

Result<PreparedRequest> prepare_request(std::string_view method_name, std::string_view url_text, RequestOptions&& options,
                                        const Headers& default_headers) {
  if (auto ok = method::validate(method_name); !ok) return Unexpected{std::move(ok).error()};
  auto parsed = url::parse(url_text);
  if (!parsed) return Unexpected{std::move(parsed).error()};
  url::Url url = std::move(*parsed);
  if (url.scheme.empty()) url.scheme = "http";  // Hip: a scheme-less URL means http
  if (url.scheme != "http" && url.scheme != "https") {
    return fail(ErrorCode::invalid_url, "scheme '" + url.scheme + "' is not supported (http and https are)");
  }
  if (url.host.empty()) return fail(ErrorCode::invalid_url, "no host in '" + std::string(url_text) + "'");

  std::optional<std::string> content_type;
  if (auto ok = encode_request_data(method_name, options, url, content_type); !ok) return Unexpected{std::move(ok).error()};
  auto length = body_length(options.body);
  if (!length) return Unexpected{std::move(length).error()};

  PreparedRequest req;
  req.method = std::string(method_name);
  req.target = url.request_uri();
  req.content_length = *length;
  req.body = std::move(options.body);

  // Host first, as browsers and curl send it; then defaults, then the caller's.
  Headers& h = req.headers;
  h.reserve(default_headers.size() + options.headers.size() + 4);
  if (!options.headers.contains("Host")) h.add("Host", url.host_header());
  for (const auto& f : default_headers) {
    if (!options.headers.contains(f.name)) h.add(f.name, f.value);
  }
  h.extend(options.headers);
  h.set_default("User-Agent", kDefaultUserAgent);
  h.set_default("Accept", "*/*");
  if (content_type) h.set_default("Content-Type", *content_type);
  if (!std::holds_alternative<std::monostate>(req.body)) {
    if (req.content_length) {
      if (!h.contains("Content-Length") && !h.contains("Transfer-Encoding")) {
        h.add("Content-Length", std::to_string(*req.content_length));
      }
    } else if (!h.contains("Transfer-Encoding")) {
      h.add("Transfer-Encoding", "chunked");
    }
  } else if (method_name == "POST" || method_name == "PUT" || method_name == "PATCH") {
    // RFC 9110 §8.6: a body method without a body says so, or some servers wait for one.
    h.set_default("Content-Length", "0");
  }
  // Remembered by `h` until it changes, so the HTTP/1.1 machine does not check these fields again.
  if (auto ok = h.validate(); !ok) return Unexpected{std::move(ok).error()};
  req.expect_continue = h.has_token("Expect", "100-continue");
  req.url = std::move(url);
  return req;
}

}  // namespace hipp
