#include "util/untrusted_json.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "util/bytes.hpp"

namespace imgtrust::util {
namespace {

enum class NumberResult { ok, too_big };

// RapidJSON hands numbers over as text (kParseNumbersAsStringsFlag); they are
// stored with the narrowest RapidJSON type that holds them, as its own parser
// would: integers as int/uint/int64/uint64, the rest as a correctly rounded
// double. A number beyond the double range is an error, as in Go.
NumberResult store_number(rapidjson::Document& document, std::string_view text) {
    const bool integral = text.find_first_of(".eE") == std::string_view::npos;
    if (integral) {
        const char* end = text.data() + text.size();
        if (text.front() == '-') {
            std::int64_t value = 0;
            if (auto [ptr, ec] = std::from_chars(text.data(), end, value); ec == std::errc{} && ptr == end) {
                if (value >= INT32_MIN) document.Int(static_cast<int>(value));
                else document.Int64(value);
                return NumberResult::ok;
            }
        } else {
            std::uint64_t value = 0;
            if (auto [ptr, ec] = std::from_chars(text.data(), end, value); ec == std::errc{} && ptr == end) {
                if (value <= INT32_MAX) document.Int(static_cast<int>(value));
                else if (value <= UINT32_MAX) document.Uint(static_cast<unsigned>(value));
                else if (value <= INT64_MAX) document.Int64(static_cast<std::int64_t>(value));
                else document.Uint64(value);
                return NumberResult::ok;
            }
        }
    }
    // strtod rounds correctly (glibc); the grammar was already checked by RapidJSON.
    std::string copy(text);
    errno = 0;
    double value = std::strtod(copy.c_str(), nullptr);
    if (errno == ERANGE && std::isinf(value)) return NumberResult::too_big;
    document.Double(value);
    return NumberResult::ok;
}

// RapidJSON decodes the escape of a lone low surrogate ("\ude00"; it refuses a
// lone high one) into the three bytes ED B8 80, which are not UTF-8. Go's
// encoding/json turns any lone surrogate into U+FFFD; so do we, for both.
// (ED A0..BF is only ever a surrogate: valid UTF-8 never starts a sequence so.)
bool holds_encoded_surrogate(std::string_view text) {
    for (std::size_t at = text.find('\xED'); at != std::string_view::npos; at = text.find('\xED', at + 1))
        if (at + 1 < text.size() && (static_cast<unsigned char>(text[at + 1]) & 0xE0) == 0xA0) return true;
    return false;
}

std::string with_surrogates_replaced(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool surrogate = text[i] == '\xED' && i + 2 < text.size() &&
                               (static_cast<unsigned char>(text[i + 1]) & 0xE0) == 0xA0;
        if (surrogate) {
            out += "\xEF\xBF\xBD";
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

// Forwards RapidJSON's SAX events to the Document, counting depth and
// converting numbers. Returning false stops the (iterative) parse.
class BoundedBuilder {
public:
    BoundedBuilder(rapidjson::Document& document, std::size_t max_depth) : document_(document), max_depth_(max_depth) {}

    bool Null() { return document_.Null(); }
    bool Bool(bool value) { return document_.Bool(value); }
    bool Int(int value) { return document_.Int(value); }
    bool Uint(unsigned value) { return document_.Uint(value); }
    bool Int64(std::int64_t value) { return document_.Int64(value); }
    bool Uint64(std::uint64_t value) { return document_.Uint64(value); }
    bool Double(double value) { return document_.Double(value); }
    bool RawNumber(const char* text, rapidjson::SizeType length, bool) {
        if (store_number(document_, std::string_view(text, length)) == NumberResult::ok) return true;
        stop_ = JsonErrorKind::number_too_big;
        return false;
    }
    bool String(const char* text, rapidjson::SizeType length, bool copy) {
        if (!holds_encoded_surrogate(std::string_view(text, length))) return document_.String(text, length, copy);
        const std::string fixed = with_surrogates_replaced(std::string_view(text, length));
        return document_.String(fixed.data(), static_cast<rapidjson::SizeType>(fixed.size()), true);
    }
    bool Key(const char* text, rapidjson::SizeType length, bool copy) {
        if (!holds_encoded_surrogate(std::string_view(text, length))) return document_.Key(text, length, copy);
        const std::string fixed = with_surrogates_replaced(std::string_view(text, length));
        return document_.Key(fixed.data(), static_cast<rapidjson::SizeType>(fixed.size()), true);
    }
    bool StartObject() { return enter() && document_.StartObject(); }
    bool EndObject(rapidjson::SizeType members) { return leave() && document_.EndObject(members); }
    bool StartArray() { return enter() && document_.StartArray(); }
    bool EndArray(rapidjson::SizeType elements) { return leave() && document_.EndArray(elements); }

    std::optional<JsonErrorKind> stop_reason() const { return stop_; }

private:
    bool enter() {
        if (++depth_ <= max_depth_) return true;
        stop_ = JsonErrorKind::too_deep;
        return false;
    }
    bool leave() { return depth_-- > 0; }

    rapidjson::Document& document_;
    std::size_t max_depth_;
    std::size_t depth_ = 0;
    std::optional<JsonErrorKind> stop_;
};

constexpr unsigned base_flags = rapidjson::kParseIterativeFlag | rapidjson::kParseNumbersAsStringsFlag;

template <unsigned Flags>
rapidjson::ParseResult run_parse(std::string_view text, BoundedBuilder& builder) {
    rapidjson::MemoryStream bytes(text.data(), text.size());
    rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> input(bytes);
    rapidjson::Reader reader;
    return reader.Parse<Flags>(input, builder);
}

rapidjson::ParseResult parse_with_flags(std::string_view text, BoundedBuilder& builder, const JsonOptions& options) {
    constexpr unsigned stop = rapidjson::kParseStopWhenDoneFlag;
    constexpr unsigned utf8 = rapidjson::kParseValidateEncodingFlag;
    const bool stop_when_done = options.trailing == JsonTrailing::ignore;
    const bool validate = options.encoding == JsonEncodingCheck::validate_utf8;
    if (stop_when_done && validate) return run_parse<base_flags | stop | utf8>(text, builder);
    if (stop_when_done) return run_parse<base_flags | stop>(text, builder);
    if (validate) return run_parse<base_flags | utf8>(text, builder);
    return run_parse<base_flags>(text, builder);
}

JsonError make_error(JsonErrorKind kind, std::size_t offset, std::string message) {
    JsonError error;
    error.kind = kind;
    error.offset = offset;
    error.message = std::move(message);
    return error;
}

}  // namespace

std::string JsonError::describe() const {
    return "invalid JSON at byte " + std::to_string(offset) + ": " + message;
}

std::optional<JsonError> parse_untrusted_json(std::string_view untrusted_text, rapidjson::Document& document,
                                              const JsonOptions& options) {
    if (untrusted_text.size() > options.limits.max_bytes)
        return make_error(JsonErrorKind::too_large, options.limits.max_bytes,
                          "larger than " + std::to_string(options.limits.max_bytes) + " bytes");
    if (starts_with_utf8_bom(untrusted_text))
        return make_error(JsonErrorKind::byte_order_mark, 0,
                          "invalid character 'ï' looking for beginning of value (a UTF-8 byte order mark is not allowed)");
    document.SetNull();
    rapidjson::ParseResult result;
    std::optional<JsonErrorKind> stop_reason;
    auto generator = [&](rapidjson::Document& target) {
        BoundedBuilder builder(target, options.limits.max_depth);
        result = parse_with_flags(untrusted_text, builder, options);
        stop_reason = builder.stop_reason();
        return !result.IsError();
    };
    document.Populate(generator);
    if (!result.IsError()) return std::nullopt;
    document.SetNull();
    if (stop_reason == JsonErrorKind::too_deep)
        return make_error(JsonErrorKind::too_deep, result.Offset(),
                          "nested more than " + std::to_string(options.limits.max_depth) + " levels deep");
    // RapidJSON itself refuses a decimal exponent above 308 (so `0e400`, which
    // Go reads as 0, is refused too: fail closed on a form no signer writes).
    if (stop_reason == JsonErrorKind::number_too_big || result.Code() == rapidjson::kParseErrorNumberTooBig)
        return make_error(JsonErrorKind::number_too_big, result.Offset(), "Number too big to be stored in double.");
    return make_error(JsonErrorKind::syntax, result.Offset(), rapidjson::GetParseError_En(result.Code()));
}

std::string write_json(const rapidjson::Value& value) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    value.Accept(writer);
    return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace imgtrust::util
