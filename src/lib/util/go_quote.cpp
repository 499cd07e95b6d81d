#include "util/go_quote.hpp"

#include <cstdint>
#include <optional>

#include "util/text.hpp"

namespace imgtrust::util {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";

// The non-ASCII runes that unicode.IsPrint rejects, by category: Cc (C1),
// Zs other than U+0020, Zl, Zp, Cf and Co.
bool is_unprintable(char32_t rune) {
    if (rune <= 0x9f || rune == 0xa0 || rune == 0xad) return true;
    if (rune == 0x1680 || (rune >= 0x2000 && rune <= 0x200f) || (rune >= 0x2028 && rune <= 0x202f)) return true;
    if ((rune >= 0x205f && rune <= 0x206f) || rune == 0x3000 || rune == 0xfeff) return true;
    if ((rune >= 0x600 && rune <= 0x605) || rune == 0x61c || rune == 0x6dd || rune == 0x70f || rune == 0x180e) return true;
    if ((rune >= 0xfff9 && rune <= 0xfffb) || (rune >= 0xe000 && rune <= 0xf8ff)) return true;
    if (rune == 0xe0001 || (rune >= 0xe0020 && rune <= 0xe007f) || rune >= 0xf0000) return true;
    return false;
}

void append_hex(std::string& out, std::uint32_t value, int digits) {
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out += hex_digits[(value >> shift) & 0xf];
}

// A byte below 0x80: Go's single-letter escapes, \xXX for other controls.
void append_ascii(std::string& out, char c) {
    switch (c) {
        case '"': out += "\\\""; return;
        case '\\': out += "\\\\"; return;
        case '\a': out += "\\a"; return;
        case '\b': out += "\\b"; return;
        case '\f': out += "\\f"; return;
        case '\n': out += "\\n"; return;
        case '\r': out += "\\r"; return;
        case '\t': out += "\\t"; return;
        case '\v': out += "\\v"; return;
        default: break;
    }
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
        out += "\\x";
        append_hex(out, byte, 2);
    } else {
        out += c;
    }
}

}  // namespace

std::string go_quote(std::string_view text) {
    std::string out = "\"";
    std::size_t i = 0;
    while (i < text.size()) {
        if (static_cast<unsigned char>(text[i]) < 0x80) {
            append_ascii(out, text[i++]);
            continue;
        }
        const std::optional<Utf8Rune> rune = decode_utf8_rune(text.substr(i));
        if (!rune) {
            out += "\\x";
            append_hex(out, static_cast<unsigned char>(text[i++]), 2);
        } else if (is_unprintable(rune->value)) {
            out += rune->value > 0xffff ? "\\U" : "\\u";
            append_hex(out, rune->value, rune->value > 0xffff ? 8 : 4);
            i += rune->length;
        } else {
            out.append(text.substr(i, rune->length));
            i += rune->length;
        }
    }
    return out + "\"";
}

}  // namespace imgtrust::util
