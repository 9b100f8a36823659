#include "common/message.h"

namespace common {

namespace {

// The largest cut <= `max_bytes` that does not split a UTF-8 sequence.
std::size_t boundary(std::string_view value, std::size_t max_bytes) {
  if (value.size() <= max_bytes) return value.size();
  std::size_t cut = max_bytes;
  // Back up over continuation bytes (10xxxxxx), at most three.
  for (int i = 0; i < 3 && cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80;
       ++i) {
    --cut;
  }
  return cut;
}

}  // namespace

std::string cut_for_message(std::string_view value, std::size_t max_bytes) {
  if (value.size() <= max_bytes) return std::string(value);
  return std::string(value.substr(0, boundary(value, max_bytes))) + "...";
}

std::string quote_for_message(std::string_view value, std::size_t max_bytes) {
  return "\"" + cut_for_message(value, max_bytes) + "\"";
}

std::string bound_message(std::string_view message, std::size_t max_bytes) {
  if (message.size() <= max_bytes) return std::string(message);
  std::size_t cut = boundary(message, max_bytes);
  return std::string(message.substr(0, cut)) + "... (" + std::to_string(message.size() - cut) +
         " bytes cut)";
}

}  // namespace common
