#include "common/service_pin.h"

#include <pwd.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstdlib>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/filenames.h"
#include "common/read_file.h"

namespace fs = std::filesystem;
namespace json = boost::json;

namespace common {

namespace {

constexpr std::int64_t kPinVersion = 1;

std::string text_field(const json::object& o, const char* key, const fs::path& path) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string())
    throw DataError(path.string() + ": field \"" + key + "\": expected a string");
  return std::string(v->get_string());
}

}  // namespace

std::optional<ServicePin> read_pin(const fs::path& dir) {
  fs::path path = pin_path(dir);
  std::string text;
  try {
    text = read_file(path);
  } catch (const InputMissingError&) {
    if (::access(path.c_str(), F_OK) != 0 && errno == ENOENT) return std::nullopt;
    throw;
  }
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec || !doc.is_object())
    throw DataError(path.string() + ": expected a JSON object (a pin), found " +
                    text.substr(0, 80));
  const json::object& o = doc.as_object();
  const json::value* version = o.if_contains("version");
  if (version == nullptr || !version->is_int64())
    throw DataError(path.string() + ": field \"version\": expected an integer");
  if (version->as_int64() > kPinVersion) {
    throw DataError(path.string() + ": version " + std::to_string(version->as_int64()) +
                    " is newer than this program reads (" + std::to_string(kPinVersion) + ")");
  }
  return ServicePin{text_field(o, "sha256", path), text_field(o, "by", path),
                    text_field(o, "ts", path),     text_field(o, "run_id", path),
                    text_field(o, "reason", path), text_field(o, "release", path)};
}

void write_pin(const fs::path& dir, const ServicePin& pin) {
  json::object o{{"version", kPinVersion}, {"sha256", pin.sha256}, {"by", pin.by},
                 {"ts", pin.ts},           {"run_id", pin.run_id}, {"reason", pin.reason},
                 {"release", pin.release}};
  write_file_atomically(pin_path(dir), json::serialize(o) + "\n");
}

void remove_pin(const fs::path& dir) {
  fs::path path = pin_path(dir);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    throw_system_error("cannot remove", path, errno, FileRole::kOutput);
}

std::string describe_pin(const std::string& shown, const ServicePin& pin) {
  return shown + " is pinned to model " + pin.sha256.substr(0, 12) + " by " + pin.by + " at " +
         pin.ts + " (" + pin.reason + "); release it with: " + pin.release;
}

std::string current_user() {
  // The password database first: $USER is whatever the caller's environment says.
  if (const passwd* entry = ::getpwuid(::geteuid()); entry != nullptr && entry->pw_name != nullptr)
    return entry->pw_name;
  if (const char* user = std::getenv("USER"); user != nullptr && *user != '\0') return user;
  return "uid " + std::to_string(::geteuid());
}

}  // namespace common
