#pragma once

#include <sys/types.h>

#include <string_view>

namespace common {

// Appends `text` to `fd` (opened O_APPEND, its writers serialised by an flock), finishing a
// short write with more calls. A write that fails half way (disk full, file-size limit) is
// undone by truncating to `original` when it is >= 0, so no fragment of this record is left.
// Returns 0, or the errno of the failure for the caller to word.
int append_all(int fd, std::string_view text, off_t original);

}  // namespace common
