#include "common/csv_writer.h"

#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "common/atomic_file.h"
#include "common/csv_reader.h"
#include "common/number.h"
#include "tests/support/test_util.h"

using common::AtomicFile;
using common::CsvWriter;
using test_util::TempDir;

namespace {

std::string field(std::string_view value, char delimiter = ',') {
  std::string out;
  common::append_csv_field(out, value, delimiter);
  return out;
}

}  // namespace

TEST_CASE("fields are quoted only when they must be", "[csv_writer]") {
  struct Case {
    std::string value;
    char delimiter;
    std::string written;
  };
  const std::vector<Case> cases = {
      {"plain", ',', "plain"},
      {"", ',', ""},
      {" spaced ", ',', " spaced "},
      {"a,b", ',', "\"a,b\""},
      {"say \"hi\"", ',', "\"say \"\"hi\"\"\""},
      {"two\nlines", ',', "\"two\nlines\""},
      {"cr\r", ',', "\"cr\r\""},
      {"a,b", ';', "a,b"},
      {"a;b", ';', "\"a;b\""},
      {"\xff\xfe", ',', "\xff\xfe"},
  };
  for (const Case& c : cases) {
    INFO(c.value);
    CHECK(field(c.value, c.delimiter) == c.written);
  }
}

TEST_CASE("append_csv_field appends to what is already there", "[csv_writer]") {
  std::string line = "x,";
  common::append_csv_field(line, "y,z", ',');
  CHECK(line == "x,\"y,z\"");
}

TEST_CASE("a writer produces LF-terminated records in the target on commit", "[csv_writer]") {
  TempDir dir;
  AtomicFile file(dir / "out.csv");
  CsvWriter writer(file);
  writer.write_record(std::vector<std::string>{"name", "note"});
  writer.write_record(std::vector<std::string_view>{"a", "b,c"});
  std::string line;
  common::append_csv_field(line, "d", ',');
  line += ',';
  common::append_number(line, 0.1);
  writer.write_line(line);
  file.commit();
  CHECK(test_util::read_text(dir / "out.csv") == "name,note\na,\"b,c\"\nd,0.1\n");
}

TEST_CASE("a writer with another delimiter separates and quotes with it", "[csv_writer]") {
  TempDir dir;
  AtomicFile file(dir / "out.csv");
  CsvWriter writer(file, ';');
  writer.write_record(std::vector<std::string>{"1,5", "a;b"});
  file.commit();
  CHECK(test_util::read_text(dir / "out.csv") == "1,5;\"a;b\"\n");
}

TEST_CASE("a record of one empty field survives a round trip", "[csv_writer]") {
  // Written bare it would be a blank line, which readers skip.
  TempDir dir;
  AtomicFile file(dir / "out.csv");
  CsvWriter writer(file);
  writer.write_record(std::vector<std::string>{"only"});
  writer.write_record(std::vector<std::string>{""});
  writer.write_record(std::vector<std::string>{"last"});
  file.commit();
  CHECK(test_util::read_text(dir / "out.csv") == "only\n\"\"\nlast\n");
  common::CsvReader reader(dir / "out.csv");
  std::vector<std::string> values;
  while (reader.next()) {
    REQUIRE(reader.fields().size() == 1);
    values.emplace_back(reader.fields()[0]);
  }
  CHECK(values == std::vector<std::string>{"only", "", "last"});
}

TEST_CASE("what the writer writes the reader reads back unchanged", "[csv_writer]") {
  const std::vector<std::vector<std::string>> records = {
      {"a", "b,c", "\"quoted\""},
      {"multi\nline", "", "cr\rlf\r\n"},
      {"\xef\xbb\xbf"
       "bom-like",
       " x ", "\xff"},
      {"", "", ""},
  };
  TempDir dir;
  AtomicFile file(dir / "out.csv");
  CsvWriter writer(file);
  for (const auto& record : records) writer.write_record(record);
  file.commit();
  common::CsvReader reader(dir / "out.csv");
  std::vector<std::vector<std::string>> read;
  while (reader.next()) read.emplace_back(reader.fields().begin(), reader.fields().end());
  // The first field of the third record looks like a BOM but is not at the file's start.
  CHECK(read == records);
}

TEST_CASE("random records of awkward fields read back exactly as written",
          "[csv_writer][property]") {
  // Property: for any records (widths 1-4, fields drawn from empty, quotes, delimiters,
  // CR, LF, spaces and non-UTF-8 bytes), reader(writer(records)) == records.
  const std::string alphabet = std::string("ab ,;\t\"\n\r\xff", 10);
  std::mt19937 random(20261204);
  for (char delimiter : {',', ';', '\t'}) {
    for (int trial = 0; trial < 200; ++trial) {
      std::vector<std::vector<std::string>> records(1 + random() % 8);
      for (auto& record : records) {
        record.resize(1 + random() % 4);
        for (std::string& f : record) {
          std::size_t length = random() % 3 == 0 ? 0 : random() % 6;
          for (std::size_t i = 0; i < length; ++i)
            f.push_back(alphabet[random() % alphabet.size()]);
        }
      }
      TempDir dir;
      AtomicFile file(dir / "out.csv");
      CsvWriter writer(file, delimiter);
      for (const auto& record : records) writer.write_record(record);
      file.commit();
      common::CsvOptions options;
      options.delimiter = delimiter;
      common::CsvReader reader(dir / "out.csv", options);
      std::vector<std::vector<std::string>> read;
      while (reader.next()) read.emplace_back(reader.fields().begin(), reader.fields().end());
      INFO("delimiter " << static_cast<int>(delimiter) << ", trial " << trial << ":\n"
                        << test_util::read_text(dir / "out.csv"));
      REQUIRE(read == records);
    }
  }
}

TEST_CASE("a lone empty field needs quotes, an empty field beside others does not",
          "[csv_writer]") {
  CHECK(common::needs_quotes("", ',', /*only_field=*/true));
  CHECK_FALSE(common::needs_quotes("", ','));
  std::string out;
  common::append_csv_field(out, "", ',', /*only_field=*/true);
  CHECK(out == "\"\"");
}
