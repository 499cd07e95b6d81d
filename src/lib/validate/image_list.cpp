#include "validate/image_list.hpp"

namespace imgtrust::validate {
namespace {

bool is_white(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

}  // namespace

std::string trim_white_space(const std::string& text) {
    std::size_t begin = 0, end = text.size();
    while (begin < end && is_white(text[begin])) ++begin;
    while (end > begin && is_white(text[end - 1])) --end;
    return text.substr(begin, end - begin);
}

bool is_ignored_line(const std::string& trimmed) {
    return trimmed.empty() || trimmed.front() == '#' || trimmed.rfind("//", 0) == 0;
}

std::optional<ListEntry> ImageListReader::next() {
    for (auto entry = next_entry(); entry; entry = next_entry())
        if (!shard_ || shard_->contains(entry->index)) return entry;
    return std::nullopt;
}

std::optional<ListEntry> ImageListReader::next_entry() {
    std::string line;
    while (std::getline(in_, line)) {
        ++line_number_;
        if (!line.empty() && line.back() == '\r') line.pop_back();  // CRLF lists
        std::string trimmed = trim_white_space(line);
        if (is_ignored_line(trimmed)) continue;
        return ListEntry{line_number_, std::move(line), std::move(trimmed), entries_++};
    }
    return std::nullopt;
}

std::size_t count_entries(std::istream& in, std::optional<ShardSelection> shard) {
    ImageListReader reader(in, shard);
    std::size_t count = 0;
    while (reader.next()) ++count;
    return count;
}

}  // namespace imgtrust::validate
