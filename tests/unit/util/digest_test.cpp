// util::Digest, the one owner of go-digest's syntax, comparison and hashing.
#include <catch2/catch.hpp>

#include <string>

#include "util/digest.hpp"

using imgtrust::util::Digest;
using imgtrust::util::DigestAlgorithm;
using imgtrust::util::DigestError;

namespace {
const std::string empty_sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
}

TEST_CASE("Digest::validation_error classifies as go-digest's Validate does", "[digest]") {
    CHECK_FALSE(Digest::validation_error("sha256:" + std::string(64, 'f')).has_value());
    CHECK_FALSE(Digest::validation_error("sha384:" + std::string(96, '0')).has_value());
    CHECK_FALSE(Digest::validation_error("sha512:" + std::string(128, 'a')).has_value());
    CHECK(Digest::validation_error("") == DigestError::invalid_format);
    CHECK(Digest::validation_error(":abc") == DigestError::invalid_format);
    CHECK(Digest::validation_error("sha256:") == DigestError::invalid_format);
    CHECK(Digest::validation_error("sha256") == DigestError::invalid_format);
    CHECK(Digest::validation_error("sha256:abc") == DigestError::invalid_length);
    CHECK(Digest::validation_error("sha256:" + std::string(64, 'F')) == DigestError::not_lowercase_hex);
    CHECK(Digest::validation_error("sha256:" + std::string(63, 'f') + "/") == DigestError::not_lowercase_hex);
    CHECK(Digest::validation_error("md5:abc") == DigestError::unsupported_algorithm);
    CHECK(Digest::validation_error("sha3+x_y.z-1:A=b_c-d") == DigestError::unsupported_algorithm);
    CHECK(Digest::validation_error("MD5:abc") == DigestError::invalid_format);
    CHECK(Digest::validation_error("md5.:abc") == DigestError::invalid_format);
    CHECK(Digest::validation_error("md5:a/c") == DigestError::invalid_format);
}

TEST_CASE("Digest::parse keeps the text and splits algorithm and hex", "[digest]") {
    const auto digest = Digest::parse("sha384:" + std::string(96, 'b'));
    REQUIRE(digest.has_value());
    CHECK(digest->algorithm() == DigestAlgorithm::sha384);
    CHECK(digest->algorithm_name() == "sha384");
    CHECK(digest->hex() == std::string(96, 'b'));
    CHECK(digest->string() == "sha384:" + std::string(96, 'b'));
    CHECK_FALSE(Digest::parse("sha256:../../etc/passwd").has_value());
    CHECK_FALSE(Digest::parse("md5:" + std::string(32, 'f')).has_value());
}

TEST_CASE("Digest::of hashes with each algorithm and matches compares bytes", "[digest]") {
    const Digest empty = Digest::of(DigestAlgorithm::sha256, "");
    CHECK(empty.string() == "sha256:" + empty_sha256);
    CHECK(Digest::of(DigestAlgorithm::sha384, "abc").hex().size() == 96);
    CHECK(Digest::of(DigestAlgorithm::sha512, "abc").string().substr(0, 16) == "sha512:ddaf35a19");
    CHECK(empty.matches(""));
    CHECK_FALSE(empty.matches("x"));
    CHECK(Digest::parse("sha256:" + empty_sha256) == empty);
    CHECK(Digest::of(DigestAlgorithm::sha256, "a") != empty);
    // The same bytes under another algorithm are another digest.
    CHECK_FALSE(Digest::parse("sha512:" + std::string(Digest::of(DigestAlgorithm::sha512, "x").hex()))->matches("y"));
    CHECK(imgtrust::util::raw_digest(DigestAlgorithm::sha256, "").size() == 32);
}
