// PEM and X.509 from signatures and trust roots: Go's pem.Decode, certificate
// lists (cosign certificate and chain annotations), a single leaf, a Go
// CertPool, public keys, and what verification reads from a parsed
// certificate (SANs, Fulcio issuer extensions, hostname matching, its key).
#include "fuzz_support.hpp"

#include "signature/certificate.hpp"
#include "signature/fulcio.hpp"
#include "signature/public_key.hpp"

namespace {

namespace sig = imgtrust::signature;

void decode_every_block(std::string_view text) {
    std::string_view rest = text;
    while (sig::go_pem_decode(rest, rest)) {
    }
}

void inspect(const sig::Certificate& certificate) {
    (void)sig::summarize_certificate(certificate);
    (void)certificate.validity_window();
    (void)certificate.has_unhandled_critical_san();
    (void)sig::hostname_mismatch(certificate, "registry.example.com");
    (void)sig::hostname_mismatch(certificate, "127.0.0.1");
    imgtrust::fuzz::ignore_rejection([&] { (void)sig::fulcio_issuer_in_certificate(certificate); });
    imgtrust::fuzz::ignore_rejection([&] { (void)certificate.public_key(); });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = imgtrust::fuzz::as_text(data, size);
    decode_every_block(text);
    imgtrust::fuzz::ignore_rejection([&] {
        for (const sig::Certificate& certificate : sig::parse_certificates_pem(text)) inspect(certificate);
    });
    imgtrust::fuzz::ignore_rejection([&] { (void)sig::parse_leaf_certificate_pem(text); });
    (void)sig::collect_pool_certificates_pem(text);
    imgtrust::fuzz::ignore_rejection([&] { (void)sig::untrusted_intermediates_from_chain(text); });
    imgtrust::fuzz::ignore_rejection([&] { (void)sig::load_public_keys_pem(text, "fuzz.pub"); });
    return 0;
}
