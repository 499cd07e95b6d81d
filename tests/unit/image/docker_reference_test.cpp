// docker://NAME[:TAG|@DIGEST] as c/image's docker transport parses it, and its
// policy scopes (docker_transport_test.go, policyconfiguration/naming_test.go).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "image/docker_transport.hpp"
#include "imgtrust/errors.hpp"

using namespace imgtrust;

namespace {
const std::string hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
}

TEST_CASE("docker: references are normalised, a name alone gets :latest", "[docker]") {
    const auto busybox = parse_image_reference("docker://busybox");
    CHECK(busybox->transport_name() == "docker");
    CHECK(busybox->policy_identity() == "docker.io/library/busybox:latest");
    CHECK(busybox->string_with_transport() == "docker://busybox:latest");
    REQUIRE(busybox->docker_reference());
    CHECK(busybox->docker_reference()->string() == "docker.io/library/busybox:latest");

    const auto tagged = parse_image_reference("docker://localhost:5000/ns/app:v1");
    CHECK(tagged->policy_identity() == "localhost:5000/ns/app:v1");
    CHECK(tagged->string_with_transport() == "docker://localhost:5000/ns/app:v1");
    CHECK(tagged->policy_namespaces() == std::vector<std::string>{"localhost:5000/ns/app", "localhost:5000/ns", "localhost:5000"});

    const auto digested = parse_image_reference("docker://quay.io/ns/app@sha256:" + hex);
    CHECK(digested->policy_identity() == "quay.io/ns/app@sha256:" + hex);
    CHECK(digested->docker_reference()->tag.empty());
    CHECK(digested->policy_namespaces() == std::vector<std::string>{"quay.io/ns/app", "quay.io/ns", "quay.io", "*.io"});

    CHECK(parse_image_reference("docker://docker.io/library/a/b:1")->string_with_transport() == "docker://library/a/b:1");
    CHECK(parse_image_reference("docker://user/app")->string_with_transport() == "docker://user/app:latest");
}

TEST_CASE("docker: wildcard scopes come from the host without its port", "[docker]") {
    const auto ref = parse_image_reference("docker://registry.corp.example.com:8443/team/app:1");
    CHECK(ref->policy_namespaces() ==
          std::vector<std::string>{"registry.corp.example.com:8443/team/app", "registry.corp.example.com:8443/team",
                                   "registry.corp.example.com:8443", "*.corp.example.com", "*.example.com", "*.com"});
}

TEST_CASE("docker: invalid references", "[docker]") {
    CHECK_THROWS_WITH(parse_image_reference("docker:busybox"), Catch::Contains("does not start with //"));
    CHECK_THROWS_AS(parse_image_reference("docker:/busybox"), InvalidReferenceError);
    CHECK_THROWS_WITH(parse_image_reference("docker://busybox:1@sha256:" + hex), Catch::Contains("both a tag and digest"));
    CHECK_THROWS_AS(parse_image_reference("docker://Busybox"), InvalidReferenceError);
    CHECK_THROWS_AS(parse_image_reference("docker://"), InvalidReferenceError);
    CHECK_THROWS_AS(parse_image_reference("docker://busybox@sha256:abc"), InvalidReferenceError);
    CHECK_THROWS_AS(parse_image_reference("docker://" + hex), InvalidReferenceError);
    CHECK_THROWS_AS(parse_image_reference("docker://busybox:bad tag"), InvalidReferenceError);
}
