// PolicyContext: scope lookup, the AND of a scope's requirements, stopping at
// the first denial, and c/image's summary messages. Uses an in-memory image.
#include <catch2/catch.hpp>

#include "imgtrust/errors.hpp"
#include "imgtrust/verify.hpp"
#include "fixtures.hpp"
#include "policy/scope_lookup.hpp"

using namespace imgtrust;

namespace {

const std::string unsigned_manifest =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]})";

class MemorySource : public ImageSource {
public:
    std::vector<UntrustedSignature> sigs;
    int signature_reads = 0;
    ManifestBlob manifest(const std::string&) override { return {unsigned_manifest, "application/vnd.oci.image.manifest.v1+json"}; }
    std::vector<UntrustedSignature> signatures(const std::string&) override {
        ++signature_reads;
        return sigs;
    }
};

class MemoryReference : public ImageReference {
public:
    MemoryReference(std::string identity, std::vector<std::string> namespaces)
        : identity_(std::move(identity)), namespaces_(std::move(namespaces)) {}
    std::string transport_name() const override { return "dir"; }
    std::string string_with_transport() const override { return "dir:" + identity_; }
    std::string policy_identity() const override { return identity_; }
    std::vector<std::string> policy_namespaces() const override { return namespaces_; }
    std::optional<DockerReference> docker_reference() const override { return std::nullopt; }
    std::unique_ptr<ImageSource> open(const SystemContext&) const override { return std::make_unique<MemorySource>(); }

private:
    std::string identity_;
    std::vector<std::string> namespaces_;
};

Requirement req(RequirementValue value, std::string location = "default[0]") { return {std::move(value), std::move(location)}; }

// A policy whose default is exactly these requirements.
Policy default_policy(Requirements requirements) {
    Policy p;
    p.source = "memory";
    p.default_requirements = std::move(requirements);
    return p;
}

// sigstoreSigned trusting the test P-256 key.
SigstoreSignedRequirement trusting_test_key() {
    SigstoreSignedRequirement sigstore;
    sigstore.key_path = fixture_path("keys/ecdsa-p256.pub");
    return sigstore;
}

Policy policy_with_dir_scopes() {
    Policy p;
    p.source = "memory";
    p.default_requirements = {req(RejectRequirement{})};
    p.transports["dir"]["/srv/images/app"] = {req(InsecureAcceptAnythingRequirement{}, "exact")};
    p.transports["dir"]["/srv"] = {req(InsecureAcceptAnythingRequirement{}, "parent")};
    p.transports["docker"][""] = {req(InsecureAcceptAnythingRequirement{}, "other transport")};
    return p;
}

}  // namespace

TEST_CASE("scope lookup: exact identity, then namespaces, then \"\", then default") {
    Policy p = policy_with_dir_scopes();
    MemoryReference exact("/srv/images/app", {"/srv/images", "/srv"});
    CHECK(policy::find_scope(p, exact).description == "transports.dir[\"/srv/images/app\"]");
    MemoryReference sibling("/srv/images/other", {"/srv/images", "/srv"});
    CHECK(policy::find_scope(p, sibling).description == "transports.dir[\"/srv\"]");
    MemoryReference elsewhere("/opt/img", {"/opt"});
    CHECK(policy::find_scope(p, elsewhere).description == "default");
    p.transports["dir"][""] = {req(RejectRequirement{}, "transport default")};
    CHECK(policy::find_scope(p, elsewhere).description == "transports.dir[\"\"]");
}

TEST_CASE("reject gives c/image's message and reads no signatures") {
    PolicyContext context(default_policy({req(RejectRequirement{})}));
    MemoryReference image("/opt/img", {"/opt"});
    MemorySource source;
    Verdict v = context.evaluate(image, source);
    CHECK_FALSE(v.allowed);
    REQUIRE(v.requirements.size() == 1);
    CHECK(v.requirements[0].reason == "Running image dir:/opt/img is rejected by policy.");
    CHECK(source.signature_reads == 0);
    CHECK(v.manifest_digest.rfind("sha256:", 0) == 0);
}

TEST_CASE("all requirements must hold; evaluation stops at the first denial") {
    Policy p;
    p.source = "memory";
    p.default_requirements = {req(InsecureAcceptAnythingRequirement{}), req(RejectRequirement{}, "default[1]"),
                              req(InsecureAcceptAnythingRequirement{}, "default[2]")};
    PolicyContext context(p);
    MemoryReference image("/opt/img", {"/opt"});
    MemorySource source;
    Verdict v = context.evaluate(image, source);
    CHECK_FALSE(v.allowed);
    REQUIRE(v.requirements.size() == 3);
    CHECK(v.requirements[0].state == RequirementOutcome::State::accepted);
    CHECK(v.requirements[1].state == RequirementOutcome::State::rejected);
    CHECK(v.requirements[2].state == RequirementOutcome::State::not_evaluated);
}

TEST_CASE("signedBaseLayer always denies, as in containers/image") {
    PolicyContext context(default_policy({req(SignedBaseLayerRequirement{})}));
    MemoryReference image("/opt/img", {"/opt"});
    MemorySource source;
    CHECK_FALSE(context.evaluate(image, source).allowed);
}

TEST_CASE("sigstoreSigned without signatures: no signature exists, counting other formats") {
    PolicyContext context(default_policy({req(trusting_test_key())}));
    MemoryReference image("/opt/img", {"/opt"});
    MemorySource source;
    CHECK(context.evaluate(image, source).requirements[0].reason == "A signature was required, but no signature exists");
    source.sigs = {SimpleSigningSignature{"not really openpgp"},
                   SigstoreSignature{"application/vnd.example.attestation", "{}", {}}};
    CHECK(context.evaluate(image, source).requirements[0].reason ==
          "A signature was required, but no signature exists (1 non-sigstore signatures, 1 sigstore non-signature attachments)");
}

TEST_CASE("sigstoreSigned: a sigstore signature without the signature annotation is rejected") {
    PolicyContext context(default_policy({req(trusting_test_key())}));
    MemoryReference image("/opt/img", {"/opt"});
    MemorySource source;
    source.sigs = {SigstoreSignature{std::string(sigstore_signature_mime_type), "{}", {}}};
    auto v = context.evaluate(image, source);
    CHECK(v.requirements[0].reason == "missing dev.cosignproject.cosign/signature annotation");
    source.sigs.push_back(source.sigs.front());
    CHECK(context.evaluate(image, source).requirements[0].reason.rfind("None of the signatures were accepted, reasons: ", 0) == 0);
}

TEST_CASE("keyless trust whose CA file cannot be read is a configuration error, not an accept") {
    SigstoreSignedRequirement sigstore;
    sigstore.fulcio = FulcioTrust{std::string("/nonexistent"), std::nullopt, "https://issuer", "a@example.com", {}};
    sigstore.rekor_public_key_path = "/nonexistent";
    PolicyContext context(default_policy({req(sigstore)}));
    MemoryReference image("/opt/img", {"/opt"});
    MemorySource source;
    CHECK_THROWS_AS(context.evaluate(image, source), ConfigError);
}

TEST_CASE("an unreadable key file is a configuration error, not an accept") {
    SigstoreSignedRequirement sigstore;
    sigstore.key_path = "/nonexistent/cosign.pub";
    PolicyContext context(default_policy({req(sigstore)}));
    MemoryReference image("/opt/img", {"/opt"});
    MemorySource source;
    CHECK_THROWS_AS(context.evaluate(image, source), ConfigError);
}
