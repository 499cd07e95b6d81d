#include <catch2/catch.hpp>

#include <filesystem>

#include "imgtrust/errors.hpp"
#include "imgtrust/image.hpp"

using namespace imgtrust;

TEST_CASE("parse_image_reference requires a known transport", "[reference]") {
    CHECK_THROWS_AS(parse_image_reference("/tmp/image"), InvalidReferenceError);
    CHECK_THROWS_WITH(parse_image_reference("busybox"), Catch::Contains("expected colon-separated transport:reference"));
    CHECK(parse_image_reference("docker://busybox")->transport_name() == "docker");
    CHECK_THROWS_WITH(parse_image_reference("docker-archive:/tmp/a.tar"), Catch::Contains("Invalid transport \"docker-archive\""));
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

// c/image oci/archive: "ref.image is not a part of the image identity"; the
// namespaces are the resolved file and its parents; no "@N" form.
TEST_CASE("parse_image_reference: oci-archive:PATH[:NAME]", "[reference]") {
    const std::string tmp = std::filesystem::canonical("/tmp").string();
    const auto named = parse_image_reference("oci-archive:/tmp/a.tar:v1");
    CHECK(named->transport_name() == "oci-archive");
    CHECK(named->string_with_transport() == "oci-archive:/tmp/a.tar:v1");
    CHECK(named->policy_identity() == tmp + "/a.tar");
    CHECK(named->policy_namespaces() == std::vector<std::string>{tmp + "/a.tar", tmp});
    CHECK_FALSE(named->docker_reference());
    CHECK(parse_image_reference("oci-archive:/tmp/a.tar")->policy_identity() == named->policy_identity());
    CHECK_THROWS_AS(parse_image_reference("oci-archive:/tmp/a.tar:@0"), InvalidReferenceError);
    CHECK_THROWS_AS(parse_image_reference("oci-archive:/tmp/a.tar:Bad Name"), InvalidReferenceError);
    CHECK_THROWS_AS(parse_image_reference("oci-archive:/tmp/a.tar")->open(), NotFoundError);
}
