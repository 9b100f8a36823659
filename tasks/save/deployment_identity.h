#pragma once

#include <filesystem>
#include <string>

namespace tasks {

// Who a deploy directory is (docs/deploy.md): its canonical path and a random id created
// the first time a save or a serve uses it (<dir>/deployment_id, 32 hex digits). A service
// reports both on /health, so a save recognises its own deployment's service and tells
// apart a copy of the directory (same id, another path) or another checkout (another id).
struct DeploymentIdentity {
  std::filesystem::path dir;  // canonical
  std::string id;             // 32 lowercase hex digits
};

// The identity of the existing directory `dir`, creating its id when it has none. Safe
// against a concurrent creator: the id is linked into place without replacing one that
// appeared meanwhile, and the one in place wins. Throws DataError for an id file that is not
// 32 hex digits, OutputError or IoError when it cannot be read or created.
DeploymentIdentity deployment_identity(const std::filesystem::path& dir);

}  // namespace tasks
