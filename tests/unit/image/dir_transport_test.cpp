#include <catch2/catch.hpp>

#include <algorithm>

#include "image/signature_blob.hpp"
#include "imgtrust/errors.hpp"
#include "imgtrust/image.hpp"
#include "layout_builder.hpp"

using namespace imgtrust;
using image_test::TempDir;

namespace {

const std::string manifest_bytes = image_test::oci_image_manifest("dir image");
const std::string pgp_blob = "\x89\x01\x02signature";

std::string sigstore_file(const std::string& payload) {
    return image::serialize_signature_blob(
        SigstoreSignature{std::string(sigstore_signature_mime_type), payload, {{std::string(sigstore_signature_annotation), "MEUC"}}});
}

std::unique_ptr<ImageSource> open_dir(const std::string& path) { return parse_image_reference("dir:" + path)->open(); }

}  // namespace

TEST_CASE("dir: scopes are the resolved path and its parents without /", "[dir]") {
    TempDir temp;
    temp.make_directory("a/b/image");
    const auto ref = parse_image_reference("dir:" + (temp / "a/b/image"));
    CHECK(ref->transport_name() == "dir");
    CHECK(ref->string_with_transport() == "dir:" + (temp / "a/b/image"));
    CHECK(ref->policy_identity() == temp / "a/b/image");
    const auto namespaces = ref->policy_namespaces();
    REQUIRE(namespaces.size() >= 3);
    CHECK(namespaces[0] == temp / "a/b");
    CHECK(namespaces[1] == temp / "a");
    CHECK(namespaces[2] == temp.path());
    CHECK(namespaces.back().find('/', 1) == std::string::npos);  // the top-level directory, never "/"
    CHECK(std::find(namespaces.begin(), namespaces.end(), "/") == namespaces.end());
    CHECK_FALSE(ref->docker_reference());
}

TEST_CASE("dir: paths are resolved through symlinks, . and ..", "[dir]") {
    TempDir temp;
    temp.make_directory("real/image");
    temp.symlink(temp / "real", "link");
    const auto through_link = parse_image_reference("dir:" + (temp / "link/image"));
    CHECK(through_link->policy_identity() == temp / "real/image");
    CHECK(through_link->policy_namespaces().front() == temp / "real");
    CHECK(through_link->string_with_transport() == "dir:" + (temp / "link/image"));  // as written
    CHECK(parse_image_reference("dir:" + temp.path() + "/./real//image/")->policy_identity() == temp / "real/image");

    // A missing last component is allowed (resolved through its parent)…
    CHECK(parse_image_reference("dir:" + (temp / "link/not-yet"))->policy_identity() == temp / "real/not-yet");
    // …but not a missing parent or a dangling symlink.
    CHECK_THROWS_AS(parse_image_reference("dir:" + (temp / "missing/image")), NotFoundError);
    temp.symlink(temp / "nowhere", "dangling");
    CHECK_THROWS_AS(parse_image_reference("dir:" + (temp / "dangling")), NotFoundError);
}

TEST_CASE("dir: relative paths resolve against the working directory", "[dir]") {
    TempDir temp;
    temp.make_directory("image");
    const std::string previous = std::filesystem::current_path().string();
    std::filesystem::current_path(temp.path());
    const auto ref = parse_image_reference("dir:image");
    const auto empty = parse_image_reference("dir:");
    std::filesystem::current_path(previous);
    CHECK(ref->policy_identity() == temp / "image");
    CHECK(ref->string_with_transport() == "dir:image");
    CHECK(empty->policy_identity() == temp.path());
}

TEST_CASE("dir: missing directory or manifest is NotFoundError", "[dir]") {
    TempDir temp;
    CHECK_THROWS_WITH(open_dir(temp / "absent")->manifest(), Catch::Contains("does not exist"));
    CHECK_THROWS_AS(open_dir(temp / "absent")->manifest(), NotFoundError);
    temp.make_directory("empty");
    CHECK_THROWS_WITH(open_dir(temp / "empty")->manifest(), Catch::Contains("manifest.json does not exist"));
    CHECK_THROWS_AS(open_dir(temp / "empty")->manifest(), NotFoundError);
    temp.write("file", "x");
    CHECK_THROWS_WITH(open_dir(temp / "file")->manifest(), Catch::Contains("is not a directory"));
    CHECK(open_dir(temp / "absent")->signatures().empty());
}

TEST_CASE("dir: manifest is read as-is with a guessed media type", "[dir]") {
    TempDir temp;
    temp.write("img/manifest.json", manifest_bytes);
    temp.write("img/version", "Directory Transport Version: 1.1\n");
    const auto manifest = open_dir(temp / "img")->manifest();
    CHECK(manifest.bytes == manifest_bytes);
    CHECK(manifest.media_type == "application/vnd.oci.image.manifest.v1+json");

    temp.write("raw/manifest.json", "not json at all");  // read as-is; the list helpers reject it
    CHECK(open_dir(temp / "raw")->manifest().media_type.empty());
}

