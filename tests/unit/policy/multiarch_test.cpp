// PolicyContext on manifest lists (evaluate: the chosen instance;
// evaluate_all_instances: every instance, each by its own digest) and
// EvaluationOptions::require_signed (c/image's RequireSignatureVerification).
// Uses an in-memory image; the GPG signatures are the dir: fixtures'.
#include <catch2/catch.hpp>

#include <map>

#include "fixtures.hpp"
#include "imgtrust/errors.hpp"
#include "imgtrust/verify.hpp"

using namespace imgtrust;

namespace {

const std::string oci_manifest_type = "application/vnd.oci.image.manifest.v1+json";
const std::string oci_index_type = "application/vnd.oci.image.index.v1+json";

std::string manifest_for(const std::string& config_digest) {
    return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
           config_digest + R"(","size":2},"layers":[]})";
}

const std::string amd64_manifest = manifest_for("sha256:" + std::string(64, 'a'));
const std::string arm64_manifest = manifest_for("sha256:" + std::string(64, 'b'));

std::string index_of(const std::vector<std::pair<std::string, std::string>>& arch_and_manifest) {
    std::string entries;
    for (const auto& [arch, manifest] : arch_and_manifest) {
        if (!entries.empty()) entries += ",";
        entries += R"({"mediaType":")" + oci_manifest_type + R"(","digest":")" + sha256_digest(manifest) +
                   R"(","size":)" + std::to_string(manifest.size()) + R"(,"platform":{"os":"linux","architecture":")" +
                   arch + R"("}})";
    }
    return R"({"schemaVersion":2,"mediaType":")" + oci_index_type + R"(","manifests":[)" + entries + "]}";
}

// A two-platform index; signatures are kept per digest ("" is the index itself).
class IndexSource : public ImageSource {
public:
    std::string index = index_of({{"amd64", amd64_manifest}, {"arm64", arm64_manifest}});
    std::string index_type = oci_index_type;
    std::map<std::string, std::vector<UntrustedSignature>> sigs;
    std::vector<std::string> signature_reads;

    ManifestBlob manifest(const std::string& digest) override {
        if (digest.empty()) return {index, index_type};
        for (const auto* m : {&amd64_manifest, &arm64_manifest})
            if (sha256_digest(*m) == digest) return {*m, oci_manifest_type};
        throw NotFoundError("no manifest " + digest);
    }
    std::vector<UntrustedSignature> signatures(const std::string& digest) override {
        signature_reads.push_back(digest);
        auto it = sigs.find(digest);
        return it == sigs.end() ? std::vector<UntrustedSignature>{} : it->second;
    }
};

class DirLikeReference : public ImageReference {
public:
    std::string transport_name() const override { return "dir"; }
    std::string string_with_transport() const override { return "dir:/srv/multi"; }
    std::string policy_identity() const override { return "/srv/multi"; }
    std::vector<std::string> policy_namespaces() const override { return {"/srv"}; }
    std::optional<DockerReference> docker_reference() const override { return std::nullopt; }
    std::unique_ptr<ImageSource> open(const SystemContext&) const override { return std::make_unique<IndexSource>(); }
};

Requirement req(RequirementValue value, std::string location = "default[0]") { return {std::move(value), std::move(location)}; }

Policy policy_of(std::vector<Requirement> requirements) {
    Policy p;
    p.source = "memory";
    p.default_requirements = std::move(requirements);
    return p;
}

// signedBy for the multiarch-* fixtures: dir: images can only use exact*
// identities, and those signatures claim registry.example.com/app:v1.
SignedByRequirement fixture_signed_by() {
    SignedByRequirement signed_by;
    signed_by.key_type = "GPGKeys";
    signed_by.key_path = fixture_path("keys/gpg-primary-only.gpg");
    signed_by.signed_identity.kind = SignedIdentity::Kind::exact_reference;
    signed_by.signed_identity.docker_reference = "registry.example.com/app:v1";
    return signed_by;
}

EvaluationOptions require_signed_options() {
    EvaluationOptions options;
    options.require_signed = true;
    return options;
}

}  // namespace

TEST_CASE("evaluate_all_instances: one verdict per instance, each by its own digest, never the index") {
    PolicyContext context(policy_of({req(InsecureAcceptAnythingRequirement{})}));
    DirLikeReference image;
    IndexSource source;
    std::vector<Verdict> verdicts = context.evaluate_all_instances(image, source);
    REQUIRE(verdicts.size() == 2);
    CHECK(verdicts[0].platform == "linux/amd64");
    CHECK(verdicts[0].manifest_digest == sha256_digest(amd64_manifest));
    CHECK(verdicts[1].platform == "linux/arm64");
    CHECK(verdicts[1].manifest_digest == sha256_digest(arm64_manifest));
    for (const auto& verdict : verdicts) {
        CHECK(verdict.allowed);
        CHECK(verdict.list_digest == sha256_digest(source.index));
        CHECK(verdict.image == "dir:/srv/multi");  // the identity is still the reference given
    }
}

TEST_CASE("evaluate_all_instances: signatures are read per instance digest; the index's are ignored") {
    SigstoreSignedRequirement sigstore;
    sigstore.key_path = fixture_path("keys/ecdsa-p256.pub");
    PolicyContext context(policy_of({req(sigstore)}));
    DirLikeReference image;
    IndexSource source;
    std::vector<Verdict> verdicts = context.evaluate_all_instances(image, source);
    REQUIRE(verdicts.size() == 2);
    CHECK_FALSE(verdicts[0].allowed);
    CHECK_FALSE(verdicts[1].allowed);
    CHECK(verdicts[0].requirements[0].reason == "A signature was required, but no signature exists");
    CHECK(source.signature_reads == std::vector<std::string>{sha256_digest(amd64_manifest), sha256_digest(arm64_manifest)});
}

