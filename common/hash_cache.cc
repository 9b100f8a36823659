#include "common/hash_cache.h"

#include <sys/stat.h>

#include <boost/json.hpp>
#include <cerrno>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/read_file.h"
#include "common/sha256.h"

namespace json = boost::json;

namespace common {

HashCache::HashCache(std::filesystem::path cache_file) : cache_file_(std::move(cache_file)) {
  std::string text;
  try {
    text = read_file(cache_file_);
  } catch (const Error&) {
    return;
  }
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec || !doc.is_object()) return;  // a corrupt cache is only a cache: start again
  for (const auto& [path, value] : doc.as_object()) {
    const json::object* o = value.if_object();
    if (o == nullptr) continue;
    const json::value* size = o->if_contains("size");
    const json::value* mtime = o->if_contains("mtime_ns");
    // A cache written before ctime was recorded has none: such an entry is rehashed.
    const json::value* ctime = o->if_contains("ctime_ns");
    const json::value* inode = o->if_contains("inode");
    const json::value* sha = o->if_contains("sha256");
    if (!size || !mtime || !ctime || !inode || !sha || !size->is_int64() || !mtime->is_int64() ||
        !ctime->is_int64() || !inode->is_int64() || !sha->is_string()) {
      continue;
    }
    entries_[std::string(path)] =
        Entry{static_cast<std::uint64_t>(size->as_int64()), mtime->as_int64(), ctime->as_int64(),
              static_cast<std::uint64_t>(inode->as_int64()), std::string(sha->as_string())};
  }
}

std::string HashCache::sha256(const std::filesystem::path& path) {
  std::string key = std::filesystem::absolute(path).lexically_normal().string();
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    throw_system_error("cannot stat", path, errno, FileRole::kInput);
  }
  Entry current{static_cast<std::uint64_t>(st.st_size),
                static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec,
                static_cast<std::int64_t>(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec,
                static_cast<std::uint64_t>(st.st_ino), ""};
  auto it = entries_.find(key);
  if (it != entries_.end() && it->second.size == current.size &&
      it->second.mtime_ns == current.mtime_ns && it->second.ctime_ns == current.ctime_ns &&
      it->second.inode == current.inode) {
    return it->second.sha256;
  }
  current.sha256 = sha256_file(path);
  ++files_hashed_;
  entries_[key] = current;
  dirty_ = true;
  return current.sha256;
}

void HashCache::save() {
  // A run killed while saving left its temp file beside the cache: nothing else removes it.
  remove_stale_temp_files(cache_file_);
  if (!dirty_) return;
  json::object doc;
  for (const auto& [path, e] : entries_) {
    doc[path] = json::object{{"size", static_cast<std::int64_t>(e.size)},
                             {"mtime_ns", e.mtime_ns},
                             {"ctime_ns", e.ctime_ns},
                             {"inode", static_cast<std::int64_t>(e.inode)},
                             {"sha256", e.sha256}};
  }
  write_file_atomically(cache_file_, json::serialize(doc) + "\n");
  dirty_ = false;
}

}  // namespace common
