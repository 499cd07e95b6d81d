// The JSON gateway: size, depth, numbers and trailing data, on hostile inputs.
#include <catch2/catch.hpp>

#include <string>

#include "util/untrusted_json.hpp"

using imgtrust::util::JsonErrorKind;
using imgtrust::util::JsonOptions;
using imgtrust::util::JsonTrailing;
using imgtrust::util::parse_untrusted_json;

namespace {

std::string nested_arrays(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

std::optional<JsonErrorKind> error_kind(const std::string& text, const JsonOptions& options = {}) {
    rapidjson::Document document;
    auto error = parse_untrusted_json(text, document, options);
    if (!error) return std::nullopt;
    CHECK(document.IsNull());
    return error->kind;
}

}  // namespace

TEST_CASE("a plain document is parsed into the Document") {
    rapidjson::Document document;
    REQUIRE_FALSE(parse_untrusted_json(R"({"a":[1,"x",true,null],"b":{"c":-2}})", document));
    REQUIRE(document.IsObject());
    CHECK(document["a"].Size() == 4);
    CHECK(document["a"][0].GetInt() == 1);
    CHECK(std::string(document["a"][1].GetString()) == "x");
    CHECK(document["b"]["c"].GetInt() == -2);
    CHECK(imgtrust::util::write_json(document) == R"({"a":[1,"x",true,null],"b":{"c":-2}})");
}

TEST_CASE("nesting beyond the limit is refused without recursion") {
    CHECK_FALSE(error_kind(nested_arrays(imgtrust::util::max_json_depth)));
    CHECK(error_kind(nested_arrays(imgtrust::util::max_json_depth + 1)) == JsonErrorKind::too_deep);
    // A million levels: 2 MB, far below the size bound; a recursive parser overflows the stack here.
    JsonOptions big;
    big.limits.max_bytes = 8 * 1024 * 1024;
    CHECK(error_kind(nested_arrays(1000000), big) == JsonErrorKind::too_deep);
    CHECK(error_kind(std::string(1000000, '[') , big) == JsonErrorKind::too_deep);
    std::string objects;
    for (int i = 0; i < 200000; ++i) objects += R"({"a":)";
    CHECK(error_kind(objects, big) == JsonErrorKind::too_deep);
}

TEST_CASE("the error names the offset where nesting went too deep") {
    rapidjson::Document document;
    JsonOptions options;
    options.limits.max_depth = 3;
    auto error = parse_untrusted_json("[[[[1]]]]", document, options);
    REQUIRE(error);
    CHECK(error->kind == JsonErrorKind::too_deep);
    CHECK(error->message == "nested more than 3 levels deep");
    CHECK(error->offset == 3);  // the fourth '['
}

TEST_CASE("the size bound is checked before parsing") {
    JsonOptions small;
    small.limits.max_bytes = 4;
    CHECK(error_kind("[1,2]", small) == JsonErrorKind::too_large);
    CHECK_FALSE(error_kind("[12]", small));
}

TEST_CASE("numbers are converted without RapidJSON's full-precision path") {
    rapidjson::Document document;
    // RapidJSON 1.1.0's full-precision parser calls clz(0) on these (undefined behaviour).
    for (const char* zero : {"0e86", "0E43", "0e-089", "-0e5", "0.0e300"}) {
        INFO(zero);
        REQUIRE_FALSE(parse_untrusted_json(zero, document));
        CHECK(document.IsDouble());
        CHECK(document.GetDouble() == 0.0);
    }
    REQUIRE_FALSE(parse_untrusted_json("[2147483647,2147483648,4294967296,-2147483649,18446744073709551615,18446744073709551616]", document));
    CHECK(document[0].IsInt());
    CHECK(document[1].IsUint());
    CHECK(document[2].IsInt64());
    CHECK(document[3].GetInt64() == -2147483649LL);
    CHECK(document[4].GetUint64() == 18446744073709551615ULL);
    CHECK(document[5].IsDouble());
    REQUIRE_FALSE(parse_untrusted_json("[0.1, 1e-400, 9300000000]", document));
    CHECK(document[0].GetDouble() == 0.1);
    CHECK(document[1].GetDouble() == 0.0);
    CHECK(document[2].GetInt64() == 9300000000LL);
    CHECK(error_kind("1e400") == JsonErrorKind::number_too_big);
    CHECK(error_kind("-1e400") == JsonErrorKind::number_too_big);
    CHECK(error_kind("1.8e308") == JsonErrorKind::number_too_big);
    CHECK(error_kind("0e400") == JsonErrorKind::number_too_big);
    CHECK(error_kind("01") == JsonErrorKind::syntax);
    CHECK(error_kind("1.") == JsonErrorKind::syntax);
}

TEST_CASE("a lone surrogate escape becomes U+FFFD, as in Go (fuzz finding 2026-12-05)") {
    imgtrust::util::JsonOptions utf8;
    utf8.encoding = imgtrust::util::JsonEncodingCheck::validate_utf8;
    for (const auto& options : {JsonOptions{}, utf8}) {
        rapidjson::Document document;
        REQUIRE_FALSE(parse_untrusted_json(R"({"a\ude00b":"x\udfffy","ok":"\ud83d\ude00"})", document, options));
        CHECK(document.HasMember("a\xEF\xBF\xBD" "b"));
        CHECK(std::string(document["a\xEF\xBF\xBD" "b"].GetString()) == "x\xEF\xBF\xBDy");
        CHECK(std::string(document["ok"].GetString()) == "\xF0\x9F\x98\x80");  // a valid pair is kept
        rapidjson::Document again;
        CHECK_FALSE(parse_untrusted_json(imgtrust::util::write_json(document), again, options));
    }
    CHECK(error_kind(R"("\ud83d")") == JsonErrorKind::syntax);  // RapidJSON refuses a lone high surrogate
}

TEST_CASE("trailing data, byte order marks and broken syntax") {
    CHECK(error_kind("{} x") == JsonErrorKind::syntax);
    JsonOptions first_value;
    first_value.trailing = JsonTrailing::ignore;
    CHECK_FALSE(error_kind("{} x", first_value));
    CHECK(error_kind("\xEF\xBB\xBF{}") == JsonErrorKind::byte_order_mark);
    CHECK(error_kind("") == JsonErrorKind::syntax);
    CHECK(error_kind("{\"a\":") == JsonErrorKind::syntax);
    CHECK(error_kind(std::string("{\"a\":\"\0\"}", 9)) == JsonErrorKind::syntax);
    JsonOptions utf8;
    utf8.encoding = imgtrust::util::JsonEncodingCheck::validate_utf8;
    CHECK_FALSE(error_kind("\"\xff\""));
    CHECK(error_kind("\"\xff\"", utf8) == JsonErrorKind::syntax);
}
