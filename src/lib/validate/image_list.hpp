// The image list of `imgtrust validate -f LIST` (hangar's format): one image
// reference per line; blank lines and lines starting with `#` or `//` are
// ignored. The list is read as a stream, one entry at a time.
#pragma once

#include <cstddef>
#include <istream>
#include <optional>
#include <string>

#include "validate/shard.hpp"

namespace imgtrust::validate {

struct ListEntry {
    std::size_t line_number = 0;  // 1-based line in the list
    std::string original_line;    // exactly as written (without the line end), for the failed list
    std::string reference_text;   // the line without surrounding white space
    std::size_t index = 0;        // 0-based among the list's entries (blank and comment lines are not entries)
};

// Reads entries from a stream, skipping blank and comment lines. Does not
// judge whether a reference is valid: that is part of checking the entry.
// With a shard (validate --shard K/N), yields only the entries of that shard,
// keeping their index and line number in the whole list.
class ImageListReader {
public:
    explicit ImageListReader(std::istream& in, std::optional<ShardSelection> shard = std::nullopt)
        : in_(in), shard_(shard) {}
    std::optional<ListEntry> next();

private:
    std::optional<ListEntry> next_entry();

    std::istream& in_;
    std::optional<ShardSelection> shard_;
    std::size_t line_number_ = 0;
    std::size_t entries_ = 0;
};

// True for lines the list format ignores (blank, `#…`, `//…`).
bool is_ignored_line(const std::string& trimmed);

// Strips ASCII white space (and a trailing CR) at both ends.
std::string trim_white_space(const std::string& text);

// Number of entries a stream would yield (for progress totals), in the whole
// list or in one shard of it; reads it to the end.
std::size_t count_entries(std::istream& in, std::optional<ShardSelection> shard = std::nullopt);

}  // namespace imgtrust::validate
