// Go time.ParseDuration syntax for --timeout (hangar's flag type): a sequence
// of decimal numbers with units "ns", "us", "µs", "ms", "s", "m", "h", e.g.
// "10m", "1h30m", "2.5s". A bare "0" is zero.
#pragma once

#include <chrono>
#include <string>

#include "imgtrust/export.hpp"

namespace imgtrust {

// Throws ConfigError naming the text when it is not a valid, non-negative duration.
IMGTRUST_API std::chrono::milliseconds parse_go_duration(const std::string& text);

}  // namespace imgtrust
