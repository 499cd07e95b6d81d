#include <catch2/catch.hpp>

#include "signature/go_compat.hpp"

using imgtrust::signature::go_base64_std_decode;
using imgtrust::signature::go_digest_validation_error;

namespace {

std::string decode_error(const std::string& text) {
    std::string error;
    auto decoded = go_base64_std_decode(text, error);
    return decoded ? "ok:" + *decoded : error;
}

}  // namespace

TEST_CASE("base64 decoding accepts what Go's StdEncoding accepts") {
    CHECK(decode_error("") == "ok:");
    CHECK(decode_error("YQ==") == "ok:a");
    CHECK(decode_error("YWI=") == "ok:ab");
    CHECK(decode_error("YWJj") == "ok:abc");
    CHECK(decode_error("YW\r\nJj\n") == "ok:abc");
    CHECK(decode_error("YR==") == "ok:a");  // non-zero trailing bits are tolerated
}

TEST_CASE("base64 errors report Go's input offsets") {
    CHECK(decode_error("!YWJ") == "illegal base64 data at input byte 0");
    CHECK(decode_error("YWJ") == "illegal base64 data at input byte 0");
    CHECK(decode_error("YWJjY") == "illegal base64 data at input byte 4");
    CHECK(decode_error("YQ=") == "illegal base64 data at input byte 3");
    CHECK(decode_error("Y===") == "illegal base64 data at input byte 1");
    CHECK(decode_error("YQ=a") == "illegal base64 data at input byte 2");
    CHECK(decode_error("YWI=YWJj") == "illegal base64 data at input byte 4");
    CHECK(decode_error("YW Jj") == "illegal base64 data at input byte 2");
}

TEST_CASE("digests are validated as go-digest does") {
    std::string hex64(64, 'a');
    CHECK(go_digest_validation_error("sha256:" + hex64).empty());
    CHECK(go_digest_validation_error("sha512:" + std::string(128, '0')).empty());
    CHECK(go_digest_validation_error("sha384:" + std::string(96, 'f')).empty());
    CHECK(go_digest_validation_error("") == "invalid checksum digest format");
    CHECK(go_digest_validation_error("sha256:") == "invalid checksum digest format");
    CHECK(go_digest_validation_error(":abc") == "invalid checksum digest format");
    CHECK(go_digest_validation_error("sha256:" + std::string(64, 'A')) == "invalid checksum digest format");
    CHECK(go_digest_validation_error("sha256:abc") == "invalid checksum digest length");
    CHECK(go_digest_validation_error("md5:abc") == "unsupported digest algorithm");
    CHECK(go_digest_validation_error("MD5:abc") == "invalid checksum digest format");
}
