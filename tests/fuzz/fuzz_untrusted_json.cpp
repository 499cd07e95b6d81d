// util::parse_untrusted_json, the one gateway for JSON from outside, in each
// mode. Beyond "no crash", it checks one property: a document it accepted,
// written back with write_json, parses again to an equal document.
#include "fuzz_support.hpp"

#include <cstdio>

#include "util/untrusted_json.hpp"

namespace {

using imgtrust::util::JsonEncodingCheck;
using imgtrust::util::JsonOptions;
using imgtrust::util::JsonTrailing;

// Same structure, member order, names and values. (rapidjson's operator==
// looks members up by name, which is wrong for documents with duplicate keys.)
bool same_value(const rapidjson::Value& a, const rapidjson::Value& b) {
    if (a.GetType() != b.GetType()) return false;
    if (a.IsString()) return std::string_view(a.GetString(), a.GetStringLength()) == std::string_view(b.GetString(), b.GetStringLength());
    if (a.IsNumber()) {
        if (a.IsDouble() != b.IsDouble()) return false;
        if (a.IsDouble()) return a.GetDouble() == b.GetDouble();
        return a.IsUint64() == b.IsUint64() && (a.IsUint64() ? a.GetUint64() == b.GetUint64() : a.GetInt64() == b.GetInt64());
    }
    if (a.IsArray()) {
        if (a.Size() != b.Size()) return false;
        for (rapidjson::SizeType i = 0; i < a.Size(); ++i) if (!same_value(a[i], b[i])) return false;
        return true;
    }
    if (a.IsObject()) {
        if (a.MemberCount() != b.MemberCount()) return false;
        for (auto x = a.MemberBegin(), y = b.MemberBegin(); x != a.MemberEnd(); ++x, ++y) {
            if (!same_value(x->name, y->name) || !same_value(x->value, y->value)) return false;
        }
        return true;
    }
    return true;  // null, true, false: the type says it all
}

void parse_and_round_trip(std::string_view text, const JsonOptions& options) {
    rapidjson::Document document;
    if (imgtrust::util::parse_untrusted_json(text, document, options)) return;
    const std::string written = imgtrust::util::write_json(document);
    rapidjson::Document reparsed;
    JsonOptions reparse_options = options;
    reparse_options.trailing = JsonTrailing::reject;
    reparse_options.limits.max_bytes = written.size() + 1;
    if (const auto error = imgtrust::util::parse_untrusted_json(written, reparsed, reparse_options)) {
        std::fprintf(stderr, "write_json output does not parse again: %s\n", error->describe().c_str());
        std::abort();
    }
    if (!same_value(reparsed, document)) {
        std::fprintf(stderr, "write_json output parses to another document: %s\n", written.c_str());
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = imgtrust::fuzz::as_text(data, size);
    parse_and_round_trip(text, JsonOptions{});
    parse_and_round_trip(text, JsonOptions{{}, JsonTrailing::ignore, JsonEncodingCheck::none});
    parse_and_round_trip(text, JsonOptions{{}, JsonTrailing::reject, JsonEncodingCheck::validate_utf8});
    JsonOptions shallow;
    shallow.limits = {4096, 8};
    parse_and_round_trip(text, shallow);
    return 0;
}
