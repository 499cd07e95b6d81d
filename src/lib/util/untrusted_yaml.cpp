#include "util/untrusted_yaml.hpp"

#include <vector>

namespace imgtrust::util {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// Walks the document line by line, keeping the open block levels (their
// columns), the flow depth and any quoted scalar that spans lines.
class DepthScanner {
public:
    explicit DepthScanner(std::size_t max_depth) : max_depth_(max_depth) {}

    // The 1-based line where the depth first exceeds the limit, or 0.
    std::size_t first_line_too_deep(std::string_view text) {
        std::size_t line_number = 0;
        for (std::size_t start = 0; start <= text.size();) {
            std::size_t end = text.find('\n', start);
            if (end == std::string_view::npos) end = text.size();
            ++line_number;
            if (!scan_line(text.substr(start, end - start))) return line_number;
            start = end + 1;
        }
        return 0;
    }

private:
    std::size_t depth() const { return block_columns_.size() + flow_depth_; }

    // False when the line takes the depth past the limit.
    bool scan_line(std::string_view line) {
        std::size_t column = 0;
        while (column < line.size() && line[column] == ' ') ++column;
        const bool blank = column == line.size() || line[column] == '#' || line[column] == '\r';
        if (block_scalar_parent_ && (blank || column > *block_scalar_parent_)) return true;  // block scalar text
        block_scalar_parent_.reset();
        if (blank && quote_ == 0) return true;
        if (quote_ == 0 && flow_depth_ == 0) {
            if (!open_block_levels(line, column)) return false;
        }
        return scan_flow(line, column);
    }

    // Closes the levels at or right of `column`, then opens one for the line
    // and one more for each compact indicator ("- - x", "? x", ": x") on it.
    bool open_block_levels(std::string_view line, std::size_t& column) {
        while (!block_columns_.empty() && block_columns_.back() >= column) block_columns_.pop_back();
        block_columns_.push_back(column);
        line_indent_ = column;
        while (column + 1 < line.size() && (line[column] == '-' || line[column] == '?' || line[column] == ':') &&
               is_blank(line[column + 1])) {
            column += 2;
            while (column < line.size() && is_blank(line[column])) ++column;
            block_columns_.push_back(column);
        }
        return depth() <= max_depth_;
    }

    // Flow brackets outside quotes and comments; notes a block scalar header.
    // A quote or '|'/'>' counts only where a scalar can start: at a block
    // line's start, after an indicator followed by a blank, or after '[', '{'
    // or ',' inside flow ("a: it's [" and "a: b,'[" are plain scalars). Where
    // this guess is wrong it only counts brackets that are text (more depth).
    bool scan_flow(std::string_view line, std::size_t column) {
        if (flow_depth_ == 0) significant_ = '\n';
        for (std::size_t i = column; i < line.size(); ++i) {
            const char c = line[i];
            if (quote_ != 0) {
                skip_quoted(line, i);
                continue;
            }
            if (is_blank(c)) continue;
            if (c == '#' && (i == 0 || is_blank(line[i - 1]))) break;
            const bool scalar_start = significant_ == '\n' || significant_ == '!' ||
                                      (flow_depth_ > 0 && (significant_ == '[' || significant_ == '{' || significant_ == ','));
            significant_ = c;
            if ((c == '"' || c == '\'') && scalar_start) {
                quote_ = c;
            } else if (c == '[' || c == '{') {
                if (++flow_depth_ + block_columns_.size() > max_depth_) return false;
            } else if ((c == ']' || c == '}') && flow_depth_ > 0) {
                --flow_depth_;
            } else if ((c == '|' || c == '>') && flow_depth_ == 0 && scalar_start) {
                block_scalar_parent_ = line_indent_;
            } else if ((c == ':' || c == '-' || c == '?') && (i + 1 == line.size() || is_blank(line[i + 1]))) {
                significant_ = '!';  // an indicator: a scalar may start next
            }
        }
        if (flow_depth_ == 0) quote_ = 0;  // a quote in block context never hides the next lines
        return true;
    }

    // One character inside a quoted scalar: \x escapes in "...", '' in '...'.
    void skip_quoted(std::string_view line, std::size_t& i) {
        const char c = line[i];
        if (quote_ == '"' && c == '\\') {
            ++i;
        } else if (c == quote_) {
            if (quote_ == '\'' && i + 1 < line.size() && line[i + 1] == '\'') ++i;
            else quote_ = 0;
        }
    }

    std::size_t max_depth_;
    std::vector<std::size_t> block_columns_;
    std::size_t flow_depth_ = 0;
    std::size_t line_indent_ = 0;
    char quote_ = 0;                                   // '"' or '\'' while inside a quoted scalar
    char significant_ = '\n';                          // last non-blank outside quotes; '\n' line start, '!' indicator
    std::optional<std::size_t> block_scalar_parent_;  // indentation of the line that opened a | or > scalar
};

}  // namespace

std::optional<std::string> yaml_limit_violation(std::string_view text, const YamlLimits& limits) {
    if (text.size() > limits.max_bytes)
        return "YAML document of " + std::to_string(text.size()) + " bytes, more than the " +
               std::to_string(limits.max_bytes) + "-byte limit";
    DepthScanner scanner(limits.max_depth);
    if (const std::size_t line = scanner.first_line_too_deep(text); line != 0)
        return "YAML document nested more than " + std::to_string(limits.max_depth) + " levels deep (at line " +
               std::to_string(line) + ")";
    return std::nullopt;
}

YAML::Node load_untrusted_yaml(std::string_view text, const YamlLimits& limits) {
    if (std::optional<std::string> violation = yaml_limit_violation(text, limits)) throw YamlLimitError(*violation);
    return YAML::Load(std::string(text));
}

}  // namespace imgtrust::util
