#include "bindings/cli/cli_options.hpp"

#include "transports/tls/detail/verify_checks.hpp"

#include <cerrno>
#include <cstdlib>
#include <limits>
#include <string>

namespace hipp::cli {

namespace {

Result<double> parse_seconds(const std::string& flag, const std::string& value) {
  char* end = nullptr;
  double s = std::strtod(value.c_str(), &end);
  if (value.empty() || end != value.c_str() + value.size() || !(s >= 0)) {
    return fail(ErrorCode::invalid_state, flag + ": expected seconds, got '" + value + "'");
  }
  return s;
}

// curl's -d: "@file" reads the file with CR and LF removed; several -d join with '&'.
Result<void> add_data(CliOptions& o, CliOptions::DataKind kind, const std::string& value,
                      Result<std::string> (*read_file)(const std::string&), bool at_reads_file = true) {
  std::string piece = value;
  if (at_reads_file && !value.empty() && value[0] == '@') {
    if (kind == CliOptions::DataKind::binary && !o.data) {
      o.data_file = value.substr(1);  // streamed from disk by the client, not loaded
      o.data_kind = kind;
      return {};
    }
    auto content = read_file(value.substr(1));
    if (!content) return Unexpected{std::move(content).error()};
    piece = std::move(*content);
    if (kind == CliOptions::DataKind::form) {
      std::erase(piece, '\r');
      std::erase(piece, '\n');
    }
  }
  if (o.data_file) return fail(ErrorCode::invalid_state, "--data-binary @file cannot be combined with other data");
  if (o.data_kind != CliOptions::DataKind::none && o.data_kind != kind &&
      (o.data_kind == CliOptions::DataKind::json || kind == CliOptions::DataKind::json)) {
    return fail(ErrorCode::invalid_state, "--json cannot be combined with -d");
  }
  // curl joins -d pieces with '&', but --json pieces are concatenated as they are.
  if (o.data) {
    if (kind != CliOptions::DataKind::json) *o.data += '&';
    *o.data += piece;
  } else {
    o.data = std::move(piece);
  }
  if (o.data_kind == CliOptions::DataKind::none || kind == CliOptions::DataKind::json) o.data_kind = kind;
  return {};
}

// curl's --data-urlencode: "content", "=content", "name=content", "@file", "name@file". The content is
// percent-encoded (everything but ALPHA DIGIT - . _ ~; space is %20, as curl_easy_escape does); the
// name is sent as given.
Result<void> add_data_urlencode(CliOptions& o, const std::string& value,
                                Result<std::string> (*read_file)(const std::string&)) {
  const std::size_t eq = value.find('=');
  const std::size_t at = value.find('@');
  std::string name;
  std::string content;
  if (eq != std::string::npos && (at == std::string::npos || eq < at)) {
    name = value.substr(0, eq);
    content = value.substr(eq + 1);
  } else if (at != std::string::npos) {
    name = value.substr(0, at);
    auto file = read_file(value.substr(at + 1));
    if (!file) return Unexpected{std::move(file).error()};
    content = std::move(*file);
  } else {
    content = value;
  }
  constexpr char kHex[] = "0123456789ABCDEF";
  std::string piece = name.empty() ? std::string() : name + "=";
  for (char c : content) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      piece += c;
    } else {
      const auto b = static_cast<unsigned char>(c);
      piece += '%';
      piece += kHex[b >> 4];
      piece += kHex[b & 0x0F];
    }
  }
  return add_data(o, CliOptions::DataKind::form, piece, read_file, /*at_reads_file=*/false);
}

// curl's -F: "name=value", "name=@path[;type=T][;filename=F]" (a file part), "name=<path" (the file's
// content as a text value). Parameters after ';' are read for @ and < forms only.
Result<void> add_form(CliOptions& o, const std::string& arg, Result<std::string> (*read_file)(const std::string&)) {
  const std::size_t eq = arg.find('=');
  if (eq == std::string::npos || eq == 0) return fail(ErrorCode::invalid_state, "-F: expected name=content, got '" + arg + "'");
  FormArg f{.name = arg.substr(0, eq), .value = arg.substr(eq + 1)};
  if (!f.value.empty() && (f.value[0] == '@' || f.value[0] == '<')) {
    const bool file = f.value[0] == '@';
    std::string rest = f.value.substr(1);
    std::size_t semi = rest.find(';');
    f.value = rest.substr(0, semi);
    while (semi != std::string::npos) {
      const std::size_t next = rest.find(';', semi + 1);
      const std::string param = rest.substr(semi + 1, next == std::string::npos ? std::string::npos : next - semi - 1);
      if (param.rfind("type=", 0) == 0) {
        f.type = param.substr(5);
      } else if (param.rfind("filename=", 0) == 0) {
        std::string name = param.substr(9);
        if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
        f.filename = std::move(name);
      } else if (!param.empty()) {
        return fail(ErrorCode::invalid_state, "-F: unknown parameter '" + param + "' in '" + arg + "'");
      }
      semi = next;
    }
    if (file) {
      f.is_file = true;
    } else {
      auto content = read_file(f.value);
      if (!content) return Unexpected{std::move(content).error()};
      f.value = std::move(*content);
    }
  }
  o.form.push_back(std::move(f));
  return {};
}

