// Signature blobs as dir:, oci: and lookaside storage hold them (a format
// header, then OpenPGP bytes or sigstore JSON), and the cosign annotations of a
// sigstore signature read before any cryptographic check: the base64
// signature, the payload, and the certificate and chain PEM.
#include "fuzz_support.hpp"

#include <variant>

#include "image/signature_blob.hpp"
#include "signature/fulcio.hpp"
#include "signature/go_compat.hpp"
#include "signature/payload_json.hpp"

namespace {

std::string annotation(const imgtrust::SigstoreSignature& signature, const std::string& key) {
    const auto found = signature.untrusted_annotations.find(key);
    return found == signature.untrusted_annotations.end() ? std::string() : found->second;
}

void exercise_sigstore(const imgtrust::SigstoreSignature& signature) {
    std::string error;
    (void)imgtrust::signature::go_base64_std_decode(annotation(signature, "dev.cosignproject.cosign/signature"), error);
    imgtrust::fuzz::ignore_rejection([&] {
        (void)imgtrust::signature::parse_untrusted_payload(signature.untrusted_payload,
                                                           imgtrust::signature::sigstore_signature_type,
                                                           imgtrust::signature::OptionalSection::object_or_null);
    });
    const std::string chain = annotation(signature, "dev.sigstore.cosign/chain");
    imgtrust::fuzz::ignore_rejection([&] { (void)imgtrust::signature::untrusted_intermediates_from_chain(chain); });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    imgtrust::fuzz::ignore_rejection([&] {
        const auto parsed = imgtrust::image::parse_signature_blob(imgtrust::fuzz::as_text(data, size), "fuzz");
        (void)imgtrust::image::serialize_signature_blob(parsed);
        if (const auto* sigstore = std::get_if<imgtrust::SigstoreSignature>(&parsed)) exercise_sigstore(*sigstore);
    });
    return 0;
}
