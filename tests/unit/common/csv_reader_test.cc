#include "common/csv_reader.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "common/csv_writer.h"
#include "common/failure.h"
#include "tests/support/test_util.h"

using common::CsvError;
using common::CsvOptions;
using common::CsvReader;
using test_util::TempDir;

namespace {

struct Record {
  std::size_t line;
  std::vector<std::string> fields;
  bool operator==(const Record& other) const {
    return line == other.line && fields == other.fields;
  }
};

std::vector<Record> read_all(const std::filesystem::path& path, CsvOptions options = {}) {
  CsvReader reader(path, options, "data.csv");
  std::vector<Record> records;
  while (reader.next()) {
    Record record{reader.line(), {}};
    for (std::string_view field : reader.fields()) record.fields.emplace_back(field);
    records.push_back(std::move(record));
  }
  return records;
}

std::vector<Record> parse(const std::string& content, CsvOptions options = {}) {
  TempDir dir;
  test_util::write_text(dir / "data.csv", content);
  return read_all(dir / "data.csv", options);
}

CsvOptions with_buffer(std::size_t bytes, char delimiter = ',') {
  CsvOptions options;
  options.buffer_bytes = bytes;
  options.delimiter = delimiter;
  return options;
}

// Buffer sizes every table case is read with: tiny ones make records straddle refills.
const std::size_t kBufferSizes[] = {1, 2, 3, 7, 64, 1u << 20};

}  // namespace

namespace Catch {
template <>
struct StringMaker<Record> {
  static std::string convert(const Record& r) {
    std::string out = std::to_string(r.line) + ":[";
    for (std::size_t i = 0; i < r.fields.size(); ++i) {
      out += (i ? "|" : "") + r.fields[i];
    }
    return out + "]";
  }
};
}  // namespace Catch

TEST_CASE("tricky inputs parse into the expected records at every buffer size", "[csv]") {
  struct Case {
    const char* name;
    std::string input;
    std::vector<Record> expected;
    char delimiter = ',';
  };
  const std::vector<Case> cases = {
      {"plain LF", "a,b\n1,2\n", {{1, {"a", "b"}}, {2, {"1", "2"}}}},
      {"no final line end", "a,b\n1,2", {{1, {"a", "b"}}, {2, {"1", "2"}}}},
      {"quoted fields", "\"a\",\"b\"\n", {{1, {"a", "b"}}}},
      {"doubled quotes", "\"say \"\"hi\"\"\",\"\"\"\"\n", {{1, {"say \"hi\"", "\""}}}},
      {"embedded delimiter", "\"a,b\",c\n", {{1, {"a,b", "c"}}}},
      {"embedded LF", "\"x\ny\",z\nnext,1\n", {{1, {"x\ny", "z"}}, {3, {"next", "1"}}}},
      {"embedded CRLF", "\"x\r\ny\",1\r\nz,2\r\n", {{1, {"x\r\ny", "1"}}, {3, {"z", "2"}}}},
      {"embedded CR", "\"x\ry\",1\rz,2\r", {{1, {"x\ry", "1"}}, {3, {"z", "2"}}}},
      {"CRLF line ends", "a,b\r\n1,2\r\n", {{1, {"a", "b"}}, {2, {"1", "2"}}}},
      {"CR-only line ends", "a,b\r1,2\r3,4", {{1, {"a", "b"}}, {2, {"1", "2"}}, {3, {"3", "4"}}}},
      {"UTF-8 BOM",
       "\xEF\xBB\xBF"
       "a,b\n1,2\n",
       {{1, {"a", "b"}}, {2, {"1", "2"}}}},
      {"BOM then quoted field", "\xEF\xBB\xBF\"a\",b\n", {{1, {"a", "b"}}}},
      {"BOM only", "\xEF\xBB\xBF", {}},
      {"empty file", "", {}},
      {"header only", "a,b,c\n", {{1, {"a", "b", "c"}}}},
      {"header only without line end", "a,b,c", {{1, {"a", "b", "c"}}}},
      {"blank lines are skipped but counted", "a\n\n\nb\n\n", {{1, {"a"}}, {4, {"b"}}}},
      {"blank CRLF lines", "\r\na\r\n\r\nb\r\n", {{2, {"a"}}, {4, {"b"}}}},
      {"only blank lines", "\n\r\n\r\n", {}},
      {"ragged rows keep their lines",
       "a,b,c\n1,2\n3,4,5,6\n",
       {{1, {"a", "b", "c"}}, {2, {"1", "2"}}, {3, {"3", "4", "5", "6"}}}},
      {"a record after quoted newlines reports its physical line",
       "h1,h2\n\"multi\nline\nvalue\",x\nshort\n",
       {{1, {"h1", "h2"}}, {2, {"multi\nline\nvalue", "x"}}, {5, {"short"}}}},
      {"empty fields", ",\na,,b\nc,\n", {{1, {"", ""}}, {2, {"a", "", "b"}}, {3, {"c", ""}}}},
      {"quoted empty fields", "\"\",x\n\"\"\n", {{1, {"", "x"}}, {2, {""}}}},
      {"invalid UTF-8 passes through as bytes",
       "\xff\xfe,\xc3\x28\n\x80\n",
       {{1, {"\xff\xfe", "\xc3\x28"}}, {2, {"\x80"}}}},
      {"NUL bytes pass through", std::string("a\0b,c\n", 6), {{1, {std::string("a\0b", 3), "c"}}}},
      {"a quote inside an unquoted field is data", "ab\"c,d\n", {{1, {"ab\"c", "d"}}}},
      {"spaces are kept", " a , b \n", {{1, {" a ", " b "}}}},
      {"custom delimiter", "a;\"b;c\";1,5\n", {{1, {"a", "b;c", "1,5"}}}, ';'},
      {"tab delimiter", "a\tb,c\t\"d\te\"\n", {{1, {"a", "b,c", "d\te"}}}, '\t'},
  };
  for (const Case& c : cases) {
    for (std::size_t buffer : kBufferSizes) {
      INFO(c.name << " (buffer " << buffer << " bytes)");
      CHECK(parse(c.input, with_buffer(buffer, c.delimiter)) == c.expected);
    }
  }
}

