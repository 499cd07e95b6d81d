#include "signature/canonical_json.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <utility>
#include <vector>

#include "util/untrusted_json.hpp"

namespace imgtrust::signature {
namespace {

// Bounds recursion on hostile input; the same limit as the JSON gateway, whose
// output (re-serialised SET payloads) this canonicalises.
constexpr int max_nesting_depth = static_cast<int>(util::max_json_depth);

struct CanonicalError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

void append_utf8(std::string& out, std::uint32_t code_point) {
    if (code_point < 0x80) {
        out += static_cast<char>(code_point);
    } else if (code_point < 0x800) {
        out += static_cast<char>(0xC0 | (code_point >> 6));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    } else if (code_point < 0x10000) {
        out += static_cast<char>(0xE0 | (code_point >> 12));
        out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (code_point >> 18));
        out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    }
}

// UTF-16 code units of a valid UTF-8 string: the order RFC 8785 sorts keys by.
std::u16string utf16_units(std::string_view utf8) {
    std::u16string units;
    for (std::size_t i = 0; i < utf8.size();) {
        auto lead = static_cast<unsigned char>(utf8[i]);
        int length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
        std::uint32_t code_point = length == 1 ? lead : lead & (0x7F >> length);
        for (int k = 1; k < length; ++k) code_point = (code_point << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
        i += static_cast<std::size_t>(length);
        if (code_point >= 0x10000) {
            code_point -= 0x10000;
            units += static_cast<char16_t>(0xD800 + (code_point >> 10));
            units += static_cast<char16_t>(0xDC00 + (code_point & 0x3FF));
        } else {
            units += static_cast<char16_t>(code_point);
        }
    }
    return units;
}

void append_canonical_string(std::string& out, std::string_view text) {
    out += '"';
    for (unsigned char c : text) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20) {
                    char buffer[8];
                    std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
                    out += buffer;
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    out += '"';
}

class Canonicalizer {
public:
    explicit Canonicalizer(std::string_view input) : input_(input) {}

    std::string run() {
        std::string out;
        skip_whitespace();
        value(out, 0);
        skip_whitespace();
        if (pos_ != input_.size()) fail("unexpected data after the JSON value");
        return out;
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw CanonicalError(what + " at offset " + std::to_string(pos_));
    }
    bool at_end() const { return pos_ >= input_.size(); }
    char peek() const { return at_end() ? '\0' : input_[pos_]; }
    void skip_whitespace() {
        while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) ++pos_;
    }
    void expect(char c) {
        if (peek() != c || at_end()) fail(std::string("expected '") + c + "'");
        ++pos_;
    }

    void value(std::string& out, int depth) {
        if (depth > max_nesting_depth) fail("JSON nested too deeply");
        char c = peek();
        if (at_end()) fail("unexpected end of JSON input");
        if (c == '{') return object(out, depth + 1);
        if (c == '[') return array(out, depth + 1);
        if (c == '"') return append_canonical_string(out, string_literal());
        if (c == '-' || (c >= '0' && c <= '9')) return number(out);
        for (std::string_view literal : {"true", "false", "null"}) {
            if (input_.substr(pos_, literal.size()) == literal) {
                pos_ += literal.size();
                out += literal;
                return;
            }
        }
        fail("invalid JSON value");
    }

    void object(std::string& out, int depth) {
        expect('{');
        std::vector<std::pair<std::u16string, std::pair<std::string, std::string>>> members;  // sort key, (name, value)
        skip_whitespace();
        if (peek() == '}') {
            ++pos_;
            out += "{}";
            return;
        }
        for (;;) {
            skip_whitespace();
            if (peek() != '"') fail("object key string expected");
            std::string name = string_literal();
            skip_whitespace();
            expect(':');
            skip_whitespace();
            std::string member_value;
            value(member_value, depth);
            members.push_back({utf16_units(name), {std::move(name), std::move(member_value)}});
            skip_whitespace();
            if (peek() == ',') {
                ++pos_;
                continue;
            }
            expect('}');
            break;
        }
        std::sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        for (std::size_t i = 1; i < members.size(); ++i)
            if (members[i].first == members[i - 1].first) fail("duplicate key \"" + members[i].second.first + "\"");
        out += '{';
        for (std::size_t i = 0; i < members.size(); ++i) {
            if (i) out += ',';
            append_canonical_string(out, members[i].second.first);
            out += ':';
            out += members[i].second.second;
        }
        out += '}';
    }

    void array(std::string& out, int depth) {
        expect('[');
        out += '[';
        skip_whitespace();
        if (peek() == ']') {
            ++pos_;
            out += ']';
            return;
        }
        for (bool first = true;; first = false) {
            skip_whitespace();
            if (!first) out += ',';
            value(out, depth);
            skip_whitespace();
            if (peek() == ',') {
                ++pos_;
                continue;
            }
            expect(']');
            break;
        }
        out += ']';
    }

    std::uint32_t hex4() {
        if (pos_ + 4 > input_.size()) fail("truncated \\u escape");
        std::uint32_t value = 0;
        for (int i = 0; i < 4; ++i) {
            char c = input_[pos_++];
            int digit = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
            if (digit < 0) fail("invalid \\u escape");
            value = value * 16 + static_cast<std::uint32_t>(digit);
        }
        return value;
    }

    std::uint32_t escaped_code_point() {
        std::uint32_t unit = hex4();
        if (unit >= 0xDC00 && unit <= 0xDFFF) fail("unpaired surrogate in \\u escape");
        if (unit < 0xD800 || unit > 0xDBFF) return unit;
        if (input_.substr(pos_, 2) != "\\u") fail("unpaired surrogate in \\u escape");
        pos_ += 2;
        std::uint32_t low = hex4();
        if (low < 0xDC00 || low > 0xDFFF) fail("unpaired surrogate in \\u escape");
        return 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
    }

    void escape(std::string& text) {
        char c = input_[pos_++];
        switch (c) {
            case '"': text += '"'; break;
            case '\\': text += '\\'; break;
            case '/': text += '/'; break;
            case 'b': text += '\b'; break;
            case 'f': text += '\f'; break;
            case 'n': text += '\n'; break;
            case 'r': text += '\r'; break;
            case 't': text += '\t'; break;
            case 'u': append_utf8(text, escaped_code_point()); break;
            default: fail("invalid escape in string");
        }
    }

    // Copies one valid UTF-8 sequence; rejects malformed, overlong and surrogate encodings.
    void utf8_sequence(std::string& text) {
        auto lead = static_cast<unsigned char>(input_[pos_]);
        int length = lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3 : lead >= 0xF0 && lead <= 0xF4 ? 4 : 0;
        if (length == 0 || pos_ + static_cast<std::size_t>(length) > input_.size()) fail("invalid UTF-8 in string");
        std::uint32_t code_point = lead & (0x7F >> length);
        for (int k = 1; k < length; ++k) {
            auto next = static_cast<unsigned char>(input_[pos_ + static_cast<std::size_t>(k)]);
            if ((next & 0xC0) != 0x80) fail("invalid UTF-8 in string");
            code_point = (code_point << 6) | (next & 0x3F);
        }
        bool overlong = (length == 3 && code_point < 0x800) || (length == 4 && code_point < 0x10000);
        if (overlong || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) fail("invalid UTF-8 in string");
        text.append(input_.substr(pos_, static_cast<std::size_t>(length)));
        pos_ += static_cast<std::size_t>(length);
    }

    std::string string_literal() {
        expect('"');
        std::string text;
        for (;;) {
            if (at_end()) fail("unterminated string");
            auto c = static_cast<unsigned char>(input_[pos_]);
            if (c == '"') {
                ++pos_;
                return text;
            }
            if (c < 0x20) fail("control character in string");
            if (c == '\\') {
                ++pos_;
                if (at_end()) fail("unterminated string");
                escape(text);
            } else if (c < 0x80) {
                text += static_cast<char>(c);
                ++pos_;
            } else {
                utf8_sequence(text);
            }
        }
    }

    void digits() {
        std::size_t start = pos_;
        while (!at_end() && peek() >= '0' && peek() <= '9') ++pos_;
        if (pos_ == start) fail("invalid number");
    }

    void number(std::string& out) {
        std::size_t start = pos_;
        if (peek() == '-') ++pos_;
        if (peek() == '0') {
            ++pos_;
        } else {
            digits();
        }
        if (peek() == '.') {
            ++pos_;
            digits();
        }
        if (peek() == 'e' || peek() == 'E') {
            ++pos_;
            if (peek() == '+' || peek() == '-') ++pos_;
            digits();
        }
        std::string literal(input_.substr(start, pos_ - start));
        double parsed = 0;
        auto [end, ec] = std::from_chars(literal.data(), literal.data() + literal.size(), parsed);
        if (ec == std::errc::result_out_of_range) {
            // Go's ParseFloat: overflow is an error, underflow rounds to zero.
            std::size_t exponent = literal.find_first_of("eE");
            if (exponent == std::string::npos || literal[exponent + 1] != '-') fail("number out of range");
            parsed = 0;
        } else if (ec != std::errc() || end != literal.data() + literal.size()) {
            fail("invalid number");
        }
        out += ecmascript_number(parsed);
    }

    std::string_view input_;
    std::size_t pos_ = 0;
};

}  // namespace

