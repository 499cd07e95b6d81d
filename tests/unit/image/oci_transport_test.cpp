#include <catch2/catch.hpp>

#include <algorithm>

#include "imgtrust/errors.hpp"
#include "imgtrust/image.hpp"
#include "layout_builder.hpp"

using namespace imgtrust;
using image_test::DescriptorSpec;
using image_test::OciLayoutBuilder;
using image_test::TempDir;

namespace {

const std::string ref_name = "org.opencontainers.image.ref.name";
const std::string manifest_type(image_test::oci_manifest_type);

std::unique_ptr<ImageSource> open_oci(const std::string& reference) { return parse_image_reference("oci:" + reference)->open(); }

std::string payload_of(const UntrustedSignature& signature) { return std::get<SigstoreSignature>(signature).untrusted_payload; }

}  // namespace

TEST_CASE("oci: scopes are the resolved directory and its parents, whatever the name", "[oci]") {
    TempDir temp;
    temp.make_directory("real/layout");
    temp.symlink(temp / "real", "link");
    const auto ref = parse_image_reference("oci:" + (temp / "link/layout") + ":v1.0");
    CHECK(ref->transport_name() == "oci");
    CHECK(ref->string_with_transport() == "oci:" + (temp / "link/layout") + ":v1.0");
    CHECK(ref->policy_identity() == temp / "real/layout");
    const auto namespaces = ref->policy_namespaces();
    REQUIRE(namespaces.size() >= 3);
    CHECK(namespaces[0] == temp / "real/layout");  // unlike dir:, the identity comes first
    CHECK(namespaces[1] == temp / "real");
    CHECK(namespaces[2] == temp.path());
    CHECK(std::find(namespaces.begin(), namespaces.end(), "/") == namespaces.end());
    CHECK_FALSE(ref->docker_reference());

    const auto unnamed = parse_image_reference("oci:" + (temp / "real/layout"));
    CHECK(unnamed->policy_identity() == ref->policy_identity());
    CHECK(unnamed->string_with_transport() == "oci:" + (temp / "real/layout") + ":");
    CHECK(parse_image_reference("oci:" + (temp / "real/missing") + ":x")->policy_identity() == temp / "real/missing");
    CHECK_THROWS_AS(parse_image_reference("oci:" + (temp / "nowhere/layout")), NotFoundError);
}

TEST_CASE("oci: reference names and source indexes follow c/image's grammar", "[oci]") {
    TempDir temp;
    const std::string dir = temp.path();
    for (const char* good : {"latest", "v1.0", "a/b", "sha256-abc.sig", "a--b", "a:b@c+d", "A_1"})
        CHECK_NOTHROW(parse_image_reference("oci:" + dir + ":" + good));
    for (const char* bad : {"-a", "a-", "a---b", "a//b", "/a", "a/", "a b", "a..", "ä"})
        CHECK_THROWS_AS(parse_image_reference("oci:" + dir + ":" + bad), InvalidReferenceError);
    CHECK(parse_image_reference("oci:" + dir + ":@3")->string_with_transport() == "oci:" + dir + ":@3");
    CHECK(parse_image_reference("oci:" + dir + ":@+007")->string_with_transport() == "oci:" + dir + ":@7");
    CHECK_THROWS_WITH(parse_image_reference("oci:" + dir + ":@-1"), Catch::Contains("must not be negative"));
    CHECK_THROWS_WITH(parse_image_reference("oci:" + dir + ":@x"), Catch::Contains("not an integer"));
    CHECK_THROWS_AS(parse_image_reference("oci:" + dir + ":@"), InvalidReferenceError);
    CHECK_THROWS_AS(parse_image_reference("oci:" + dir + ":@99999999999999999999"), InvalidReferenceError);
}

TEST_CASE("oci: the manifest is found by ref.name, @index or as the only image", "[oci]") {
    TempDir temp;
    OciLayoutBuilder layout(temp, "layout");
    const std::string first = image_test::oci_image_manifest("first");
    const std::string second = image_test::oci_image_manifest("second");
    layout.add_manifest(first, manifest_type, {{ref_name, "v1"}});
    layout.add_manifest(second, manifest_type, {{ref_name, "v2"}});
    layout.add_manifest(image_test::oci_image_manifest("config"), "application/vnd.oci.image.config.v1+json", {{ref_name, "odd"}});
    layout.write_index();

    const auto v2 = open_oci(layout.path() + ":v2")->manifest();
    CHECK(v2.bytes == second);
    CHECK(v2.media_type == manifest_type);
    CHECK(open_oci(layout.path() + ":@0")->manifest().bytes == first);
    CHECK_THROWS_WITH(open_oci(layout.path() + ":@3"), Catch::Contains("index 3 is too large, only 3 entries available"));
    CHECK_THROWS_WITH(open_oci(layout.path()), Catch::Contains("more than one image in oci, choose an image"));
    CHECK_THROWS_WITH(open_oci(layout.path() + ":v3"), Catch::Contains("no descriptor found for reference \"v3\""));
    CHECK_THROWS_AS(open_oci(layout.path() + ":v3"), NotFoundError);
    CHECK_THROWS_WITH(open_oci(layout.path() + ":odd"), Catch::Contains("matches unsupported manifest MIME types"));

    OciLayoutBuilder single(temp, "single");
    single.add_manifest(first, manifest_type);
    single.write_index();
    CHECK(open_oci(single.path())->manifest().bytes == first);

    OciLayoutBuilder none(temp, "none");
    none.write_index();
    CHECK_THROWS_AS(open_oci(none.path()), NotFoundError);
}

