#include "tasks/ingest/ingest.h"

#include <boost/json.hpp>

#include "common/atomic_file.h"
#include "common/csv_reader.h"
#include "common/error.h"
#include "common/failpoint.h"
#include "common/sha256.h"
#include "tasks/ingest/gunzip.h"

namespace json = boost::json;

namespace tasks {

namespace {

bool has_gz_suffix(const std::string& uri) {
  std::string path = uri.substr(0, uri.find_first_of("?#"));
  return path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
}

// One fetch attempt into a fresh temp file; returns the uncommitted file.
std::unique_ptr<common::AtomicFile> fetch_once(const IngestOptions& options, const Source& source,
                                               IngestResult& result) {
  common::failpoint("ingest.read");
  auto file = std::make_unique<common::AtomicFile>(options.output);
  // The output's own hash comes from the AtomicFile at commit.
  common::Sha256 source_hash;
  std::uint64_t fetched = 0;
  std::unique_ptr<Gunzip> gunzip;
  bool first = true;
  auto write_output = [&](std::string_view data) { file->write(data); };
  fetch(source, options.fetch, [&](std::string_view data) {
    if (first && !data.empty()) {
      first = false;
      if (looks_like_gzip(data)) {
        gunzip = std::make_unique<Gunzip>(write_output);
      } else if (has_gz_suffix(source.uri)) {
        throw common::DataError(source.uri + ": expected gzip data (the name ends in .gz)");
      }
    }
    fetched += data.size();
    source_hash.update(data);
    if (gunzip) {
      gunzip->feed(data);
    } else {
      write_output(data);
    }
  });
  if (gunzip) {
    try {
      gunzip->finish();
    } catch (const common::DataError& e) {
      throw common::DataError(source.uri + ": " + e.what());
    }
  }
  result.source_bytes = fetched;
  result.source_sha256 = source_hash.hex_digest();
  result.decompressed = gunzip != nullptr;
  result.bytes_written = file->size();
  return file;
}

}  // namespace

IngestResult ingest(const IngestOptions& options, common::TaskContext& context) {
  Source source = parse_source(options.source);
  IngestResult result;
  std::unique_ptr<common::AtomicFile> file = context.with_retry("ingest.read", [&] {
    ++result.attempts;
    return fetch_once(options, source, result);
  });
  --result.attempts;  // counted one too many: attempts start at 1
  if (result.source_bytes == 0) throw common::DataError(source.uri + ": the source is empty");
  if (!options.expected_sha256.empty() && result.source_sha256 != options.expected_sha256) {
    throw common::DataError(source.uri + ": sha256 mismatch: expected " + options.expected_sha256 +
                            ", got " + result.source_sha256);
  }
  // Count records in what was written (the temp file), so quoted newlines count right and
  // a malformed file is caught here rather than downstream.
  common::CsvOptions csv;
  csv.delimiter = options.delimiter;
  std::string name = source.kind == Source::Kind::kFile ? source.path : source.uri;
  file->flush();
  common::CsvReader reader(file->temp_path(), csv, name);
  std::uint64_t records = 0;
  while (reader.next()) ++records;
  result.rows = records > 0 ? records - 1 : 0;
  context.with_retry("ingest.write", [&] {
    common::failpoint("ingest.write");
    file->commit();
  });
  result.output_sha256 = file->sha256();
  return result;
}

}  // namespace tasks
