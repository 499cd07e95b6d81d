// Reading files named by users the way the library reads them.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "imgtrust/export.hpp"

namespace imgtrust {

// The one bounded file reader for files named by users and images. Reads a
// whole regular file, refusing more than max_bytes. Returns nullopt if the file
// does not exist; throws FetchError for FIFOs, devices, directories and other
// non-regular files (never blocking on them), other read failures or oversize
// files (`what` names the file's role in messages, e.g. "manifest").
IMGTRUST_API std::optional<std::string> read_file_bounded(const std::string& path, std::size_t max_bytes, const std::string& what);

}  // namespace imgtrust
