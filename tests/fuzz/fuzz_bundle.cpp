// Sigstore bundles: the input is a bundle's JSON. It is parsed, then verified
// end to end (transparency log entries, checkpoints, inclusion proofs, Rekor
// bodies, timestamps, certificate chain) against the built-in public-good
// root for the conformance suite's a.txt, once in certificate mode and once
// keyed with the conformance managed key.
#include "fuzz_support.hpp"

#include "signature/certificate.hpp"
#include "sigstore/bundle.hpp"
#include "sigstore/bundle_verifier.hpp"
#include "sigstore/public_good_root.hpp"

namespace {

struct Fixed {
    imgtrust::sigstore::ArtifactExpectation artifact;
    imgtrust::sigstore::BundleVerificationOptions certificate_mode;
    imgtrust::sigstore::BundleVerificationOptions keyed_mode;
};

std::string conformance_file(const std::string& relative) { return imgtrust::fuzz::read_fixture("../conformance/" + relative); }

const Fixed& fixed() {
    static const Fixed loaded = [] {
        Fixed f{imgtrust::sigstore::ArtifactExpectation::of_bytes(conformance_file("a.txt")), {}, {}};
        f.certificate_mode.trusted_root = &imgtrust::sigstore::public_good_trusted_root();
        f.certificate_mode.now = 1764892800;  // 2025-12-05: fixed, so runs reproduce
        // Any identity: the harness exercises verification, not identity matching.
        f.certificate_mode.check_identity = [](const imgtrust::signature::Certificate&) {};
        f.keyed_mode.trusted_root = f.certificate_mode.trusted_root;
        f.keyed_mode.now = f.certificate_mode.now;
        f.keyed_mode.observer_timestamp_threshold = 0;
        f.keyed_mode.trusted_keys = imgtrust::signature::load_public_keys_pem(
            conformance_file("bundle-verify/managed-key-happy-path/key.pub"), "key.pub");
        return f;
    }();
    return loaded;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = imgtrust::fuzz::as_text(data, size);
    const Fixed& f = fixed();
    imgtrust::fuzz::ignore_rejection([&] { (void)imgtrust::sigstore::parse_bundle(text); });
    imgtrust::fuzz::ignore_rejection([&] { (void)imgtrust::sigstore::verify_bundle(text, f.artifact, f.certificate_mode); });
    imgtrust::fuzz::ignore_rejection([&] { (void)imgtrust::sigstore::verify_bundle(text, f.artifact, f.keyed_mode); });
    return 0;
}
