// decode_extension_signatures: c/image's extensionSignatureList as json.Unmarshal reads it.
#include <catch2/catch.hpp>

#include "image/extension_signatures.hpp"
#include "imgtrust/errors.hpp"
#include "imgtrust/image.hpp"

using imgtrust::FetchError;
using imgtrust::image::decode_extension_signatures;

namespace {

std::string entry(const std::string& content_base64, int version = 2, const std::string& type = "atomic") {
    return R"({"schemaVersion":)" + std::to_string(version) + R"(,"name":"sha256:ab@x","type":")" + type +
           R"(","content":")" + content_base64 + R"("})";
}

}  // namespace

TEST_CASE("signature API: atomic entries of schema version 2, in order") {
    const auto blobs = decode_extension_signatures(
        R"({"signatures":[)" + entry("AQI=") + "," + entry("AwQ=") + "]}", "test");
    REQUIRE(blobs == std::vector<std::string>{std::string("\x01\x02"), std::string("\x03\x04")});
}

TEST_CASE("signature API: other versions and types are skipped, as c/image skips them") {
    const auto blobs = decode_extension_signatures(
        R"({"signatures":[)" + entry("AQI=", 1) + "," + entry("AQI=", 2, "x509") + "," + entry("BQY=") + "]}", "test");
    REQUIRE(blobs == std::vector<std::string>{std::string("\x05\x06")});
}

TEST_CASE("signature API: Go's decoding rules (keys case-insensitive, unknown keys ignored, null list)") {
    REQUIRE(decode_extension_signatures(R"({"Signatures":[{"SchemaVersion":2,"TYPE":"atomic","content":"AQI=","x":1}]})",
                                        "test").size() == 1);
    REQUIRE(decode_extension_signatures(R"({"signatures":null})", "test").empty());
    REQUIRE(decode_extension_signatures(R"({})", "test").empty());
}

TEST_CASE("signature API: undecodable answers are fetch errors") {
    REQUIRE_THROWS_AS(decode_extension_signatures("{not json", "test"), FetchError);
    REQUIRE_THROWS_AS(decode_extension_signatures(R"({"signatures":{}})", "test"), FetchError);
    REQUIRE_THROWS_AS(decode_extension_signatures(R"({"signatures":[)" + entry("!!") + "]}", "test"), FetchError);
    REQUIRE_THROWS_AS(decode_extension_signatures(R"({"signatures":[{"schemaVersion":"2"}]})", "test"), FetchError);
    REQUIRE_THROWS_AS(decode_extension_signatures(R"({"signatures":[]} trailing)", "test"), FetchError);
}

TEST_CASE("signature API: more than max_signatures atomic entries are refused") {
    std::string list = R"({"signatures":[)";
    for (std::size_t i = 0; i <= imgtrust::max_signatures; ++i) list += (i ? "," : "") + entry("AQI=");
    REQUIRE_THROWS_WITH(decode_extension_signatures(list + "]}", "test"), Catch::Contains("more than 128 signatures"));
    // Skipped entries do not count.
    std::string skipped = R"({"signatures":[)";
    for (std::size_t i = 0; i <= imgtrust::max_signatures; ++i) skipped += (i ? "," : "") + entry("AQI=", 1);
    REQUIRE(decode_extension_signatures(skipped + "]}", "test").empty());
}