TEST_CASE("malformed inputs give exact errors at every buffer size", "[csv]") {
  struct Case {
    std::string input;
    std::string message;
    std::size_t line;
  };
  const std::vector<Case> cases = {
      {"a,\"bc\n", "data.csv:1: unterminated quoted field (end of file reached)", 1},
      {"x\ny\n\"ab\ncd\n", "data.csv:3: unterminated quoted field (end of file reached)", 3},
      {"a,b\n\"ab\"x,c\n", "data.csv:2: field 1: unexpected 'x' after a closing quote", 2},
      {"a,\"b\" ,c\n", "data.csv:1: field 2: unexpected ' ' after a closing quote", 1},
      {"\"a\"\x01\n", "data.csv:1: field 1: unexpected 0x01 after a closing quote", 1},
      {"h\n\"a\nb\"z\n", "data.csv:3: field 1: unexpected 'z' after a closing quote", 3},
  };
  for (const Case& c : cases) {
    for (std::size_t buffer : kBufferSizes) {
      INFO(c.input << " (buffer " << buffer << " bytes)");
      CHECK_THROWS_WITH(parse(c.input, with_buffer(buffer)), c.message);
      try {
        parse(c.input, with_buffer(buffer));
      } catch (const CsvError& e) {
        CHECK(e.line() == c.line);
        CHECK(static_cast<int>(common::exit_code_for(e.kind())) == 65);
      }
    }
  }
}

TEST_CASE("records read with a 7-byte buffer equal those read with a large one", "[csv]") {
  // A deterministic mix of every construct, long enough to cross many buffer refills.
  std::string content = "\xEF\xBB\xBFid,text,value\r\n";
  std::uint32_t state = 12345;
  auto rnd = [&state] { return state = state * 1664525u + 1013904223u; };
  const char* pieces[] = {"plain", "\"q,uo\"\"te\"", "\"multi\nline\"", "",
                          "\"\"",  "\"cr\rlf\r\n\"", "\xff\xc3",        "12.5"};
  for (int i = 0; i < 400; ++i) {
    content += std::to_string(i) + "," + pieces[rnd() % 8] + "," + pieces[rnd() % 8];
    content += (rnd() % 3 == 0) ? "\r\n" : (rnd() % 2 ? "\n" : "\n\n");
  }
  TempDir dir;
  test_util::write_text(dir / "data.csv", content);
  std::vector<Record> big = read_all(dir / "data.csv", with_buffer(1u << 20));
  REQUIRE(big.size() == 401);
  CHECK(read_all(dir / "data.csv", with_buffer(7)) == big);
  CHECK(read_all(dir / "data.csv", with_buffer(1)) == big);
}

