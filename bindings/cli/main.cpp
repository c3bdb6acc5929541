// hipp — a command-line HTTP client with curl's flags and exit codes, over the
// synchronous PoolManager. It is the README's demo and a debugging tool.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "bindings/cli/cli_options.hpp"
#include "bindings/cli/exit_code.hpp"
#include "bindings/cli/progress_meter.hpp"
#include "bindings/cli/transfer_policy.hpp"
#include <hipp/hipp.hpp>

namespace {

using hipp::cli::CliOptions;

hipp::Result<std::string> read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return hipp::fail(hipp::ErrorCode::body_source_failed, "cannot read '" + path + "'");
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

// Prints each line of a head with curl's -v prefix ("> " sent, "< " received).
void print_prefixed(std::string_view head, std::string_view prefix) {
  while (!head.empty()) {
    auto eol = head.find("\r\n");
    auto line = head.substr(0, eol);
    std::cerr << prefix << line << '\n';
    if (eol == std::string_view::npos) break;
    head.remove_prefix(eol + 2);
  }
}

void verbose_trace(hipp::TraceKind kind, std::string_view detail) {
  switch (kind) {
    case hipp::TraceKind::connecting: std::cerr << "*   Trying " << detail << "...\n"; break;
    case hipp::TraceKind::connected: std::cerr << "* Connected to " << detail << '\n'; break;
    case hipp::TraceKind::reused: std::cerr << "* Re-using existing connection to " << detail << '\n'; break;
    case hipp::TraceKind::request_head: print_prefixed(detail, "> "); break;
    case hipp::TraceKind::response_head: print_prefixed(detail, "< "); break;
    case hipp::TraceKind::closed: std::cerr << "* Closing connection: " << detail << '\n'; break;
  }
}

std::string head_text(const hipp::Response& r) {
  std::string out = r.version() + " " + std::to_string(r.status());
  if (!r.reason().empty() && r.version() != "HTTP/2") out += " " + r.reason();  // HTTP/2 has no reason phrase
  out += "\r\n";
  for (const auto& f : r.headers()) out.append(f.name).append(": ").append(f.value).append("\r\n");
  out += "\r\n";
  return out;
}

hipp::RequestOptions request_options(const CliOptions& o, const std::shared_ptr<hipp::auth::Auth>& auth) {
  hipp::RequestOptions req;
  req.preload_content = false;
  // curl: without --compressed the body is written exactly as received, Content-Encoding or not.
  req.decode_content = o.compressed;
  // -L / --max-redirs / --retry*: see transfer_policy.hpp. Without -L the 3xx is returned as it is.
  req.retries = hipp::cli::retry_policy(o);
  req.redirect = o.location;
  // -u / --oauth2-bearer; without them URL userinfo still becomes Basic, as in curl.
  if (auth) req.auth = auth;
  for (const auto& line : o.headers) {
    auto colon = line.find(':');
    if (colon == std::string::npos) {
      // curl: "Name;" sends the header with an empty value.
      if (!line.empty() && line.back() == ';') req.headers.add(line.substr(0, line.size() - 1), "");
      continue;
    }
    auto value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    if (value.empty()) continue;  // curl: "Name:" removes a header; hipp adds nothing
    req.headers.add(line.substr(0, colon), value);
  }
  switch (o.data_kind) {
    case CliOptions::DataKind::none: break;
    case CliOptions::DataKind::form:
    case CliOptions::DataKind::binary:
      req.headers.set_default("Content-Type", "application/x-www-form-urlencoded");
      break;
    case CliOptions::DataKind::json:
      req.headers.set_default("Content-Type", "application/json");
      req.headers.set_default("Accept", "application/json");
      break;
  }
  if (!o.form.empty()) {
    std::vector<hipp::FormPart> parts;
    for (const auto& f : o.form) {
      if (!f.is_file && !f.type) {
        parts.push_back({f.name, f.value});
        continue;
      }
      hipp::MultipartFile file{.filename = f.filename, .content_type = f.type};
      if (f.is_file) {
        file.content = std::filesystem::path(f.value);
      } else {
        file.content = f.value;  // -F 'name=text;type=…' is not parsed; name=<file;type=… is a typed text part
      }
      parts.push_back({f.name, std::move(file)});
    }
    req.body = hipp::MultipartEncoder(std::move(parts));  // throws RequestError (missing file), as request() does
  } else if (o.data_file) {
    req.body = hipp::FileBody{*o.data_file};
  } else if (o.data) {
    req.body = *o.data;
  }
  if (o.connect_timeout) req.timeout.emplace().connect = hipp::seconds(*o.connect_timeout);
  if (o.max_time) {
    if (!req.timeout) req.timeout.emplace();
    req.timeout->total = hipp::seconds(*o.max_time);
  }
  for (const auto& arg : o.cookies) {
    if (!hipp::cli::is_cookie_string(arg)) continue;  // a file: loaded into the jar by run()
    for (auto& pair : hipp::cli::parse_cookie_string(arg)) req.cookies.push_back(std::move(pair));
  }
  return req;
}

int report(const CliOptions& o, int code, const std::string& message) {
  if (!o.silent || o.show_error) std::cerr << "hipp: (" << code << ") " << message << '\n';
  return code;
}

// One transfer's progress meter on stderr (bindings/cli/progress_meter.hpp), timed from its construction.
class TerminalMeter {
 public:
  void upload(std::uint64_t sent, std::optional<std::uint64_t> total) {
    meter_.set_upload(sent, total);
    show(meter_.tick(elapsed()));
  }
  void download(std::uint64_t received, std::optional<std::uint64_t> total) {
    meter_.set_download(received, total);
    show(meter_.tick(elapsed()));
  }
  void finish() { show(meter_.finish(elapsed())); }

