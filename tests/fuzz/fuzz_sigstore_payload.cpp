// Signature payloads: the strict (paranoid) JSON of cosign and simple-signing
// payloads, and verify_sigstore_payload with a fixture key, where the first
// input line is taken as the base64 signature and the rest as the payload.
#include "fuzz_support.hpp"

#include "signature/payload_json.hpp"
#include "signature/public_key.hpp"
#include "signature/sigstore_payload.hpp"

namespace {

using imgtrust::signature::OptionalSection;

void parse_payload(std::string_view json, std::string_view type, OptionalSection optional_section) {
    imgtrust::fuzz::ignore_rejection([&] { (void)imgtrust::signature::parse_untrusted_payload(json, type, optional_section); });
}

void verify_payload(std::string_view text) {
    static const std::vector<imgtrust::signature::PublicKey> keys =
        imgtrust::signature::load_public_keys_pem(imgtrust::fuzz::read_fixture("keys/ecdsa-p256.pub"), "ecdsa-p256.pub");
    const auto line_end = text.find('\n');
    if (line_end == std::string_view::npos) return;
    const imgtrust::signature::PayloadAcceptanceRules accept_anything{[](const std::string&) {}, [](const std::string&) {}};
    imgtrust::fuzz::ignore_rejection([&] {
        (void)imgtrust::signature::verify_sigstore_payload(keys, text.substr(line_end + 1), text.substr(0, line_end),
                                                           accept_anything);
    });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = imgtrust::fuzz::as_text(data, size);
    parse_payload(text, imgtrust::signature::sigstore_signature_type, OptionalSection::object_or_null);
    parse_payload(text, imgtrust::signature::simple_signing_type, OptionalSection::must_be_object);
    verify_payload(text);
    return 0;
}
