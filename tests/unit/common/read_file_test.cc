#include "common/read_file.h"

#include <catch2/catch.hpp>
#include <string>

#include "common/error.h"
#include "tests/support/test_util.h"

using test_util::TempDir;

TEST_CASE("read_file returns the whole content", "[read_file]") {
  TempDir dir;
  std::string content(200000, '\0');
  for (std::size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>(i * 7);
  test_util::write_text(dir / "f.bin", content);
  CHECK(common::read_file(dir / "f.bin") == content);
  test_util::write_text(dir / "empty", "");
  CHECK(common::read_file(dir / "empty").empty());
}

TEST_CASE("read_file of a missing file is an InputMissingError naming it", "[read_file]") {
  TempDir dir;
  CHECK_THROWS_AS(common::read_file(dir / "missing"), common::InputMissingError);
  CHECK_THROWS_WITH(common::read_file(dir / "missing"),
                    "cannot open " + (dir / "missing").string() + ": No such file or directory");
}
