# cmake -DIN=template -DOUT=file.cc -P embed_template.cmake
# Writes a C++ source defining tasks::built_in_template() with IN's bytes.
file(READ "${IN}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE "${OUT}" "// Generated from ${IN} by embed_template.cmake: do not edit.
#include <string_view>

#include \"tasks/report/report.h\"

namespace tasks {
namespace {
const unsigned char kTemplate[] = {${bytes}0x00};
}  // namespace

std::string_view built_in_template() {
  return std::string_view(reinterpret_cast<const char*>(kTemplate), sizeof(kTemplate) - 1);
}

}  // namespace tasks
")
