#include "transports/api/multipart_encoder.hpp"

#include <array>
#include <random>
#include <system_error>

#include "core/body/content_type_guess.hpp"
#include "transports/api/errors.hpp"

namespace hipp {

namespace {

// The size a stream will produce from where it stands, if it can seek; std::nullopt otherwise.
std::optional<std::uint64_t> remaining(std::istream& in, std::streampos start) {
  if (start == std::streampos(-1)) return std::nullopt;
  in.seekg(0, std::ios::end);
  const std::streampos end = in.tellg();
  in.clear();
  in.seekg(start);
  if (end == std::streampos(-1) || !in) {
    in.clear();
    return std::nullopt;
  }
  return static_cast<std::uint64_t>(end - start);
}

}  // namespace

Result<MultipartEncoder> MultipartEncoder::create(std::vector<FormPart> parts, const MultipartOptions& options,
                                                  Bytes random) {
  MultipartEncoder e;
  e.sources_ = std::make_shared<std::vector<Source>>();
  std::vector<body::MultipartPart> layout;
  layout.reserve(parts.size());
  for (auto& part : parts) {
    body::MultipartPart p{.name = std::move(part.name)};
    if (auto* text = std::get_if<std::string>(&part.value)) {
      p.content = std::move(*text);
      layout.push_back(std::move(p));
      continue;
    }
    MultipartFile& file = std::get<MultipartFile>(part.value);
    p.filename = std::move(file.filename);
    // Hip and hyperhttp: a file part always carries a type; guessed from the filename when there is one.
    p.content_type = file.content_type ? std::move(file.content_type)
                                       : std::optional<std::string>(std::string(
                                             body::guess_content_type(p.filename ? *p.filename : std::string_view{})));
    const FileContent::Value& value = file.content.value();
    if (const auto* bytes = std::get_if<std::string>(&value)) {
      p.content = file.size ? bytes->substr(0, static_cast<std::size_t>(*file.size)) : *bytes;
      if (file.size && *file.size > bytes->size()) {
        return fail(ErrorCode::invalid_form_field, "multipart part '" + p.name + "': size " +
                                                       std::to_string(*file.size) + " is larger than its " +
                                                       std::to_string(bytes->size()) + " bytes");
      }
      layout.push_back(std::move(p));
      continue;
    }
    Source source{file.content};
    std::optional<std::uint64_t> size = file.size;
    if (const auto* path = std::get_if<std::filesystem::path>(&value)) {
      if (!p.filename) {
        p.filename = path->filename().string();
        if (!file.content_type) p.content_type = std::string(body::guess_content_type(*p.filename));
      }
      if (!size) {
        std::error_code ec;
        const auto bytes = std::filesystem::file_size(*path, ec);
        if (ec) {
          return fail(ErrorCode::body_source_failed,
                      "cannot read multipart file '" + path->string() + "': " + ec.message());
        }
        size = bytes;
      }
    } else if (const auto* stream = std::get_if<std::shared_ptr<std::istream>>(&value)) {
      if (!*stream) return fail(ErrorCode::invalid_state, "multipart part '" + p.name + "': null stream");
      source.start = (*stream)->tellg();
      if (!size) size = remaining(**stream, source.start);
      if (source.start == std::streampos(-1)) e.rewindable_ = false;
    } else {
      e.rewindable_ = false;  // a generator
    }
    p.content = body::PartSource{e.sources_->size(), size};
    e.sources_->push_back(std::move(source));
    layout.push_back(std::move(p));
  }
  auto built = body::MultipartEncoder::create(std::move(layout), random,
                                              {.param_style = options.param_style, .chunk_size = options.chunk_size});
  if (!built) return Unexpected{std::move(built).error()};
  e.layout_ = std::make_shared<const body::MultipartEncoder>(std::move(*built));
  return e;
}

Result<MultipartEncoder> MultipartEncoder::create(std::vector<FormPart> parts, const MultipartOptions& options) {
  // Not the client's jitter generator: a boundary should not be predictable from earlier ones.
  std::random_device device;
  std::array<std::byte, body::kMinBoundaryRandomBytes> random{};
  for (std::size_t i = 0; i < random.size(); i += 4) {
    const auto word = device();
    for (std::size_t k = 0; k < 4; ++k) random[i + k] = static_cast<std::byte>((word >> (8 * k)) & 0xFF);
  }
  return create(std::move(parts), options, random);
}

MultipartEncoder::MultipartEncoder(std::vector<FormPart> parts, const MultipartOptions& options) {
  auto built = create(std::move(parts), options);
  if (!built) throw_error(std::move(built).error(), "");
  *this = std::move(*built);
}

}  // namespace hipp
