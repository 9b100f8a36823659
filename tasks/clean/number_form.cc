#include "tasks/clean/number_form.h"

namespace tasks {

namespace {

// A sink that appends to a string, or drops everything when there is none.
struct StringSink {
  std::string* out;
  void put(std::string_view text) {
    if (out != nullptr) out->append(text);
  }
  void put_number(double value) {
    if (out != nullptr) common::append_number(*out, value);
  }
};

}  // namespace

FieldKind classify_number(std::string_view text, std::string* out) {
  StringSink sink{out};
  return put_number_form(text, sink);
}

}  // namespace tasks
