#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "common/task_run.h"
#include "tasks/ingest/source.h"

namespace tasks {

struct IngestOptions {
  std::string source;            // path, file:// or http(s):// URI
  std::filesystem::path output;  // where the CSV goes (written atomically)
  std::string expected_sha256;   // --sha256: of the source bytes as fetched; empty = none
  FetchOptions fetch;            // network timeouts
  char delimiter = ',';          // for counting rows
};

struct IngestResult {
  std::uint64_t source_bytes = 0;   // bytes fetched (compressed size for .gz)
  std::uint64_t bytes_written = 0;  // bytes of the output
  std::uint64_t rows = 0;           // data records (after the header)
  std::string source_sha256;        // of the fetched bytes
  std::string output_sha256;        // of the output
  bool decompressed = false;        // the source was gzip
  int attempts = 1;                 // fetch attempts (retries of transient errors)
};

// Fetches the source (retrying transient errors as SPEC section 2 says, with the
// "ingest.read" failpoint inside each attempt), decompresses gzip, verifies --sha256,
// counts rows (a record may span lines inside quotes) and commits the output atomically.
// On any error the previous output is untouched. Throws common::Error subclasses.
IngestResult ingest(const IngestOptions& options, common::TaskContext& context);

}  // namespace tasks
