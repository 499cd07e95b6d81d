// Rekor Signed Entry Timestamps (the "dev.sigstore.cosign/bundle" annotation)
// and RFC 8785 canonical JSON. The input is the SET; the signature, payload and
// certificate it must vouch for are fixed, taken from the keyless fixture
// fulcio-valid, and the Rekor key is the fixture's rekor.pub.
#include "fuzz_support.hpp"

#include <variant>

#include "image/signature_blob.hpp"
#include "signature/canonical_json.hpp"
#include "signature/rekor_set.hpp"

namespace {

struct SignedFixture {
    std::vector<imgtrust::signature::PublicKey> rekor_keys;
    imgtrust::SigstoreSignature signature;
};

const SignedFixture& fixture() {
    static const SignedFixture loaded = [] {
        const std::string blob = imgtrust::fuzz::read_fixture("keyless/images/fulcio-valid/signature-1");
        return SignedFixture{
            imgtrust::signature::load_public_keys_pem(imgtrust::fuzz::read_fixture("keyless/rekor.pub"), "rekor.pub"),
            std::get<imgtrust::SigstoreSignature>(imgtrust::image::parse_signature_blob(blob, "fulcio-valid"))};
    }();
    return loaded;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = imgtrust::fuzz::as_text(data, size);
    std::string error;
    (void)imgtrust::signature::canonicalize_json(text, error);
    const SignedFixture& signed_fixture = fixture();
    const auto& annotations = signed_fixture.signature.untrusted_annotations;
    imgtrust::fuzz::ignore_rejection([&] {
        (void)imgtrust::signature::verify_rekor_set(signed_fixture.rekor_keys, text,
                                                    annotations.at("dev.sigstore.cosign/certificate"),
                                                    annotations.at("dev.cosignproject.cosign/signature"),
                                                    signed_fixture.signature.untrusted_payload);
    });
    return 0;
}