std::string ecmascript_number(double value) {
    if (value == 0) return "0";
    if (!std::isfinite(value)) throw std::invalid_argument("non-finite number");
    std::string sign = value < 0 ? "-" : "";
    char buffer[64];
    auto result = std::to_chars(buffer, buffer + sizeof buffer, std::fabs(value), std::chars_format::scientific);
    std::string scientific(buffer, result.ptr);  // shortest round-trip: "d.ddde+XX"
    std::size_t e = scientific.find('e');
    std::string digits = scientific.substr(0, e);
    digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
    int exponent = std::stoi(scientific.substr(e + 1));
    int k = static_cast<int>(digits.size());
    int n = exponent + 1;
    if (k <= n && n <= 21) return sign + digits + std::string(static_cast<std::size_t>(n - k), '0');
    if (0 < n && n <= 21) return sign + digits.substr(0, static_cast<std::size_t>(n)) + "." + digits.substr(static_cast<std::size_t>(n));
    if (-6 < n && n <= 0) return sign + "0." + std::string(static_cast<std::size_t>(-n), '0') + digits;
    std::string mantissa = digits.substr(0, 1) + (k > 1 ? "." + digits.substr(1) : "");
    return sign + mantissa + "e" + (n - 1 >= 0 ? "+" : "-") + std::to_string(std::abs(n - 1));
}

std::optional<std::string> canonicalize_json(std::string_view untrusted_json, std::string& error) {
    try {
        return Canonicalizer(untrusted_json).run();
    } catch (const CanonicalError& e) {
        error = e.what();
        return std::nullopt;
    }
}

}  // namespace imgtrust::signature
