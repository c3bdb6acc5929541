#include "transports/api/libpsl_suffix_list.hpp"

#include <string>

#include <libpsl.h>

namespace hipp {

namespace {
const psl_ctx_t* as_ctx(const void* p) { return static_cast<const psl_ctx_t*>(p); }
}  // namespace

LibpslSuffixList::LibpslSuffixList() {
  ctx_ = psl_builtin();
  if (ctx_ == nullptr) {
    ctx_ = psl_latest(nullptr);
    owned_ = ctx_ != nullptr;
  }
}

LibpslSuffixList::~LibpslSuffixList() {
  // psl_free() takes a non-const pointer; the context is ours (psl_latest() allocated it).
  if (owned_) psl_free(const_cast<psl_ctx_t*>(as_ctx(ctx_)));
}

bool LibpslSuffixList::is_public_suffix(std::string_view domain) const {
  if (ctx_ == nullptr || domain.empty()) return false;
  const std::string z(domain);  // libpsl wants a NUL-terminated string
  return psl_is_public_suffix2(as_ctx(ctx_), z.c_str(), PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) != 0;
}

std::shared_ptr<const cookies::PublicSuffixList> system_public_suffixes() {
  static const auto list = std::make_shared<const LibpslSuffixList>();
  return list;
}

}  // namespace hipp
