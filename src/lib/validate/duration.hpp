// Go time.ParseDuration syntax for --timeout (hangar's flag type): a sequence
// of decimal numbers with units "ns", "us", "µs", "ms", "s", "m", "h", e.g.
// "10m", "1h30m", "2.5s". A bare "0" is zero.
#pragma once

#include "imgtrust/duration.hpp"

namespace imgtrust::validate {

// Declared in the public API (include/imgtrust/duration.hpp).
using ::imgtrust::parse_go_duration;

}  // namespace imgtrust::validate