TEST_CASE("evaluate_all_instances: a single-manifest image gives one verdict without platform") {
    PolicyContext context(policy_of({req(InsecureAcceptAnythingRequirement{})}));
    DirLikeReference image;
    IndexSource source;
    source.index = amd64_manifest;  // the top-level manifest is not a list
    source.index_type = oci_manifest_type;
    auto verdicts = context.evaluate_all_instances(image, source);
    REQUIRE(verdicts.size() == 1);
    CHECK(verdicts[0].platform.empty());
    CHECK(verdicts[0].list_digest.empty());
    CHECK(verdicts[0].manifest_digest == sha256_digest(amd64_manifest));
}

TEST_CASE("evaluate_all_instances: an index without instances is an error, never an empty acceptance") {
    PolicyContext context(policy_of({req(InsecureAcceptAnythingRequirement{})}));
    DirLikeReference image;
    IndexSource source;
    source.index = index_of({});
    CHECK_THROWS_AS(context.evaluate_all_instances(image, source), NotFoundError);
}

TEST_CASE("evaluate picks one instance (--override-arch) and names its platform and list") {
    EvaluationOptions options;
    options.override_arch = "arm64";
    PolicyContext context(policy_of({req(InsecureAcceptAnythingRequirement{})}), options);
    DirLikeReference image;
    Verdict verdict = context.evaluate(image);
    CHECK(verdict.platform == "linux/arm64");
    CHECK(verdict.manifest_digest == sha256_digest(arm64_manifest));
    CHECK_FALSE(verdict.list_digest.empty());
    options.override_arch = "s390x";
    PolicyContext none(policy_of({req(InsecureAcceptAnythingRequirement{})}), options);
    CHECK_THROWS_AS(none.evaluate(image), NotFoundError);
}

TEST_CASE("require_signed: insecureAcceptAnything alone is rejected with c/image's message") {
    PolicyContext context(policy_of({req(InsecureAcceptAnythingRequirement{})}), require_signed_options());
    DirLikeReference image;
    IndexSource source;
    Verdict verdict = context.evaluate(image, source, sha256_digest(amd64_manifest));
    CHECK_FALSE(verdict.allowed);
    CHECK(verdict.reason == "No signature verification policy found for image dir:/srv/multi");
    REQUIRE(verdict.requirements.size() == 1);
    CHECK(verdict.requirements[0].state == RequirementOutcome::State::accepted);
    for (const auto& instance : context.evaluate_all_instances(image, source)) CHECK_FALSE(instance.allowed);
}

TEST_CASE("require_signed off: insecureAcceptAnything still allows, with no reason") {
    PolicyContext context(policy_of({req(InsecureAcceptAnythingRequirement{})}));
    DirLikeReference image;
    IndexSource source;
    Verdict verdict = context.evaluate(image, source, sha256_digest(amd64_manifest));
    CHECK(verdict.allowed);
    CHECK(verdict.reason.empty());
}

TEST_CASE("require_signed: a rejection by a requirement keeps that requirement's reason only") {
    PolicyContext context(policy_of({req(RejectRequirement{})}), require_signed_options());
    DirLikeReference image;
    IndexSource source;
    Verdict verdict = context.evaluate(image, source, sha256_digest(amd64_manifest));
    CHECK_FALSE(verdict.allowed);
    CHECK(verdict.reason.empty());
    CHECK(verdict.requirements[0].reason == "Running image dir:/srv/multi is rejected by policy.");
}

TEST_CASE("require_signed: insecureAcceptAnything plus an accepting signedBy is allowed; a rejecting one decides") {
    PolicyContext context(policy_of({req(InsecureAcceptAnythingRequirement{}), req(fixture_signed_by(), "default[1]")}),
                          require_signed_options());
    auto image = parse_image_reference("dir:" + fixture_path("images/multiarch-amd64-signed"));
    std::vector<Verdict> verdicts = context.evaluate_all_instances(*image);
    REQUIRE(verdicts.size() == 2);
    CHECK(verdicts[0].platform == "linux/amd64");
    CHECK(verdicts[0].allowed);
    CHECK(verdicts[0].reason.empty());
    CHECK(verdicts[0].requirements[1].state == RequirementOutcome::State::accepted);
    CHECK(verdicts[1].platform == "linux/arm64");
    CHECK_FALSE(verdicts[1].allowed);
    CHECK(verdicts[1].reason.empty());
    CHECK(verdicts[1].requirements[1].reason == "A signature was required, but no signature exists");
}

TEST_CASE("evaluate_all_instances on dir: fixtures: the index's signature never counts") {
    PolicyContext context(policy_of({req(fixture_signed_by())}));
    auto index_signed = parse_image_reference("dir:" + fixture_path("images/multiarch-index-signed"));
    for (const auto& verdict : context.evaluate_all_instances(*index_signed)) CHECK_FALSE(verdict.allowed);
    auto arm64_signed = parse_image_reference("dir:" + fixture_path("images/multiarch-arm64-signed"));
    std::vector<Verdict> verdicts = context.evaluate_all_instances(*arm64_signed);
    REQUIRE(verdicts.size() == 2);
    CHECK_FALSE(verdicts[0].allowed);
    CHECK(verdicts[1].allowed);
    CHECK(verdicts[1].manifest_digest != verdicts[0].manifest_digest);
    CHECK(verdicts[1].list_digest == verdicts[0].list_digest);
}
