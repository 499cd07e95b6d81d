// RFC 3161 timestamps and embedded SCTs of Sigstore bundles. The input is
// tried as a DER TimeStampResp against the test TSA of tests/fixtures/sigstore
// (as signature bytes too), and as a DER certificate whose SCT list is checked
// against the fixture CT logs with the fixture Fulcio-style issuer.
#include "fuzz_support.hpp"

#include <openssl/x509.h>

#include "signature/certificate.hpp"
#include "sigstore/sct.hpp"
#include "sigstore/timestamp.hpp"
#include "util/digest.hpp"

namespace {

namespace sig = imgtrust::signature;
namespace ss = imgtrust::sigstore;

sig::Certificate fixture_certificate(const std::string& name) {
    return sig::parse_certificates_pem(imgtrust::fuzz::read_fixture("sigstore/" + name)).at(0);
}

// TransparencyLog has no default constructor (its key); every other field starts empty.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
ss::TransparencyLog log_with_key(sig::PublicKey key) { return ss::TransparencyLog{.key = std::move(key)}; }
#pragma GCC diagnostic pop

const ss::TrustedRoot& trusted_root() {
    static const ss::TrustedRoot root = [] {
        ss::TrustedRoot built;
        ss::CertificateAuthority authority;
        authority.uri = "https://tsa.test";
        authority.chain = {fixture_certificate("tsa-leaf.pem"), fixture_certificate("tsa-root.pem")};
        built.timestamp_authorities.push_back(authority);
        authority.chain = {fixture_certificate("tsa-root.pem")};  // an authority without a TSA leaf
        built.timestamp_authorities.push_back(authority);
        for (const char* name : {"ct-log.pub", "ct-log-rsa.pub"}) {
            sig::PublicKey key = sig::load_public_keys_pem(imgtrust::fuzz::read_fixture(std::string("sigstore/") + name), name).at(0);
            ss::TransparencyLog log = log_with_key(key);
            log.log_id = imgtrust::util::raw_digest(imgtrust::util::DigestAlgorithm::sha256, key.subject_public_key_info_der());
            built.ctlogs.push_back(std::move(log));
        }
        return built;
    }();
    return root;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    static const std::string signature = imgtrust::fuzz::read_fixture("sigstore/tsa-signature.bin");
    static const sig::Certificate issuer = fixture_certificate("sct-issuer.pem");
    imgtrust::fuzz::ignore_rejection([&] { (void)ss::verify_rfc3161_timestamps(trusted_root(), {input}, signature); });
    imgtrust::fuzz::ignore_rejection([&] { (void)ss::verify_rfc3161_timestamps(trusted_root(), {input, input}, input); });
    auto cursor = reinterpret_cast<const unsigned char*>(data);
    if (X509* parsed = d2i_X509(nullptr, &cursor, static_cast<long>(size))) {
        sig::Certificate leaf(parsed);
        imgtrust::fuzz::ignore_rejection([&] { ss::verify_embedded_scts(trusted_root(), leaf, issuer); });
        imgtrust::fuzz::ignore_rejection([&] { ss::verify_embedded_scts(trusted_root(), leaf, leaf); });
    }
    return 0;
}
