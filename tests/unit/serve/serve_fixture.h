#pragma once

#include <memory>
#include <string>

#include "serve/served_model.h"
#include "tests/support/small_model.h"

namespace serve_fixture {

// The small model (tests/support/small_model.h) as the service holds it.
inline std::shared_ptr<const serve::ServedModel> served(const std::string& sha = "f00d") {
  auto s = std::make_shared<serve::ServedModel>();
  s->model = test_util::small_model();
  s->sha256 = sha;
  s->path = "model.json";
  s->metadata = serve::model_metadata(s->model, sha);
  return s;
}

}  // namespace serve_fixture
