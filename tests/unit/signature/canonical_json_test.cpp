// RFC 8785 canonicalization: the examples of RFC 8785 and the number table of
// ECMAScript's Number.prototype.toString that the Go jsoncanonicalizer follows.
#include <catch2/catch.hpp>

#include "signature/canonical_json.hpp"

using imgtrust::signature::canonicalize_json;
using imgtrust::signature::ecmascript_number;

namespace {
std::string canonical(const std::string& input) {
    std::string error;
    auto result = canonicalize_json(input, error);
    INFO(input << " -> " << error);
    REQUIRE(result);
    return *result;
}
bool rejected(const std::string& input) {
    std::string error;
    bool failed = !canonicalize_json(input, error);
    if (failed) CHECK_FALSE(error.empty());
    return failed;
}
}  // namespace

TEST_CASE("canonical JSON sorts keys, drops whitespace and keeps array order") {
    CHECK(canonical(R"( { "b" : 1 , "a" : [ 3 , 2 , { "d":null, "c":true } ] } )") == R"({"a":[3,2,{"c":true,"d":null}],"b":1})");
    CHECK(canonical("{}") == "{}");
    CHECK(canonical("[]") == "[]");
    CHECK(canonical("\"x\"") == "\"x\"");
    // A Rekor SET payload as cosign writes it (struct order) becomes sorted.
    CHECK(canonical(R"({"body":"e30=","integratedTime":1670870899,"logIndex":8949589,"logID":"c0d2"})") ==
          R"({"body":"e30=","integratedTime":1670870899,"logID":"c0d2","logIndex":8949589})");
}

TEST_CASE("canonical JSON sorts keys by UTF-16 code units (RFC 8785 3.2.3)") {
    // "\r" (0x000D) < "a" (0x0061) < U+20AC (0x20AC) < U+1F600 (surrogates 0xD83D 0xDE00): by UTF-16 units.
    CHECK(canonical("{\"\\ud83d\\ude00\":1,\"\xe2\x82\xac\":2,\"a\":3,\"\\r\":4}") ==
          "{\"\\r\":4,\"a\":3,\"\xe2\x82\xac\":2,\"\xf0\x9f\x98\x80\":1}");
}

TEST_CASE("canonical JSON strings use the minimal escapes") {
    CHECK(canonical(R"("\u0041\/\b\f\n\r\t\"\\\u001f\u007f")") == "\"A/\\b\\f\\n\\r\\t\\\"\\\\\\u001f\x7f\"");
    CHECK(canonical(R"("\u20ac\uD83D\uDE00")") == "\"\xe2\x82\xac\xf0\x9f\x98\x80\"");
}

TEST_CASE("canonical JSON writes numbers as ECMAScript does") {
    CHECK(canonical("[1.0, 1e2, -0, 0.0, 1E-7, 123456789012345678901, 1e21, 0.000001, 5e-324, 1.5e300]") ==
          "[1,100,0,0,1e-7,123456789012345680000,1e+21,0.000001,5e-324,1.5e+300]");
    CHECK(ecmascript_number(333333333.3333332) == "333333333.3333332");
    CHECK(ecmascript_number(1e23) == "1e+23");
    CHECK(ecmascript_number(-1.5) == "-1.5");
    CHECK(ecmascript_number(9007199254740992.0) == "9007199254740992");
    CHECK(ecmascript_number(1e-6) == "0.000001");
    CHECK(ecmascript_number(1.2345e-7) == "1.2345e-7");
}

TEST_CASE("canonical JSON rejects what RFC 8785 cannot represent and invalid JSON") {
    CHECK(rejected(R"({"logIndex":1, "integratedTime":2,"body":"abc","logID":"def","body":"ABC"})"));  // duplicate key
    CHECK(rejected("1e400"));                   // not a finite IEEE 754 double
    CHECK(rejected("&"));
    CHECK(rejected(""));
    CHECK(rejected("{\"a\":1,}"));
    CHECK(rejected("[1 2]"));
    CHECK(rejected("01"));
    CHECK(rejected("1."));
    CHECK(rejected("{\"a\" 1}"));
    CHECK(rejected("\"unterminated"));
    CHECK(rejected("\"tab\tinside\""));          // raw control character
    CHECK(rejected("\"\\ud800\""));             // lone surrogate
    CHECK(rejected("\"\xc3\x28\""));            // invalid UTF-8
    CHECK(rejected("\"\\x41\""));               // unknown escape
    CHECK(rejected("{} {}"));                   // trailing data
    CHECK(rejected("nul"));
    CHECK(rejected(std::string(600, '[') + std::string(600, ']')));  // nested beyond the bound
    CHECK(canonical("1e-400") == "0");          // Go's ParseFloat rounds underflow to zero
}
