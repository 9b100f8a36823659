#include "common/csv_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace common {

namespace {

std::string describe_byte(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) return std::string("'") + c + "'";
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02x", u);
  return hex;
}

// "64 MiB" for whole mebibytes, "1000-byte" otherwise (the limit is configurable).
std::string limit_text(std::size_t bytes) {
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + "-byte";
}

}  // namespace

CsvReader::CsvReader(const std::filesystem::path& path, CsvOptions options, std::string name)
    : name_(name.empty() ? path.string() : std::move(name)), options_(options) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw_system_error("cannot open", path, errno, FileRole::kInput);
  // No floor: a tiny buffer is legitimate (tests and the fuzzer use one so that records
  // straddle refills); it grows as records need.
  buffer_.resize(std::max<std::size_t>(options_.buffer_bytes, 1));
  special_.fill(false);
  special_[static_cast<unsigned char>(options_.delimiter)] = true;
  special_['\n'] = true;
  special_['\r'] = true;
}

CsvReader::~CsvReader() {
  if (fd_ >= 0) ::close(fd_);
}

// Moves the unparsed tail to the front, grows the buffer when the tail fills it, and
// reads more. Returns false when nothing more could be read (end of file).
bool CsvReader::fill() {
  if (eof_) return false;
  if (pos_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + pos_, end_ - pos_);
    consumed_ += pos_;
    end_ -= pos_;
    pos_ = 0;
  }
  if (end_ == buffer_.size()) {
    if (buffer_.size() > options_.max_record_bytes) {
      throw CsvError(name_, next_line_,
                     "record longer than the " + limit_text(options_.max_record_bytes) + " limit");
    }
    std::size_t cap = options_.max_record_bytes == SIZE_MAX ? SIZE_MAX : options_.max_record_bytes + 1;
    buffer_.resize(std::min(buffer_.size() * 2, cap));
  }
  while (true) {
    ssize_t n = ::read(fd_, buffer_.data() + end_, buffer_.size() - end_);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_system_error("cannot read", name_, errno, FileRole::kInput);
    }
    if (n == 0) {
      eof_ = true;
      return false;
    }
    end_ += static_cast<std::size_t>(n);
    return true;
  }
}

// Scans one record starting at pos_ without modifying the buffer. On kRecord, spans_ holds
// the fields and pos_/next_line_ have advanced past the record's line end.
CsvReader::Scan CsvReader::scan_record() {
  const char* data = buffer_.data();
  const char delimiter = options_.delimiter;
  std::size_t p = pos_;
  std::size_t line = next_line_;
  spans_.clear();
  // Skip blank lines, and consume them at once: a long run of them must neither count
  // toward the next record's size nor make the buffer grow.
  while (p < end_ && (data[p] == '\n' || data[p] == '\r')) {
    if (data[p] == '\r' && p + 1 >= end_ && !eof_) break;  // CRLF or lone CR? read on
    if (data[p] == '\r' && p + 1 < end_ && data[p + 1] == '\n') ++p;
    ++p;
    ++line;
  }
  pos_ = p;
  next_line_ = line;
  if (p >= end_ || data[p] == '\r') return eof_ ? Scan::kEnd : Scan::kNeedMore;
  record_line_ = line;
  while (true) {
    if (p < end_ && data[p] == '"') {
      std::size_t open_line = line;
      std::size_t begin = ++p;
      bool doubled = false;
      while (true) {
        const void* q = std::memchr(data + p, '"', end_ - p);
        // Count newlines inside the quotes for physical line numbers.
        std::size_t stop = q ? static_cast<std::size_t>(static_cast<const char*>(q) - data) : end_;
        for (std::size_t i = p; i < stop; ++i) {
          if (data[i] == '\n' || (data[i] == '\r' && (i + 1 >= end_ || data[i + 1] != '\n'))) {
            ++line;
          }
        }
        if (q == nullptr) {
          if (!eof_) return Scan::kNeedMore;
          throw CsvError(name_, open_line, "unterminated quoted field (end of file reached)");
        }
        p = stop + 1;
        if (p >= end_ && !eof_) return Scan::kNeedMore;
        if (p < end_ && data[p] == '"') {
          doubled = true;
          ++p;
          continue;
        }
        spans_.push_back({begin, stop, doubled});
        break;
      }
      if (p < end_ && data[p] != delimiter && data[p] != '\n' && data[p] != '\r') {
        throw CsvError(name_, line,
                       "field " + std::to_string(spans_.size()) + ": unexpected " +
                           describe_byte(data[p]) + " after a closing quote");
      }
    } else {
      std::size_t begin = p;
      while (p < end_ && !special_[static_cast<unsigned char>(data[p])]) ++p;
      spans_.push_back({begin, p, false});
    }
    if (p >= end_) {
      if (!eof_) return Scan::kNeedMore;
      break;  // last record without a line end
    }
    if (data[p] == delimiter) {
      ++p;
      continue;
    }
    // Line end: LF, CRLF or CR.
    if (data[p] == '\r') {
      if (p + 1 >= end_ && !eof_) return Scan::kNeedMore;
      if (p + 1 < end_ && data[p + 1] == '\n') ++p;
    }
    ++p;
    ++line;
    break;
  }
  if (p - pos_ > options_.max_record_bytes) {
    throw CsvError(name_, record_line_,
                   "record longer than the " + limit_text(options_.max_record_bytes) + " limit");
  }
  pos_ = p;
  next_line_ = line;
  return Scan::kRecord;
}

bool CsvReader::next() {
  if (at_start_) {
    while (end_ < 3 && fill()) {
    }
    if (end_ >= 3 && std::memcmp(buffer_.data(), "\xEF\xBB\xBF", 3) == 0) pos_ = 3;
    at_start_ = false;
  }
  while (true) {
    Scan scan = scan_record();
    if (scan == Scan::kEnd) return false;
    if (scan == Scan::kRecord) break;
    if (!fill()) eof_ = true;  // rescan with what is there, now knowing it is the end
  }
  fields_.clear();
  char* data = buffer_.data();
  for (const Span& span : spans_) {
    if (!span.unescape) {
      fields_.emplace_back(data + span.begin, span.end - span.begin);
      continue;
    }
    // Collapse doubled quotes in place; the result is shorter than the raw field.
    std::size_t w = span.begin;
    for (std::size_t r = span.begin; r < span.end; ++r, ++w) {
      data[w] = data[r];
      if (data[r] == '"') ++r;
    }
    fields_.emplace_back(data + span.begin, w - span.begin);
  }
  return true;
}

}  // namespace common
