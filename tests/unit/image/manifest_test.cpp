#include <catch2/catch.hpp>

#include "image/manifest_format.hpp"
#include "imgtrust/errors.hpp"
#include "imgtrust/image.hpp"
#include "layout_builder.hpp"

using namespace imgtrust;
using image_test::oci_image_manifest;

namespace {

const std::string docker_list =
    R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[)"
    R"({"mediaType":"application/vnd.docker.distribution.manifest.v2+json","size":7,"digest":"sha256:)" +
    std::string(64, 'a') + R"(","platform":{"architecture":"arm","os":"linux","variant":"v7","features":["sse4"]}},)"
    R"({"mediaType":"application/vnd.docker.distribution.manifest.v2+json","size":7,"digest":"sha256:)" +
    std::string(64, 'b') + R"(","platform":{"architecture":"amd64","os":"linux"}}]})";

const std::string docker_schema2 =
    R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",)"
    R"("config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":2,"digest":"sha256:)" +
    std::string(64, 'c') + R"("},"layers":[]})";

}  // namespace

TEST_CASE("sha256_digest names the bytes", "[manifest]") {
    CHECK(sha256_digest("") == "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha256_digest("abc") == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("guess_manifest_media_type follows c/image's GuessMIMEType", "[manifest]") {
    using image::guess_manifest_media_type;
    CHECK(guess_manifest_media_type(oci_image_manifest("x")) == image::oci_manifest_media_type);
    CHECK(guess_manifest_media_type(docker_schema2) == image::docker_schema2_media_type);
    CHECK(guess_manifest_media_type(docker_list) == image::docker_list_media_type);
    CHECK(guess_manifest_media_type(R"({"schemaVersion":1,"name":"x"})") == image::docker_schema1_media_type);
    CHECK(guess_manifest_media_type(R"({"schemaVersion":1,"signatures":[]})") == image::docker_schema1_signed_media_type);
    // No mediaType (OCI before 1.0.2): decided by the config, then by "manifests".
    CHECK(guess_manifest_media_type(R"({"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json"}})") ==
          image::oci_manifest_media_type);
    CHECK(guess_manifest_media_type(R"({"schemaVersion":2,"manifests":[{"digest":"x"}]})") == image::oci_index_media_type);
    CHECK(guess_manifest_media_type(R"({"schemaVersion":2})") == image::oci_manifest_media_type);
    // Go matches keys case-insensitively, and the last duplicate wins.
    CHECK(guess_manifest_media_type(R"({"MEDIATYPE":"application/vnd.oci.image.index.v1+json"})") == image::oci_index_media_type);
    CHECK(guess_manifest_media_type(R"({"schemaVersion":2,"schemaVersion":1})") == image::docker_schema1_media_type);
    CHECK(guess_manifest_media_type("{\"\xC5\xBF" "chemaVersion\":1}") == image::docker_schema1_media_type);
    // Not JSON, not an object, wrong field types, trailing data: unknown.
    CHECK(guess_manifest_media_type("not json").empty());
    CHECK(guess_manifest_media_type("[]").empty());
    CHECK(guess_manifest_media_type(R"({"schemaVersion":"2"})").empty());
    CHECK(guess_manifest_media_type(R"({"schemaVersion":2.0})").empty());
    CHECK(guess_manifest_media_type(R"({"schemaVersion":2} {})").empty());
    CHECK(guess_manifest_media_type(std::string(20000, '[') + std::string(20000, ']')).empty());
}

TEST_CASE("is_manifest_list recognises lists by declared or guessed type", "[manifest]") {
    CHECK(is_manifest_list({docker_list, ""}));
    CHECK(is_manifest_list({image_test::oci_index({}), ""}));
    CHECK_FALSE(is_manifest_list({oci_image_manifest("x"), ""}));
    CHECK_FALSE(is_manifest_list({docker_schema2, ""}));
    // The declared type wins over the bytes' own mediaType.
    const std::string index_without_type = R"({"schemaVersion":2,"manifests":[]})";
    CHECK(is_manifest_list({index_without_type, std::string(image::oci_index_media_type)}));
    // Undeclared, an empty "manifests" guesses as an image manifest, which must not have "manifests".
    CHECK_THROWS_WITH(is_manifest_list({index_without_type, ""}), Catch::Contains("rejecting ambiguous manifest"));
}

TEST_CASE("is_manifest_list rejects what is not a usable manifest", "[manifest]") {
    CHECK_THROWS_AS(is_manifest_list({"not json", ""}), FetchError);
    CHECK_THROWS_AS(is_manifest_list({"[1,2]", std::string(image::oci_index_media_type)}), FetchError);
    CHECK_THROWS_WITH(is_manifest_list({R"({"schemaVersion":1,"fsLayers":[]})", ""}),
                      Catch::Contains("schema1 manifests are not supported"));
    CHECK_THROWS_WITH(is_manifest_list({"{}", "application/json"}), Catch::Contains("schema1"));
    // Ambiguous documents, as c/image's ValidateUnambiguousManifestFormat rejects them.
    CHECK_THROWS_WITH(is_manifest_list({R"({"schemaVersion":2,"layers":[],"manifests":[]})", std::string(image::oci_manifest_media_type)}),
                      Catch::Contains("rejecting ambiguous manifest") && Catch::Contains("\"manifests\""));
    CHECK_THROWS_WITH(is_manifest_list({R"({"schemaVersion":2,"config":{},"manifests":[]})", std::string(image::oci_index_media_type)}),
                      Catch::Contains("\"config\""));
}

TEST_CASE("manifest_list_instances lists digests, types and platforms", "[manifest]") {
    const auto instances = manifest_list_instances({docker_list, ""});
    REQUIRE(instances.size() == 2);
    CHECK(instances[0].digest == "sha256:" + std::string(64, 'a'));
    CHECK(instances[0].media_type == image::docker_schema2_media_type);
    CHECK(instances[0].os == "linux");
    CHECK(instances[0].architecture == "arm");
    CHECK(instances[0].variant == "v7");
    CHECK(instances[1].architecture == "amd64");
    CHECK(instances[1].variant.empty());

    const std::string index = image_test::oci_index(
        {{std::string(image_test::oci_manifest_type), "sha256:" + std::string(64, 'd'), 3, {}, R"({"os":"windows","architecture":"amd64"})"},
         {std::string(image_test::oci_manifest_type), "sha256:" + std::string(64, 'e'), 3, {}, ""}});
    const auto oci = manifest_list_instances({index, ""});
    REQUIRE(oci.size() == 2);
    CHECK(oci[0].os == "windows");
    CHECK(oci[1].os.empty());
}

TEST_CASE("manifest_list_instances is strict", "[manifest]") {
    CHECK_THROWS_AS(manifest_list_instances({"garbage", std::string(image::oci_index_media_type)}), FetchError);
    CHECK_THROWS_WITH(manifest_list_instances({oci_image_manifest("x"), ""}), Catch::Contains("is not a manifest list"));
    CHECK_THROWS_WITH(manifest_list_instances({R"({"schemaVersion":2,"manifests":[{"size":"big"}]})",
                                               std::string(image::oci_index_media_type)}),
                      Catch::Contains("parsing the manifest list"));
    CHECK_THROWS_AS(manifest_list_instances({R"({"manifests":[1]})", std::string(image::docker_list_media_type)}), FetchError);
    CHECK_THROWS_AS(manifest_list_instances({R"({"manifests":[],"annotations":{"a":1}})", std::string(image::oci_index_media_type)}),
                    FetchError);
}

TEST_CASE("manifest digests are required valid and name attachment tags", "[manifest]") {
    CHECK(image::require_valid_digest("sha512:" + std::string(128, '0'), "instance").hex() == std::string(128, '0'));
    CHECK_THROWS_WITH(image::require_valid_digest("sha256:../../etc/passwd", "instance"),
                      "instance: invalid digest \"sha256:../../etc/passwd\"");
    CHECK_THROWS_AS(image::require_valid_digest("sha256:" + std::string(64, 'F'), "instance"), FetchError);
    CHECK(image::require_valid_digest(sha256_digest("abc"), "instance").matches("abc"));
    CHECK(image::sigstore_attachment_tag("sha256:" + std::string(64, 'a')) == "sha256-" + std::string(64, 'a') + ".sig");
}