 private:
  std::chrono::steady_clock::duration elapsed() const { return std::chrono::steady_clock::now() - start_; }
  static void show(const std::string& text) {
    if (text.empty()) return;
    std::cerr << text;
    std::cerr.flush();
  }

  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  hipp::cli::ProgressMeter meter_;
};

// curl's rule: a meter on a terminal's stderr, unless -s, or the body itself goes to the terminal (stdout
// without -o), where the meter's lines would be mixed into it.
bool wants_meter(const CliOptions& o, const std::string* output_path) {
  return !o.silent && ::isatty(STDERR_FILENO) == 1 && (output_path != nullptr || ::isatty(STDOUT_FILENO) != 1);
}

std::optional<std::uint64_t> content_length(const hipp::Response& r) {
  auto value = r.headers().get("Content-Length");
  if (!value || value->empty() || value->size() > 18) return std::nullopt;  // 18 digits cannot overflow
  std::uint64_t n = 0;
  for (char c : *value) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

struct Outcome {
  int code = hipp::cli::kOk;
  std::string message{};
};

// The request and the writing of its response; `meter` (may be null) is fed as bytes move.
Outcome transfer(hipp::PoolManager& http, const CliOptions& o, const std::shared_ptr<hipp::auth::Auth>& auth,
                 const std::string& url, const std::string* output_path, TerminalMeter* meter) {
  std::string method = o.method.value_or(o.head ? "HEAD" : (o.data || o.data_file || !o.form.empty()) ? "POST" : "GET");
  std::ofstream file;
  std::ostream* out = &std::cout;
  try {
    hipp::RequestOptions options = request_options(o, auth);
    if (meter != nullptr) {
      options.upload_progress = [meter](std::uint64_t sent, std::optional<std::uint64_t> total) {
        meter->upload(sent, total);
      };
    }
    auto response = http.request(method, url, std::move(options));
    if (o.fail && response.status() >= 400) {
      return {hipp::cli::kHttpError, "The requested URL returned error: " + std::to_string(response.status())};
    }
    if (output_path) {
      file.open(*output_path, std::ios::binary | std::ios::trunc);
      if (!file) return {hipp::cli::kWriteError, "cannot write to '" + *output_path + "'"};
      out = &file;
    }
    if (o.include_headers || o.head) *out << head_text(response);
    if (!o.head) {
      const auto total = meter != nullptr ? content_length(response) : std::nullopt;
      for (const std::string& chunk : response.stream(64 * 1024)) {
        out->write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        if (!*out) return {hipp::cli::kWriteError, "failure writing output"};
        if (meter != nullptr) meter->download(response.bytes_read(), total);
      }
    }
    out->flush();
    if (!*out) return {hipp::cli::kWriteError, "failure writing output"};
  } catch (const hipp::HTTPError& e) {
    out->flush();
    return {hipp::cli::exit_code_for(e.error()), e.what()};
  }
  return {};
}

// Fetches one URL and writes it out. Returns 0 or curl's exit code.
int fetch(hipp::PoolManager& http, const CliOptions& o, const std::shared_ptr<hipp::auth::Auth>& auth,
          const std::string& url, const std::string* output_path) {
  std::optional<TerminalMeter> meter;
  if (wants_meter(o, output_path)) meter.emplace();
  const Outcome outcome = transfer(http, o, auth, url, output_path, meter ? &*meter : nullptr);
  if (meter) meter->finish();  // the meter's last line ends before any error message
  if (outcome.code != hipp::cli::kOk) return report(o, outcome.code, outcome.message);
  return hipp::cli::kOk;
}

// -c FILE: every cookie at exit, in curl's Netscape format; "-" is stdout. Like curl, a failure to write
// is a warning, not the transfer's exit code.
void write_cookie_jar(const CliOptions& o, const hipp::SharedCookieJar& jar) {
  const std::string content = jar.save_netscape(hipp::SharedCookieJar::unix_now());
  if (*o.cookie_jar == "-") {
    std::cout << content;
    std::cout.flush();
    return;
  }
  std::ofstream file(*o.cookie_jar, std::ios::binary | std::ios::trunc);
  file << content;
  file.flush();
  if (!file && !o.silent) std::cerr << "hipp: WARNING: failed to save cookies in " << *o.cookie_jar << '\n';
}

// Every URL over one PoolManager; like curl, the exit code is the last failure's.
int run(const CliOptions& o) {
  auto auth = hipp::cli::transfer_auth(o);
  if (!auth) return report(o, hipp::cli::kUsage, auth.error().message());
  hipp::PoolManagerOptions manager_options;
  manager_options.retries = false;  // curl: no retries, redirects not followed unless asked (each request says)
  if (o.verbose) manager_options.trace = verbose_trace;
  manager_options.accept_compressed = o.compressed;  // a -H "Accept-Encoding: ..." of the user's wins
  manager_options.tls.verify = !o.insecure;
  if (o.cacert) manager_options.tls.ca_certs = *o.cacert;
  if (o.capath) manager_options.tls.ca_cert_dir = *o.capath;
  if (o.cert) manager_options.tls.cert_file = *o.cert;
  if (o.key) manager_options.tls.key_file = *o.key;
  if (o.pass) manager_options.tls.key_password = *o.pass;
  // curl's cookie engine: on with a -b file or -c, off otherwise (-b "n=v" strings need no jar).
  const bool cookie_file = std::any_of(o.cookies.begin(), o.cookies.end(),
                                       [](const std::string& a) { return !hipp::cli::is_cookie_string(a); });
  std::shared_ptr<hipp::SharedCookieJar> jar;
  if (cookie_file || o.cookie_jar) {
    jar = std::make_shared<hipp::SharedCookieJar>();
    for (const auto& arg : o.cookies) {
      if (hipp::cli::is_cookie_string(arg)) continue;
      // curl: a -b file that cannot be read is ignored (the engine is still on).
      if (auto content = read_whole_file(arg)) jar->load_netscape(*content, hipp::SharedCookieJar::unix_now());
    }
  }
  manager_options.cookies = jar;
  manager_options.http2 = o.http_version != hipp::cli::CliOptions::HttpVersion::http1_1;
  manager_options.http2_prior_knowledge = o.http_version == hipp::cli::CliOptions::HttpVersion::http2_prior_knowledge;
  if (o.pinnedpubkey) manager_options.tls.pinned_public_key = *o.pinnedpubkey;
  hipp::PoolManager http(std::move(manager_options));
  int result = hipp::cli::kOk;
  for (std::size_t i = 0; i < o.urls.size(); ++i) {
    const std::string* output = i < o.outputs.size() ? &o.outputs[i] : nullptr;
    if (int code = fetch(http, o, *auth, o.urls[i], output); code != hipp::cli::kOk) result = code;
  }
  if (o.cookie_jar) write_cookie_jar(o, *jar);
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  std::vector<std::string> args(argv + 1, argv + argc);
  auto options = hipp::cli::parse_cli(args, read_whole_file);
  if (!options) {
    std::cerr << "hipp: " << options.error().detail << "\nhipp: try 'hipp --help' for more information\n";
    return options.error().code == hipp::ErrorCode::body_source_failed ? hipp::cli::kReadError : hipp::cli::kUsage;
  }
  if (options->help) {
    std::cout << hipp::cli::usage();
    return 0;
  }
  if (options->version) {
    std::cout << "hipp 0.1.0 (HTTP/1.1, HTTP/2; llhttp, nghttp2, mbedTLS)\n";
    return 0;
  }
  return run(*options);
}
