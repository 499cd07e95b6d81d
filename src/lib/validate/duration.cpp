#include "validate/duration.hpp"

#include <cmath>
#include <string_view>

#include "imgtrust/errors.hpp"

namespace imgtrust {
namespace {

// Nanoseconds per unit, or 0 for an unknown unit.
double unit_nanoseconds(std::string_view unit) {
    if (unit == "ns") return 1;
    if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") return 1e3;
    if (unit == "ms") return 1e6;
    if (unit == "s") return 1e9;
    if (unit == "m") return 60e9;
    if (unit == "h") return 3600e9;
    return 0;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::chrono::milliseconds parse_go_duration(const std::string& text) {
    auto invalid = [&text]() { return ConfigError("invalid duration \"" + text + "\" (examples: 90s, 10m, 1h30m)"); };
    if (text == "0") return std::chrono::milliseconds(0);
    if (text.empty() || text[0] == '-') throw invalid();
    std::size_t i = text[0] == '+' ? 1 : 0;
    if (i == text.size()) throw invalid();
    double nanoseconds = 0;
    while (i < text.size()) {
        const std::size_t number_start = i;
        while (i < text.size() && (is_digit(text[i]) || text[i] == '.')) ++i;
        std::string number = text.substr(number_start, i - number_start);
        if (number.empty() || number == "." || number.find('.') != number.rfind('.')) throw invalid();
        const std::size_t unit_start = i;
        while (i < text.size() && !is_digit(text[i]) && text[i] != '.') ++i;
        double per_unit = unit_nanoseconds(std::string_view(text).substr(unit_start, i - unit_start));
        if (per_unit == 0) throw invalid();
        nanoseconds += std::stod(number) * per_unit;
    }
    if (!std::isfinite(nanoseconds) || nanoseconds > 9.2e18) throw invalid();
    return std::chrono::milliseconds(static_cast<long long>(nanoseconds / 1e6));
}

}  // namespace imgtrust