// curl's integer flags (--retry, --max-redirs): decimal, at least `min`.
Result<int> parse_count(const std::string& flag, const std::string& value, long min) {
  char* end = nullptr;
  errno = 0;
  long n = std::strtol(value.c_str(), &end, 10);
  if (value.empty() || end != value.c_str() + value.size() || errno == ERANGE || n < min ||
      n > std::numeric_limits<int>::max()) {
    return fail(ErrorCode::invalid_state, flag + ": expected a number >= " + std::to_string(min) + ", got '" +
                                              value + "'");
  }
  return static_cast<int>(n);
}

}  // namespace

Result<CliOptions> parse_cli(const std::vector<std::string>& args,
                             Result<std::string> (*read_file)(const std::string& path)) {
  CliOptions o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> Result<std::string> {
      if (i + 1 >= args.size()) return fail(ErrorCode::invalid_state, "option " + a + " needs a value");
      return args[++i];
    };
    auto with_value = [&](auto apply) -> Result<void> {
      auto v = value();
      if (!v) return Unexpected{std::move(v).error()};
      return apply(*v);
    };
    Result<void> ok;
    if (a == "-X" || a == "--request") {
      ok = with_value([&](const std::string& v) -> Result<void> { o.method = v; return {}; });
    } else if (a == "-H" || a == "--header") {
      ok = with_value([&](const std::string& v) -> Result<void> { o.headers.push_back(v); return {}; });
    } else if (a == "-d" || a == "--data" || a == "--data-ascii") {
      ok = with_value([&](const std::string& v) { return add_data(o, CliOptions::DataKind::form, v, read_file); });
    } else if (a == "--data-binary" || a == "--data-raw") {
      ok = with_value([&](const std::string& v) {
        return add_data(o, CliOptions::DataKind::binary, v, read_file, /*at_reads_file=*/a == "--data-binary");
      });
    } else if (a == "--data-urlencode") {
      ok = with_value([&](const std::string& v) { return add_data_urlencode(o, v, read_file); });
    } else if (a == "-F" || a == "--form") {
      ok = with_value([&](const std::string& v) { return add_form(o, v, read_file); });
    } else if (a == "--json") {
      ok = with_value([&](const std::string& v) { return add_data(o, CliOptions::DataKind::json, v, read_file); });
    } else if (a == "-i" || a == "--include") {
      o.include_headers = true;
    } else if (a == "-I" || a == "--head") {
      o.head = true;
    } else if (a == "-o" || a == "--output") {
      ok = with_value([&](const std::string& v) -> Result<void> { o.outputs.push_back(v); return {}; });
    } else if (a == "-s" || a == "--silent") {
      o.silent = true;
    } else if (a == "-S" || a == "--show-error") {
      o.show_error = true;
    } else if (a == "-sS" || a == "-Ss") {
      o.silent = o.show_error = true;
    } else if (a == "-v" || a == "--verbose") {
      o.verbose = true;
    } else if (a == "-f" || a == "--fail") {
      o.fail = true;
    } else if (a == "--connect-timeout") {
      ok = with_value([&](const std::string& v) -> Result<void> {
        auto s = parse_seconds(a, v);
        if (!s) return Unexpected{std::move(s).error()};
        o.connect_timeout = *s;
        return {};
      });
    } else if (a == "-m" || a == "--max-time") {
      ok = with_value([&](const std::string& v) -> Result<void> {
        auto s = parse_seconds(a, v);
        if (!s) return Unexpected{std::move(s).error()};
        o.max_time = *s;
        return {};
      });
    } else if (a == "-L" || a == "--location") {
      o.location = true;
    } else if (a == "--max-redirs") {
      ok = with_value([&](const std::string& v) -> Result<void> {
        auto n = parse_count(a, v, -1);
        if (!n) return Unexpected{std::move(n).error()};
        o.max_redirs = *n;
        return {};
      });
    } else if (a == "--retry") {
      ok = with_value([&](const std::string& v) -> Result<void> {
        auto n = parse_count(a, v, 0);
        if (!n) return Unexpected{std::move(n).error()};
        o.retry = *n;
        return {};
      });
    } else if (a == "--retry-delay" || a == "--retry-max-time") {
      ok = with_value([&](const std::string& v) -> Result<void> {
        auto s = parse_seconds(a, v);
        if (!s) return Unexpected{std::move(s).error()};
        (a == "--retry-delay" ? o.retry_delay : o.retry_max_time) = *s;
        return {};
      });
    } else if (a == "-u" || a == "--user") {
      ok = with_value([&](const std::string& v) -> Result<void> { o.user = v; return {}; });
    } else if (a == "--digest") {
      o.digest = true;
    } else if (a == "--basic") {
      o.digest = false;  // curl: the last of --basic / --digest wins
    } else if (a == "--oauth2-bearer") {
      ok = with_value([&](const std::string& v) -> Result<void> { o.oauth2_bearer = v; return {}; });
    } else if (a == "--compressed") {
      o.compressed = true;
    } else if (a == "-k" || a == "--insecure") {
      o.insecure = true;
    } else if (a == "--cacert") {
      ok = with_value([&](const std::string& v) -> Result<void> { o.cacert = v; return {}; });
    } else if (a == "--capath") {
      ok = with_value([&](const std::string& v) -> Result<void> { o.capath = v; return {}; });
    } else if (a == "-E" || a == "--cert") {
      ok = with_value([&](const std::string& v) -> Result<void> { o.cert = v; return {}; });
    } else if (a == "--key") {
      ok = with_value([&](const std::string& v) -> Result<void> { o.key = v; return {}; });
    } else if (a == "--pass") {
      ok = with_value([&](const std::string& v) -> Result<void> { o.pass = v; return {}; });
    } else if (a == "-b" || a == "--cookie") {
      ok = with_value([&](const std::string& v) -> Result<void> { o.cookies.push_back(v); return {}; });
    } else if (a == "-c" || a == "--cookie-jar") {
      ok = with_value([&](const std::string& v) -> Result<void> { o.cookie_jar = v; return {}; });
    } else if (a == "--http1.1") {
      o.http_version = CliOptions::HttpVersion::http1_1;
    } else if (a == "--http2") {
      o.http_version = CliOptions::HttpVersion::http2;
    } else if (a == "--http2-prior-knowledge") {
      o.http_version = CliOptions::HttpVersion::http2_prior_knowledge;
    } else if (a == "--pinnedpubkey") {
      ok = with_value([&](const std::string& v) -> Result<void> {
        // Checked here so a typo is a usage error (2) before any connection; curl's file form is not supported.
        if (!tls::detail::parse_pinned_public_keys(v)) {
          return fail(ErrorCode::invalid_state,
                      "option --pinnedpubkey: expected sha256//<base64>[;sha256//<base64>...]");
        }
        o.pinnedpubkey = v;
        return {};
      });
    } else if (a == "-h" || a == "--help") {
      o.help = true;
    } else if (a == "-V" || a == "--version") {
      o.version = true;
    } else if (a == "--url") {
      ok = with_value([&](const std::string& v) -> Result<void> { o.urls.push_back(v); return {}; });
    } else if (a.size() > 1 && a[0] == '-') {
      return fail(ErrorCode::invalid_state, "option " + a + ": is unknown");
    } else {
      o.urls.push_back(a);
    }
    if (!ok) return Unexpected{std::move(ok).error()};
  }
  if (o.urls.empty() && !o.help && !o.version) return fail(ErrorCode::invalid_state, "no URL specified");
  if (!o.form.empty() && (o.data || o.data_file)) {
    return fail(ErrorCode::invalid_state, "-F cannot be combined with -d, --data-* or --json");  // as curl
  }
  return o;
}

