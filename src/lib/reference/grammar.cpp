// Hand-written matchers for the docker/reference grammar (see grammar.hpp).
#include "reference/grammar.hpp"

#include <cstddef>
#include <vector>

#include "util/go_quote.hpp"
#include "util/text.hpp"

namespace imgtrust::reference {
namespace {

using util::go_quote;
using util::split;

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_ascii_alnum(char c) { return is_lower_alnum(c) || (c >= 'A' && c <= 'Z'); }
bool is_word_char(char c) { return is_ascii_alnum(c) || c == '_'; }
bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex_digit(char c) { return is_ascii_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// domain-component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
bool is_domain_component(std::string_view text) {
    if (text.empty() || !is_ascii_alnum(text.front()) || !is_ascii_alnum(text.back())) {
        return false;
    }
    for (char c : text) {
        if (!is_ascii_alnum(c) && c != '-') {
            return false;
        }
    }
    return true;
}

// Why a name (without tag or digest) is not [domain "/"] path-component ["/" path-component]*.
std::string name_violation(std::string_view name) {
    if (name.empty()) {
        return "missing repository name";
    }
    const std::vector<std::string_view> components = split(name, '/');
    for (std::string_view component : components) {
        if (component.empty()) {
            return "empty path component";
        }
    }
    const bool first_is_domain = components.size() > 1 && is_domain(components.front());
    if (!first_is_domain && !is_path_component(components.front())) {
        if (components.size() == 1) {
            return "invalid path component " + go_quote(components.front());
        }
        if (components.front().find(':') != std::string_view::npos) {
            return "invalid domain " + go_quote(components.front());
        }
        return go_quote(components.front()) + " is neither a valid domain nor a valid path component";
    }
    for (std::size_t i = 1; i < components.size(); ++i) {
        if (!is_path_component(components[i])) {
            return "invalid path component " + go_quote(components[i]);
        }
    }
    return "";
}

}  // namespace

bool is_path_component(std::string_view text) {
    std::size_t i = 0;
    while (true) {
        const std::size_t run_start = i;
        while (i < text.size() && is_lower_alnum(text[i])) {
            ++i;
        }
        if (i == run_start) {
            return false;  // every separator must sit between two alphanumeric runs
        }
        if (i == text.size()) {
            return true;
        }
        if (text[i] == '.') {
            ++i;
        } else if (text[i] == '_') {
            i += (i + 1 < text.size() && text[i + 1] == '_') ? 2 : 1;
        } else if (text[i] == '-') {
            while (i < text.size() && text[i] == '-') {
                ++i;
            }
        } else {
            return false;
        }
    }
}

bool is_domain(std::string_view text) {
    std::string_view host = text;
    const std::size_t colon = text.find(':');
    if (colon != std::string_view::npos) {
        host = text.substr(0, colon);
        const std::string_view port = text.substr(colon + 1);
        if (port.empty()) {
            return false;
        }
        for (char c : port) {
            if (!is_ascii_digit(c)) {
                return false;
            }
        }
    }
    for (std::string_view component : split(host, '.')) {
        if (!is_domain_component(component)) {
            return false;
        }
    }
    return true;
}

bool is_tag(std::string_view text) {
    if (text.empty() || text.size() > 128 || !is_word_char(text.front())) {
        return false;
    }
    for (char c : text) {
        if (!is_word_char(c) && c != '.' && c != '-') {
            return false;
        }
    }
    return true;
}

bool matches_digest_pattern(std::string_view text) {
    const std::size_t colon = text.find(':');
    if (colon == std::string_view::npos) {
        return false;
    }
    // algorithm := [A-Za-z][A-Za-z0-9]* ([-_+.][A-Za-z][A-Za-z0-9]*)*
    bool expect_letter = true;
    for (char c : text.substr(0, colon)) {
        if (expect_letter) {
            if (!is_ascii_letter(c)) {
                return false;
            }
            expect_letter = false;
        } else if (c == '-' || c == '_' || c == '+' || c == '.') {
            expect_letter = true;
        } else if (!is_ascii_alnum(c)) {
            return false;
        }
    }
    if (expect_letter) {
        return false;  // empty algorithm, or it ends with a separator
    }
    const std::string_view hex = text.substr(colon + 1);
    if (hex.size() < 32) {
        return false;
    }
    for (char c : hex) {
        if (!is_hex_digit(c)) {
            return false;
        }
    }
    return true;
}

bool is_full_identifier(std::string_view text) {
    if (text.size() != 64) {
        return false;
    }
    for (char c : text) {
        if (!is_ascii_digit(c) && !(c >= 'a' && c <= 'f')) {
            return false;
        }
    }
    return true;
}

std::optional<SplitName> split_name(std::string_view name) {
    if (!name_violation(name).empty()) {
        return std::nullopt;
    }
    const std::size_t slash = name.find('/');
    if (slash != std::string_view::npos && is_domain(name.substr(0, slash))) {
        return SplitName{name.substr(0, slash), name.substr(slash + 1)};
    }
    return SplitName{std::string_view{}, name};
}

ReferenceParts locate_reference_parts(std::string_view text) {
    ReferenceParts parts;
    std::string_view before_digest = text;
    const std::size_t at = text.find('@');
    if (at != std::string_view::npos) {
        parts.digest = text.substr(at + 1);
        before_digest = text.substr(0, at);
    }
    const std::size_t last_slash = before_digest.rfind('/');
    const std::size_t tag_search_start = last_slash == std::string_view::npos ? 0 : last_slash + 1;
    const std::size_t colon = before_digest.find(':', tag_search_start);
    if (colon != std::string_view::npos) {
        parts.tag = before_digest.substr(colon + 1);
        before_digest = before_digest.substr(0, colon);
    }
    parts.name = before_digest;
    return parts;
}

std::string reference_grammar_violation(std::string_view text) {
    const ReferenceParts parts = locate_reference_parts(text);
    if (std::string problem = name_violation(parts.name); !problem.empty()) {
        return problem;
    }
    if (parts.tag && !is_tag(*parts.tag)) {
        return "invalid tag " + go_quote(*parts.tag);
    }
    if (parts.digest && !matches_digest_pattern(*parts.digest)) {
        return "invalid digest " + go_quote(*parts.digest);
    }
    return "";
}

}  // namespace imgtrust::reference
