#include "serve/served_model.h"

#include <catch2/catch.hpp>

#include "common/sha256.h"
#include "tests/support/test_util.h"
#include "tests/unit/serve/serve_fixture.h"

namespace fs = std::filesystem;

TEST_CASE("a deploy directory serves the document its current link points at", "[serve][model]") {
  test_util::TempDir dir;
  std::string document = tasks::model_document(test_util::small_model());
  test_util::write_text(dir / "deploy/models/m1.json", document);
  fs::create_symlink("models/m1.json", dir / "deploy/current");
  auto served = serve::load_served_model({dir / "deploy", {}});
  CHECK(served->sha256 == common::sha256_hex(document));
  CHECK(served->model.target == "y");
  CHECK(served->metadata.find("\"model_sha256\": \"" + served->sha256 + "\"") != std::string::npos);
}

TEST_CASE("a deploy directory with nothing deployed is refused", "[serve][model]") {
  test_util::TempDir dir;
  CHECK_THROWS_WITH(serve::load_served_model({dir / "deploy", {}}),
                    (dir / "deploy/current").string() + ": nothing is deployed (run save first)");
}

TEST_CASE("a model file that is not a model is refused", "[serve][model]") {
  test_util::TempDir dir;
  test_util::write_text(dir / "m.json", "{\"format\": \"other\"}");
  CHECK_THROWS_WITH(
      serve::load_served_model({{}, dir / "m.json"}),
      (dir / "m.json").string() +
          ": not a model document: expected \"format\": \"pipeline-model\", found \"other\"");
}
