// libFuzzer target: the streaming CSV reader on arbitrary bytes, with a tiny buffer so
// records straddle refills, a small record limit, and the first byte choosing the
// delimiter. Properties checked beyond "no crash": every error is a CsvError, and the
// fields of a record never point outside the reader's buffer (ASan would see it).
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include "common/csv_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = "/tmp/fuzz_csv_reader." + std::to_string(::getpid()) + ".csv";
  if (size == 0) return 0;
  common::CsvOptions options;
  const char delimiters[] = {',', ';', '\t', '|'};
  options.delimiter = delimiters[data[0] % 4];
  options.buffer_bytes = 1 + data[0] % 64;
  options.max_record_bytes = 4096;
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data + 1), static_cast<std::streamsize>(size - 1));
  }
  try {
    common::CsvReader reader(path, options);
    std::size_t last_line = 0;
    while (reader.next()) {
      std::size_t total = 0;
      for (std::string_view field : reader.fields()) total += field.size();
      if (total > size) std::abort();            // fields cannot hold more than the input
      if (reader.line() < last_line) std::abort();  // line numbers never go back
      last_line = reader.line();
    }
  } catch (const common::CsvError&) {
  }
  return 0;
}