TEST_CASE("random records of every length read back as written, whatever the delimiter", "[csv]") {
  // Fields of 0 to 150 bytes put delimiters and line ends on both sides of the reader's
  // 64-byte scanning blocks and its buffer refills; a field that needs quotes gets them.
  std::uint32_t state = 2024;
  auto rnd = [&state] { return (state = state * 1664525u + 1013904223u) >> 8; };
  for (char delimiter : {',', ';', '\t', '|'}) {
    const std::string alphabet = std::string("abc019.-\" \xc3\0", 12) + delimiter + "\n\r";
    std::vector<std::vector<std::string>> written;
    std::string content;
    for (int r = 0; r < 300; ++r) {
      std::vector<std::string> record;
      std::size_t width = 1 + rnd() % 6;
      for (std::size_t c = 0; c < width; ++c) {
        std::size_t size = rnd() % 4 == 0 ? rnd() % 151 : rnd() % 12;
        std::string field;
        // Mostly plain bytes; now and then one that forces quoting.
        for (std::size_t i = 0; i < size; ++i) {
          field.push_back(rnd() % 16 == 0 ? alphabet[rnd() % alphabet.size()]
                                          : alphabet[rnd() % 8]);
        }
        if (width == 1 && field.empty()) field = "x";  // a lone empty field is a blank line
        record.push_back(field);
      }
      for (std::size_t c = 0; c < record.size(); ++c) {
        if (c > 0) content.push_back(delimiter);
        common::append_csv_field(content, record[c], delimiter);  // quotes when needed
      }
      content += rnd() % 3 == 0 ? "\r\n" : "\n";
      written.push_back(std::move(record));
    }
    for (std::size_t buffer : {std::size_t{1}, std::size_t{63}, std::size_t{64}, std::size_t{65},
                               std::size_t{1000}, std::size_t{1} << 20}) {
      INFO("delimiter " << static_cast<int>(delimiter) << ", buffer " << buffer);
      std::vector<Record> read = parse(content, with_buffer(buffer, delimiter));
      REQUIRE(read.size() == written.size());
      for (std::size_t r = 0; r < read.size(); ++r) {
        INFO("record " << r);
        CHECK(read[r].fields == written[r]);
      }
    }
  }
}

TEST_CASE("a 1 MB field is read whole, quoted or not", "[csv]") {
  std::string plain(1 << 20, 'x');
  std::string quoted_raw;
  std::string quoted_value;
  for (int i = 0; i < (1 << 18); ++i) {
    quoted_raw += i % 1000 == 0 ? "a\"\"\n" : "abcd";
    quoted_value += i % 1000 == 0 ? "a\"\n" : "abcd";
  }
  std::string content = "a,b\n" + plain + ",1\n\"" + quoted_raw + "\",2\nlast,3\n";
  std::size_t newlines_in_quoted =
      static_cast<std::size_t>(std::count(quoted_value.begin(), quoted_value.end(), '\n'));
  for (std::size_t buffer : {std::size_t{7}, std::size_t{1} << 20}) {
    std::vector<Record> records = parse(content, with_buffer(buffer));
    REQUIRE(records.size() == 4);
    CHECK(records[1].fields[0] == plain);
    CHECK(records[2].fields[0] == quoted_value);
    CHECK(records[2].line == 3);
    CHECK(records[3] == Record{4 + newlines_in_quoted, {"last", "3"}});
  }
}

TEST_CASE("a record over max_record_bytes is a CsvError, not an allocation failure", "[csv]") {
  CsvOptions options;
  options.max_record_bytes = 1u << 20;
  // An unterminated 3 MiB quoted field: the reader must stop at the limit, not keep
  // growing its buffer until the end of the file.
  std::string content = "a,b\nok,1\n\"" + std::string(3u << 20, 'x') + "\n";
  for (std::size_t buffer : {std::size_t{7}, std::size_t{4096}, std::size_t{1} << 20}) {
    options.buffer_bytes = buffer;
    INFO("buffer " << buffer);
    CHECK_THROWS_WITH(parse(content, options), "data.csv:3: record longer than the 1 MiB limit");
  }
}

