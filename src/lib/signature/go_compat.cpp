#include "signature/go_compat.hpp"

#include "util/digest.hpp"

namespace imgtrust::signature {
namespace {

int base64_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

bool is_newline(char c) { return c == '\n' || c == '\r'; }

std::string illegal_at(std::size_t offset) { return "illegal base64 data at input byte " + std::to_string(offset); }

void skip_newlines(std::string_view text, std::size_t& pos) {
    while (pos < text.size() && is_newline(text[pos])) ++pos;
}

void append_quantum(std::string& out, const int (&values)[4], int count) {
    unsigned bits = (unsigned(values[0]) << 18) | (unsigned(values[1]) << 12) | (unsigned(values[2]) << 6) | unsigned(values[3]);
    out.push_back(static_cast<char>((bits >> 16) & 0xff));
    if (count > 2) out.push_back(static_cast<char>((bits >> 8) & 0xff));
    if (count > 3) out.push_back(static_cast<char>(bits & 0xff));
}

// Handles the '=' found as character number `index` of a quantum (already
// consumed, at pos - 1). Returns false and sets error if the padding is wrong.
bool consume_padding(std::string_view text, std::size_t& pos, int index, std::string& error) {
    if (index < 2) {
        error = illegal_at(pos - 1);
        return false;
    }
    if (index == 2) {  // "==" is required; the first '=' is consumed
        skip_newlines(text, pos);
        if (pos == text.size()) {
            error = illegal_at(text.size());
            return false;
        }
        if (text[pos] != '=') {
            error = illegal_at(pos - 1);
            return false;
        }
        ++pos;
    }
    skip_newlines(text, pos);
    if (pos < text.size()) {  // trailing garbage after the padding
        error = illegal_at(pos);
        return false;
    }
    return true;
}

}  // namespace

std::optional<std::string> go_base64_std_decode(std::string_view text, std::string& error) {
    std::string out;
    out.reserve(text.size() / 4 * 3);
    std::size_t pos = 0;
    for (;;) {
        int values[4] = {0, 0, 0, 0};
        for (int index = 0; index < 4; ++index) {
            skip_newlines(text, pos);
            if (pos == text.size()) {
                if (index == 0) return out;
                error = illegal_at(pos - static_cast<std::size_t>(index));
                return std::nullopt;
            }
            char c = text[pos++];
            values[index] = base64_value(c);
            if (values[index] >= 0) continue;
            if (c != '=') {
                error = illegal_at(pos - 1);
                return std::nullopt;
            }
            values[index] = 0;
            if (!consume_padding(text, pos, index, error)) return std::nullopt;
            append_quantum(out, values, index);
            return out;
        }
        append_quantum(out, values, 4);
    }
}

std::string go_digest_validation_error(std::string_view digest) {
    const std::optional<util::DigestError> error = util::Digest::validation_error(digest);
    if (!error) return {};
    switch (*error) {
        case util::DigestError::invalid_length: return "invalid checksum digest length";
        case util::DigestError::unsupported_algorithm: return "unsupported digest algorithm";
        case util::DigestError::invalid_format:
        case util::DigestError::not_lowercase_hex: break;
    }
    return "invalid checksum digest format";
}

const char* go_json_kind(const rapidjson::Value& value) {
    if (value.IsString()) return "string";
    if (value.IsNumber()) return "number";
    if (value.IsBool()) return "bool";
    if (value.IsArray()) return "array";
    if (value.IsObject()) return "object";
    return "null";
}

}  // namespace imgtrust::signature