TEST_CASE("oci: missing layouts and broken index.json", "[oci]") {
    TempDir temp;
    CHECK_THROWS_WITH(open_oci(temp / "absent"), Catch::Contains("does not exist"));
    CHECK_THROWS_AS(open_oci(temp / "absent"), NotFoundError);
    temp.make_directory("empty");
    CHECK_THROWS_WITH(open_oci(temp / "empty"), Catch::Contains("index.json does not exist"));
    temp.write("garbage/index.json", "{\"manifests\":");
    CHECK_THROWS_AS(open_oci(temp / "garbage"), FetchError);
    temp.write("typed/index.json", R"({"manifests":[{"size":"12"}]})");
    CHECK_THROWS_WITH(open_oci(temp / "typed"), Catch::Contains("parsing"));
    temp.write("big/index.json", std::string(max_manifest_bytes + 1, ' '));
    CHECK_THROWS_WITH(open_oci(temp / "big"), Catch::Contains("exceeds"));
}

TEST_CASE("oci: manifest blobs must exist and match their digest", "[oci]") {
    TempDir temp;
    OciLayoutBuilder layout(temp, "layout");
    const std::string bytes = image_test::oci_image_manifest("image");
    const auto entry = layout.add_manifest(bytes, manifest_type, {{ref_name, "ok"}});
    layout.add_entry({manifest_type, sha256_digest("absent"), 6, {{ref_name, "missing"}}, ""});
    layout.add_entry({manifest_type, "sha256:../../../etc/passwd", 6, {{ref_name, "evil"}}, ""});
    layout.write_index();
    CHECK(open_oci(layout.path() + ":ok")->manifest().bytes == bytes);
    CHECK_THROWS_AS(open_oci(layout.path() + ":missing")->manifest(), NotFoundError);
    CHECK_THROWS_WITH(open_oci(layout.path() + ":evil")->manifest(), Catch::Contains("invalid digest"));

    temp.write("layout/blobs/sha256/" + image_test::hex_of(entry.digest), bytes + " ");  // tampered
    CHECK_THROWS_WITH(open_oci(layout.path() + ":ok")->manifest(), Catch::Contains("does not match its digest"));
    CHECK_THROWS_AS(open_oci(layout.path() + ":ok")->manifest(), FetchError);
}

TEST_CASE("oci: signatures come from the sha256-<hex>.sig attachment", "[oci]") {
    TempDir temp;
    OciLayoutBuilder layout(temp, "layout");
    const auto image = layout.add_manifest(image_test::oci_image_manifest("image"), manifest_type, {{ref_name, "v1"}});
    layout.add_signatures(image.digest, {"payload one", "payload two"});
    layout.add_signatures(sha256_digest("someone else"), {"not ours"});
    layout.write_index();

    const auto signatures = open_oci(layout.path() + ":v1")->signatures();
    REQUIRE(signatures.size() == 2);
    const auto& first = std::get<SigstoreSignature>(signatures[0]);
    CHECK(first.untrusted_mime_type == sigstore_signature_mime_type);
    CHECK(first.untrusted_payload == "payload one");
    CHECK(first.untrusted_annotations.at(std::string(sigstore_signature_annotation)) == "c2lnbmF0dXJl0");
    CHECK(payload_of(signatures[1]) == "payload two");

    OciLayoutBuilder unsigned_layout(temp, "unsigned");
    unsigned_layout.add_manifest(image_test::oci_image_manifest("image"), manifest_type);
    unsigned_layout.write_index();
    CHECK(open_oci(unsigned_layout.path())->signatures().empty());
}

TEST_CASE("oci: a layout written by cosign save", "[oci]") {
    TempDir temp;
    OciLayoutBuilder layout(temp, "saved");
    const auto image = layout.add_manifest(image_test::oci_image_manifest("image"), manifest_type, {{"kind", "dev.cosignproject.cosign/image"}});
    layout.add_signatures(image.digest, {"cosign payload"}, {{"kind", "dev.cosignproject.cosign/sigs"}});
    layout.write_index();
    // Like c/image, two entries without a name need "@N".
    CHECK_THROWS_AS(open_oci(layout.path()), FetchError);
    auto source = open_oci(layout.path() + ":@0");
    CHECK(source->manifest().bytes == image_test::oci_image_manifest("image"));
    const auto signatures = source->signatures();
    REQUIRE(signatures.size() == 1);
    CHECK(payload_of(signatures[0]) == "cosign payload");
    CHECK(open_oci(layout.path() + ":@1")->signatures().empty());  // the signature image itself is unsigned
}