TEST_CASE("a complete record over a small limit names the limit in bytes", "[csv]") {
  CsvOptions options;
  options.max_record_bytes = 100;
  std::string content = "a,b\n\n" + std::string(150, 'y') + ",1\nshort,2\n";
  CHECK_THROWS_WITH(parse(content, options), "data.csv:3: record longer than the 100-byte limit");
  options.buffer_bytes = 7;
  CHECK_THROWS_WITH(parse(content, options), "data.csv:3: record longer than the 100-byte limit");
}

TEST_CASE("records up to the limit are accepted", "[csv]") {
  CsvOptions options;
  options.max_record_bytes = 100;
  options.buffer_bytes = 7;
  std::string field(99, 'z');  // 99 bytes + the line end = 100
  std::vector<Record> records = parse("\n\n" + field + "\n" + field + "\n", options);
  CHECK(records == std::vector<Record>{{3, {field}}, {4, {field}}});
}

TEST_CASE("many blank lines are not mistaken for a long record", "[csv]") {
  CsvOptions options;
  options.max_record_bytes = 100;
  options.buffer_bytes = 16;
  std::vector<Record> records = parse("a\n" + std::string(10000, '\n') + "b\n", options);
  CHECK(records == std::vector<Record>{{1, {"a"}}, {10002, {"b"}}});
}

TEST_CASE("bytes_consumed reaches the file size at the end", "[csv]") {
  TempDir dir;
  std::string content =
      "\xEF\xBB\xBF"
      "a,b\r\n\"1\n2\",3\n\n";
  test_util::write_text(dir / "data.csv", content);
  CsvReader reader(dir / "data.csv", with_buffer(7));
  CHECK(reader.bytes_consumed() == 0);
  while (reader.next()) {
  }
  CHECK(reader.bytes_consumed() == content.size());
}

TEST_CASE("the file's path prefixes errors when no name is given", "[csv]") {
  TempDir dir;
  test_util::write_text(dir / "raw.csv", "\"open");
  CsvReader reader(dir / "raw.csv");
  CHECK(reader.name() == (dir / "raw.csv").string());
  CHECK_THROWS_WITH(reader.next(), (dir / "raw.csv").string() +
                                       ":1: unterminated quoted field (end of file reached)");
}

TEST_CASE("a missing file is an InputMissingError naming the path", "[csv]") {
  TempDir dir;
  std::filesystem::path path = dir / "missing.csv";
  CHECK_THROWS_AS(CsvReader(path), common::InputMissingError);
  CHECK_THROWS_WITH(CsvReader(path),
                    "cannot open " + path.string() + ": No such file or directory");
}

TEST_CASE("null tokens default to the SPEC's set and can be replaced", "[csv]") {
  common::NullTokens defaults;
  for (const char* token : {"", "NA", "NaN", "null", "nan"}) CHECK(defaults.contains(token));
  for (const char* value : {"0", "na", "NULL", " ", "None"}) CHECK_FALSE(defaults.contains(value));
  common::NullTokens custom({"-"});
  CHECK(custom.contains("-"));
  CHECK_FALSE(custom.contains(""));
  CHECK(custom.tokens() == std::vector<std::string>{"-"});
}

TEST_CASE("housing.csv has 20,640 records with 207 empty total_bedrooms", "[csv][housing]") {
  REQUIRE_HOUSING_OR_SKIP(housing);
  CsvReader reader(housing);
  REQUIRE(reader.next());
  std::vector<std::string> header(reader.fields().begin(), reader.fields().end());
  REQUIRE(header.size() == 10);
  auto column = std::find(header.begin(), header.end(), "total_bedrooms") - header.begin();
  REQUIRE(column == 4);
  std::size_t records = 0;
  std::size_t empty_bedrooms = 0;
  std::size_t ragged = 0;
  while (reader.next()) {
    ++records;
    if (reader.fields().size() != 10) {
      ++ragged;
      continue;
    }
    if (reader.fields()[static_cast<std::size_t>(column)].empty()) ++empty_bedrooms;
  }
  CHECK(records == 20640);
  CHECK(empty_bedrooms == 207);
  CHECK(ragged == 0);
  CHECK(reader.line() == 20641);
}
