// The image list of `imgtrust validate -f LIST` (hangar's format): one image
// reference per line; blank lines and lines starting with `#` or `//` are
// ignored. The list is read as a stream, one entry at a time.
#pragma once

#include <cstddef>
#include <istream>
#include <optional>
#include <string>

namespace imgtrust::validate {

struct ListEntry {
    std::size_t line_number = 0;  // 1-based line in the list
    std::string original_line;    // exactly as written (without the line end), for the failed list
    std::string reference_text;   // the line without surrounding white space
};

// Reads entries from a stream, skipping blank and comment lines. Does not
// judge whether a reference is valid: that is part of checking the entry.
class ImageListReader {
public:
    explicit ImageListReader(std::istream& in) : in_(in) {}
    std::optional<ListEntry> next();

private:
    std::istream& in_;
    std::size_t line_number_ = 0;
};

// True for lines the list format ignores (blank, `#…`, `//…`).
bool is_ignored_line(const std::string& trimmed);

// Strips ASCII white space (and a trailing CR) at both ends.
std::string trim_white_space(const std::string& text);

// Number of entries a stream would yield (for progress totals); reads it to the end.
std::size_t count_entries(std::istream& in);

}  // namespace imgtrust::validate
