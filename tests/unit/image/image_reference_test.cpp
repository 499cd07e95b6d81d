#include <catch2/catch.hpp>

#include <filesystem>

#include "imgtrust/errors.hpp"
#include "imgtrust/image.hpp"

using namespace imgtrust;

TEST_CASE("parse_image_reference requires a known transport", "[reference]") {
    CHECK_THROWS_AS(parse_image_reference("/tmp/image"), InvalidReferenceError);
    CHECK_THROWS_WITH(parse_image_reference("busybox"), Catch::Contains("expected colon-separated transport:reference"));
    CHECK(parse_image_reference("docker://busybox")->transport_name() == "docker");
    CHECK_THROWS_WITH(parse_image_reference("oci-archive:/tmp/a.tar"), Catch::Contains("Invalid transport \"oci-archive\""));
    CHECK_THROWS_AS(parse_image_reference("DIR:/tmp"), ConfigError);
    try {
        parse_image_reference("nope:x");
        FAIL("no exception");
    } catch (const InvalidReferenceError&) {
        FAIL("an unknown transport is a ConfigError, not a syntax error");
    } catch (const ConfigError&) {
        SUCCEED();
    }
}

TEST_CASE("parse_image_reference dispatches dir: and oci:", "[reference]") {
    CHECK(parse_image_reference("dir:/tmp")->transport_name() == "dir");
    CHECK(parse_image_reference("oci:/tmp:latest")->transport_name() == "oci");
    CHECK(parse_image_reference("dir:/tmp")->policy_identity() == std::filesystem::canonical("/tmp").string());
}
