// Go time.ParseDuration syntax for --timeout (hangar's flag type): a sequence
// of decimal numbers with units "ns", "us", "µs", "ms", "s", "m", "h", e.g.
// "10m", "1h30m", "2.5s". A bare "0" is zero.
#pragma once

#include <chrono>
#include <string>

namespace imgtrust::validate {

// Throws ConfigError naming the text when it is not a valid, non-negative duration.
std::chrono::milliseconds parse_go_duration(const std::string& text);

}  // namespace imgtrust::validate