TEST_CASE("oci: attachment limits and corruption", "[oci]") {
    TempDir temp;
    OciLayoutBuilder many(temp, "many");
    const auto image = many.add_manifest(image_test::oci_image_manifest("image"), manifest_type);
    std::vector<std::string> payloads;
    for (std::size_t i = 0; i < max_signatures; ++i) payloads.push_back("payload " + std::to_string(i));
    const auto attachment = many.add_signatures(image.digest, payloads);
    many.write_index();
    CHECK(open_oci(many.path() + ":@0")->signatures().size() == max_signatures);
    payloads.push_back("one too many");
    OciLayoutBuilder too_many(temp, "too-many");
    const auto image2 = too_many.add_manifest(image_test::oci_image_manifest("image"), manifest_type);
    too_many.add_signatures(image2.digest, payloads);
    too_many.write_index();
    CHECK_THROWS_WITH(open_oci(too_many.path() + ":@0")->signatures(), Catch::Contains("more than 128 signatures"));

    // A tampered signature layer, a missing one, and an attachment that is not an OCI manifest.
    const std::string layer_path = "many/blobs/sha256/" + image_test::hex_of(sha256_digest("payload 5"));
    temp.write(layer_path, "payload 5 altered");
    CHECK_THROWS_WITH(open_oci(many.path() + ":@0")->signatures(), Catch::Contains("does not match its digest"));
    std::filesystem::remove(temp / layer_path);
    CHECK_THROWS_WITH(open_oci(many.path() + ":@0")->signatures(), Catch::Contains("does not exist"));

    OciLayoutBuilder odd(temp, "odd");
    const auto image3 = odd.add_manifest(image_test::oci_image_manifest("image"), manifest_type);
    odd.add_manifest(image_test::oci_index({}), std::string(image_test::oci_index_type),
                     {{ref_name, "sha256-" + image_test::hex_of(image3.digest) + ".sig"}});
    odd.write_index();
    CHECK_THROWS_WITH(open_oci(odd.path() + ":@0")->signatures(), Catch::Contains("unexpected MIME type"));
    (void)attachment;
}

TEST_CASE("oci: oversize signature layers are refused before reading", "[oci]") {
    TempDir temp;
    OciLayoutBuilder layout(temp, "layout");
    const auto image = layout.add_manifest(image_test::oci_image_manifest("image"), manifest_type);
    const std::string huge(max_signature_bytes + 1, 'x');
    const DescriptorSpec layer{std::string(sigstore_signature_mime_type), layout.add_blob(huge), huge.size(), {}, ""};
    layout.add_manifest(image_test::oci_image_manifest("sigs", {layer}), manifest_type,
                        {{ref_name, "sha256-" + image_test::hex_of(image.digest) + ".sig"}});
    layout.write_index();
    CHECK_THROWS_WITH(open_oci(layout.path() + ":@0")->signatures(), Catch::Contains("unacceptable size"));
}

TEST_CASE("oci: instances of a multi-platform index", "[oci]") {
    TempDir temp;
    OciLayoutBuilder layout(temp, "layout");
    const std::string amd64 = image_test::oci_image_manifest("amd64");
    const std::string arm64 = image_test::oci_image_manifest("arm64");
    const std::string amd64_digest = layout.add_blob(amd64);
    const std::string arm64_digest = layout.add_blob(arm64);
    const std::string index = image_test::oci_index(
        {{manifest_type, amd64_digest, amd64.size(), {}, R"({"os":"linux","architecture":"amd64"})"},
         {manifest_type, arm64_digest, arm64.size(), {}, R"({"os":"linux","architecture":"arm64","variant":"v8"})"}});
    const auto top = layout.add_manifest(index, std::string(image_test::oci_index_type), {{ref_name, "multi"}});
    layout.add_signatures(top.digest, {"index payload"});
    layout.add_signatures(arm64_digest, {"arm64 payload"});
    layout.write_index();

    auto source = open_oci(layout.path() + ":multi");
    const auto list = source->manifest();
    CHECK(list.media_type == image_test::oci_index_type);
    REQUIRE(is_manifest_list(list));
    const auto instances = manifest_list_instances(list);
    REQUIRE(instances.size() == 2);
    CHECK(instances[1].variant == "v8");

    const auto instance = source->manifest(arm64_digest);
    CHECK(instance.bytes == arm64);
    CHECK(instance.media_type == manifest_type);  // guessed: the instance is not in index.json
    CHECK(payload_of(source->signatures().at(0)) == "index payload");
    CHECK(payload_of(source->signatures(arm64_digest).at(0)) == "arm64 payload");
    CHECK(source->signatures(amd64_digest).empty());
    CHECK_THROWS_AS(source->manifest(sha256_digest("absent")), NotFoundError);
    CHECK_THROWS_AS(source->manifest("sha256:nothex"), FetchError);
}
