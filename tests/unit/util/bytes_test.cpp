#include <catch2/catch.hpp>

#include "imgtrust/errors.hpp"
#include "util/bytes.hpp"

using namespace imgtrust::util;

TEST_CASE("base64 round trip and strict decoding") {
    CHECK(base64_encode("not a key") == "bm90IGEga2V5");
    CHECK(base64_decode("bm90IGEga2V5") == std::optional<std::string>("not a key"));
    CHECK(base64_decode("YQ==") == std::optional<std::string>("a"));
    CHECK(base64_decode("YWI=") == std::optional<std::string>("ab"));
    CHECK(base64_decode("") == std::optional<std::string>(""));
    CHECK_FALSE(base64_decode("YQ=").has_value());     // wrong length
    CHECK_FALSE(base64_decode("Y=Q=").has_value());    // padding in the middle
    CHECK_FALSE(base64_decode("bm90*GEga2V5").has_value());
}

TEST_CASE("sha256 of known input") {
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("bounded reads refuse oversize files and report missing ones") {
    CHECK_FALSE(read_file_bounded("/nonexistent/imgtrust/file", 10, "manifest").has_value());
    CHECK_THROWS_AS(read_file_bounded("/proc/self/exe", 16, "manifest"), imgtrust::FetchError);
}