TEST_CASE("dir: oversize manifests and schema1 are refused", "[dir]") {
    TempDir temp;
    temp.write("big/manifest.json", std::string(max_manifest_bytes + 1, ' '));
    CHECK_THROWS_WITH(open_dir(temp / "big")->manifest(), Catch::Contains("exceeds the 4194304-byte limit"));
    temp.write("exact/manifest.json", "{}" + std::string(max_manifest_bytes - 2, ' '));
    CHECK(open_dir(temp / "exact")->manifest().bytes.size() == max_manifest_bytes);
    temp.write("s1/manifest.json", R"({"schemaVersion":1,"name":"x","signatures":[{}]})");
    CHECK_THROWS_WITH(open_dir(temp / "s1")->manifest(), Catch::Contains("schema1 manifests are not supported"));
    temp.make_directory("dirmanifest/manifest.json");
    CHECK_THROWS_WITH(open_dir(temp / "dirmanifest")->manifest(), Catch::Contains("not a regular file"));
}

TEST_CASE("dir: signatures are read from signature-1 up to the first gap", "[dir]") {
    TempDir temp;
    temp.write("img/manifest.json", manifest_bytes);
    CHECK(open_dir(temp / "img")->signatures().empty());

    temp.write("img/signature-2", pgp_blob);  // no signature-1: none at all
    CHECK(open_dir(temp / "img")->signatures().empty());

    temp.write("img/signature-1", sigstore_file("payload-1"));
    temp.write("img/signature-4", pgp_blob);  // after the gap at 3: ignored
    const auto signatures = open_dir(temp / "img")->signatures();
    REQUIRE(signatures.size() == 2);
    const auto& first = std::get<SigstoreSignature>(signatures[0]);
    CHECK(first.untrusted_payload == "payload-1");
    CHECK(first.untrusted_mime_type == sigstore_signature_mime_type);
    CHECK(first.untrusted_annotations.at(std::string(sigstore_signature_annotation)) == "MEUC");
    CHECK(std::get<SimpleSigningSignature>(signatures[1]).untrusted_blob == pgp_blob);
}

TEST_CASE("dir: at most 128 signatures", "[dir]") {
    TempDir temp;
    for (std::size_t i = 1; i <= max_signatures; ++i) temp.write("img/signature-" + std::to_string(i), pgp_blob);
    CHECK(open_dir(temp / "img")->signatures().size() == max_signatures);
    temp.write("img/signature-129", pgp_blob);
    CHECK_THROWS_WITH(open_dir(temp / "img")->signatures(), Catch::Contains("more than 128 signatures"));
}

TEST_CASE("dir: unreadable signatures are FetchError", "[dir]") {
    TempDir temp;
    temp.write("corrupt/signature-1", std::string(1, '\0') + "sigstore-json\n{\"payload\": \"x");
    CHECK_THROWS_WITH(open_dir(temp / "corrupt")->signatures(),
                      Catch::Contains("parsing signature") && Catch::Contains("signature-1"));
    CHECK_THROWS_AS(open_dir(temp / "corrupt")->signatures(), FetchError);
    temp.write("empty/signature-1", "");
    CHECK_THROWS_AS(open_dir(temp / "empty")->signatures(), FetchError);
    temp.write("big/signature-1", "\x89" + std::string(max_signature_bytes, 'x'));
    CHECK_THROWS_WITH(open_dir(temp / "big")->signatures(), Catch::Contains("exceeds"));
}

TEST_CASE("dir: instances have their own manifest and signatures", "[dir]") {
    TempDir temp;
    const std::string instance = image_test::oci_image_manifest("arm64");
    const std::string digest = sha256_digest(instance);
    const std::string hex = image_test::hex_of(digest);
    temp.write("img/manifest.json", image_test::oci_index({{std::string(image_test::oci_manifest_type), digest, instance.size(), {}, ""}}));
    temp.write("img/" + hex + ".manifest.json", instance);
    temp.write("img/" + hex + ".signature-1", sigstore_file("instance payload"));
    temp.write("img/signature-1", pgp_blob);
    auto source = open_dir(temp / "img");

    CHECK(is_manifest_list(source->manifest()));
    CHECK(source->manifest(digest).bytes == instance);
    const auto signatures = source->signatures(digest);
    REQUIRE(signatures.size() == 1);
    CHECK(std::get<SigstoreSignature>(signatures[0]).untrusted_payload == "instance payload");
    CHECK(std::holds_alternative<SimpleSigningSignature>(source->signatures().at(0)));

    const std::string other = sha256_digest("other");
    CHECK_THROWS_AS(source->manifest(other), NotFoundError);
    temp.write("img/" + image_test::hex_of(other) + ".manifest.json", instance);  // stored under the wrong name
    CHECK_THROWS_WITH(source->manifest(other), Catch::Contains("does not match the instance digest"));
    CHECK_THROWS_WITH(source->manifest("sha256:../../etc/passwd"), Catch::Contains("invalid digest"));
    CHECK_THROWS_AS(source->signatures("sha256:ABC"), FetchError);
}
