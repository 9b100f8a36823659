#include "common/csv_reader.h"

#include <fcntl.h>
#include <unistd.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "common/input_file.h"

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

// Bit i set when p[i] is `delimiter`, LF or CR, for the 64 bytes at p (all readable).
std::uint64_t special_mask(const char* p, char delimiter) {
#if defined(__SSE2__)
  const __m128i d = _mm_set1_epi8(delimiter);
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i cr = _mm_set1_epi8('\r');
  std::uint64_t mask = 0;
  for (int k = 0; k < 4; ++k) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, d), _mm_cmpeq_epi8(v, lf)),
                               _mm_cmpeq_epi8(v, cr));
    mask |= static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(hit))) << (16 * k);
  }
  return mask;
#else
  std::uint64_t mask = 0;
  for (int i = 0; i < 64; ++i) {
    char c = p[i];
    mask |= static_cast<std::uint64_t>(c == delimiter || c == '\n' || c == '\r') << i;
  }
  return mask;
#endif
}

}  // namespace

CsvReader::CsvReader(const std::filesystem::path& path, CsvOptions options, std::string name)
    : name_(name.empty() ? path.string() : std::move(name)), options_(options) {
  // A pipe is read once into a temporary copy, so a second pass sees the same bytes.
  fd_ = open_input(path).release();
  // No floor: a tiny buffer is legitimate (tests and the fuzzer use one so that records
  // straddle refills); it grows as records need.
  allocate(std::max<std::size_t>(options_.buffer_bytes, 1));
}

// A buffer of `capacity` readable bytes (keeping the first end_) plus zeroed padding.
void CsvReader::allocate(std::size_t capacity) {
  std::unique_ptr<char[]> bigger = std::make_unique_for_overwrite<char[]>(capacity + kPadding);
  if (buffer_ != nullptr) std::memcpy(bigger.get(), buffer_.get(), end_);
  std::memset(bigger.get() + capacity, 0, kPadding);
  buffer_ = std::move(bigger);
  capacity_ = capacity;
}

CsvReader::~CsvReader() {
  if (fd_ >= 0) ::close(fd_);
}

// Moves the unparsed tail to the front, grows the buffer when the tail fills it, and
// reads more. Returns false when nothing more could be read (end of file).
bool CsvReader::fill() {
  if (eof_) return false;
  block_end_ = 0;  // the bytes move, and more arrive
  if (pos_ > 0) {
    std::memmove(buffer_.get(), buffer_.get() + pos_, end_ - pos_);
    consumed_ += pos_;
    end_ -= pos_;
    pos_ = 0;
  }
  if (end_ == capacity_) {
    if (capacity_ > options_.max_record_bytes) {
      throw CsvError(name_, next_line_,
                     "record longer than the " + limit_text(options_.max_record_bytes) + " limit");
    }
    std::size_t cap =
        options_.max_record_bytes == SIZE_MAX ? SIZE_MAX : options_.max_record_bytes + 1;
    allocate(std::min(capacity_ * 2, cap));
  }
  while (true) {
    ssize_t n = ::read(fd_, buffer_.get() + end_, capacity_ - end_);
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

// The common case, the next special byte in the cached block, stays inline in the scan.
inline std::size_t CsvReader::find_special(std::size_t p) {
  if (p >= block_ && p < block_end_) {
    std::uint64_t rest = mask_ >> (p - block_);
    if (rest != 0) return p + static_cast<std::size_t>(std::countr_zero(rest));
  }
  return find_special_in_new_block(p);
}

std::size_t CsvReader::find_special_in_new_block(std::size_t p) {
  while (true) {
    if (p >= block_ && p < block_end_) {
      std::uint64_t rest = mask_ >> (p - block_);
      if (rest != 0) return p + static_cast<std::size_t>(std::countr_zero(rest));
      p = block_end_;
    }
    if (p >= end_) return end_;
    block_ = p;
    block_end_ = std::min(p + 64, end_);
    mask_ = special_mask(buffer_.get() + p, options_.delimiter);
    // Bytes past end_ (the padding, or stale data) are not part of the file.
    if (block_end_ - block_ < 64) mask_ &= (std::uint64_t{1} << (block_end_ - block_)) - 1;
  }
}

// Scans one record starting at pos_ without modifying the buffer. On kRecord, fields_ holds
// the fields and pos_/next_line_ have advanced past the record's line end.
CsvReader::Scan CsvReader::scan_record() {
  const char* data = buffer_.get();
  const char delimiter = options_.delimiter;
  std::size_t p = pos_;
  std::size_t line = next_line_;
  fields_.clear();
  unescape_.clear();
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
        if (doubled) unescape_.push_back(fields_.size());
        fields_.emplace_back(data + begin, stop - begin);
        break;
      }
      if (p < end_ && data[p] != delimiter && data[p] != '\n' && data[p] != '\r') {
        throw CsvError(name_, line,
                       "field " + std::to_string(fields_.size()) + ": unexpected " +
                           describe_byte(data[p]) + " after a closing quote");
      }
    } else {
      std::size_t begin = p;
      p = find_special(p);
      fields_.emplace_back(data + begin, p - begin);
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
    if (end_ >= 3 && std::memcmp(buffer_.get(), "\xEF\xBB\xBF", 3) == 0) pos_ = 3;
    at_start_ = false;
  }
  while (true) {
    Scan scan = scan_record();
    if (scan == Scan::kEnd) return false;
    if (scan == Scan::kRecord) break;
    if (!fill()) eof_ = true;  // rescan with what is there, now knowing it is the end
  }
  // Collapse doubled quotes in place; the result is shorter than the raw field.
  for (std::size_t index : unescape_) {
    std::string_view raw = fields_[index];
    char* field = buffer_.get() + (raw.data() - buffer_.get());
    std::size_t w = 0;
    for (std::size_t r = 0; r < raw.size(); ++r, ++w) {
      field[w] = field[r];
      if (field[r] == '"') ++r;
    }
    fields_[index] = std::string_view(field, w);
  }
  return true;
}

}  // namespace common
