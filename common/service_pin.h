#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace common {

// A person's decision that a service keeps the model it answers with until they release it
// (docs/deploy.md, "The pin"). It lives in the service's directory, beside its pid file:
// `save --rollback` writes <deploy dir>/pin.json, `save --release` removes it, `save`
// refuses to deploy another model while it is there (exit 77), and `driver status` names it
// for a task whose "service_pid_file" is in that directory. This file owns the format
// and the words that describe a pin, so that save and the driver say the same thing.
//
// pin.json (version 1):
//   {"version":1,"sha256":"0d76...","by":"alice","ts":"2026-12-03T23:50:01.123Z",
//    "run_id":"...","reason":"rollback from bf1caf8d9e8e","release":"save --release ..."}
struct ServicePin {
  std::string sha256;   // the pinned model
  std::string by;       // who pinned it (login name)
  std::string ts;       // when, RFC 3339 UTC
  std::string run_id;   // the run that pinned it
  std::string reason;   // why, e.g. "rollback from bf1caf8d9e8e"
  std::string release;  // the command that releases it
};

// The pin of `dir`, or nothing when it has none. Throws DataError naming the file for a
// document that is not a pin (or of a newer version), IoError when it cannot be read.
std::optional<ServicePin> read_pin(const std::filesystem::path& dir);

// Writes <dir>/pin.json atomically. Throws OutputError or IoError.
void write_pin(const std::filesystem::path& dir, const ServicePin& pin);

// Removes <dir>/pin.json (nothing to do when absent). Throws IoError or OutputError.
void remove_pin(const std::filesystem::path& dir);

// "deploy is pinned to model 0d76c04de706 by alice at 2026-12-03T23:50:01.123Z (rollback
// from bf1caf8d9e8e); release it with: save --release --deploy-dir /srv/deploy", naming the
// directory as `shown`.
std::string describe_pin(const std::string& shown, const ServicePin& pin);

// The login name of the user running this process (for a pin's "by").
std::string current_user();

}  // namespace common
