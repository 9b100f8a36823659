// libFuzzer target: the streaming CSV reader on arbitrary bytes, with the first byte
// choosing the delimiter and a tiny buffer so records straddle refills and the reader's
// 64-byte scanning blocks. Properties checked beyond "no crash": every error is a
// CsvError; line numbers never go back; the fields of a record never point outside the
// reader's buffer, and kReadablePastField bytes after each can be read (ASan would see
// it); and a tiny buffer gives exactly the records and error of a large one.
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "common/csv_reader.h"

namespace {

struct Outcome {
  std::vector<std::vector<std::string>> records;
  std::vector<std::size_t> lines;
  std::string error;
  bool operator==(const Outcome&) const = default;
};

Outcome read_all(const std::string& path, const common::CsvOptions& options, std::size_t size) {
  Outcome outcome;
  try {
    common::CsvReader reader(path, options);
    std::size_t last_line = 0;
    while (reader.next()) {
      std::size_t total = 0;
      std::vector<std::string> record;
      for (std::string_view field : reader.fields()) {
        total += field.size();
        volatile char past = field.data()[field.size() + common::CsvReader::kReadablePastField - 1];
        (void)past;
        record.emplace_back(field);
      }
      if (total > size) std::abort();               // fields cannot hold more than the input
      if (reader.line() < last_line) std::abort();  // line numbers never go back
      last_line = reader.line();
      outcome.records.push_back(std::move(record));
      outcome.lines.push_back(reader.line());
    }
  } catch (const common::CsvError& e) {
    outcome.error = e.what();
  }
  return outcome;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = "/tmp/fuzz_csv_reader." + std::to_string(::getpid()) + ".csv";
  if (size == 0) return 0;
  common::CsvOptions options;
  const char delimiters[] = {',', ';', '\t', '|'};
  options.delimiter = delimiters[data[0] % 4];
  options.max_record_bytes = 4096;
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data + 1), static_cast<std::streamsize>(size - 1));
  }
  options.buffer_bytes = 1 + data[0] % 64;
  Outcome tiny = read_all(path, options, size);
  options.buffer_bytes = 1 << 16;
  Outcome large = read_all(path, options, size);
  // A record over the limit can be reported at a different point with another buffer
  // size (where the buffer had to grow past it): then the records read before it agree.
  bool limit = tiny.error.find("limit") != std::string::npos ||
               large.error.find("limit") != std::string::npos;
  if (!limit) {
    if (!(tiny == large)) std::abort();
    return 0;
  }
  std::size_t common = std::min(tiny.records.size(), large.records.size());
  for (std::size_t i = 0; i < common; ++i) {
    if (tiny.records[i] != large.records[i] || tiny.lines[i] != large.lines[i]) std::abort();
  }
  return 0;
}