std::vector<std::pair<std::string, std::string>> parse_cookie_string(std::string_view s) {
  auto trim = [](std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    return v;
  };
  std::vector<std::pair<std::string, std::string>> out;
  while (!s.empty()) {
    const std::size_t semi = s.find(';');
    const std::string_view piece = s.substr(0, semi);
    s = semi == std::string_view::npos ? std::string_view{} : s.substr(semi + 1);
    const std::size_t eq = piece.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view name = trim(piece.substr(0, eq));
    if (name.empty()) continue;
    out.emplace_back(std::string(name), std::string(trim(piece.substr(eq + 1))));
  }
  return out;
}

std::string usage() {
  return R"(Usage: hipp [options] <url>...   (several URLs share connections, as with curl)
 -X, --request <method>     Request method (default GET, or POST with data)
 -H, --header <line>        Extra header "Name: value" (repeatable)
 -d, --data <data>          Form data (repeatable, joined with '&'); @file reads a file, CR/LF removed
     --data-urlencode <d>   Percent-encoded form data: content, =content, name=content, @file, name@file
 -F, --form <name=content>  multipart/form-data part: name=value, name=@file[;type=T][;filename=F], name=<file
     --data-binary <data>   Data as is; @file streams a file
     --data-raw <data>      Like --data-binary, '@' is not special
     --json <data>          JSON body; sets Content-Type and Accept to application/json
 -i, --include              Include the response head in the output
 -I, --head                 HEAD request; show the response head only
 -o, --output <file>        Write the body to <file> instead of stdout (one -o per URL, in order)
 -s, --silent               No progress meter, no error messages (unless -S). The meter is shown
                            on a terminal's stderr for transfers over a second, unless the body goes
                            to the terminal too
 -S, --show-error           With -s, still show errors
 -v, --verbose              Show the request and response heads as sent and received
 -f, --fail                 Exit 22 on HTTP status >= 400, without output
     --connect-timeout <s>  Limit on connecting, in seconds
 -m, --max-time <s>         Limit on each transfer attempt, in seconds
 -L, --location             Follow redirects (without it a 3xx is returned as is)
     --max-redirs <n>       With -L, at most <n> redirects (default 50; -1 unlimited)
     --retry <n>            Retry transient failures <n> times: timeouts, connect errors, and
                            HTTP 408, 429, 500, 502, 503, 504 (waits 1 s, doubling up to 10 min,
                            or the server's Retry-After)
     --retry-delay <s>      Wait exactly <s> seconds between retries (0: the doubling above)
     --retry-max-time <s>   Stop retrying once the waits would pass <s> seconds (0: no limit)
 -u, --user <user:pass>     Credentials, sent with Basic auth (or Digest with --digest)
     --digest               Use Digest auth (RFC 7616) for -u
     --basic                Use Basic auth for -u (the default)
     --oauth2-bearer <tok>  Send "Authorization: Bearer <tok>"
     --compressed           Ask for a compressed response (gzip, deflate, br, zstd) and output it
                            decoded; without it the body is output exactly as received
 -k, --insecure             Do not verify the server's certificate (https)
     --cacert <file>        Trust the CA certificates in <file> (PEM) instead of the system bundle
     --capath <dir>         Trust the CA certificates in <dir>
 -b, --cookie <data|file>   Send cookies "name=value; n2=v2" (to each URL's own origin, never to
                            another one after a redirect), or load a Netscape cookie file into the jar
 -c, --cookie-jar <file>    Write every cookie to <file> (Netscape format, curl's) at exit; "-" is stdout
 -E, --cert <file>          Client certificate (PEM) for servers that ask for one
     --key <file>           Its private key (PEM); --pass <phrase> if it is encrypted
     --pinnedpubkey <hashes>  Refuse the server unless its public key's SHA-256 is one of
                            "sha256//<base64>[;sha256//<base64>...]" (checked besides verification)
     --http1.1              Use HTTP/1.1 only
     --http2                Offer HTTP/2 on https by ALPN, falling back to HTTP/1.1 (the default)
     --http2-prior-knowledge  Speak HTTP/2 at once, also on http:// (h2c, no upgrade)
 -V, --version              Show the version
 -h, --help                 This help
Exit codes as curl's: 3 bad URL, 6 cannot resolve, 7 cannot connect, 18 partial body,
22 HTTP error with --fail, 23 write error, 26 read error, 28 timeout, 35 TLS handshake failure,
47 too many redirects, 52 empty reply, 56 receive failure, 60 certificate refused,
61 bad content encoding (--compressed), 90 --pinnedpubkey mismatch.
)";
}

}  // namespace hipp::cli
