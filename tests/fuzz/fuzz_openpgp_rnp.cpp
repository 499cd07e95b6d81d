// The RNP OpenPGP engine on outside bytes: the input is verified as a lookaside
// signature against a fixed keyring (tests/fixtures/openpgp/accepted-subkey),
// and loaded as key data (keyPath/keyData are policy input too). Rejections
// (SignatureRejected, ConfigError) are expected; anything else is a finding.
#include "fuzz_support.hpp"

#include "signature/openpgp_verifier.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto keyring = imgtrust::signature::make_openpgp_verifier(
        "rnp", {imgtrust::fuzz::read_fixture("openpgp/accepted-subkey/keys")});
    const std::string input(imgtrust::fuzz::as_text(data, size));
    const imgtrust::signature::PayloadAcceptanceRules accept_any{[](const std::string&) {}, [](const std::string&) {}};
    imgtrust::fuzz::ignore_rejection([&] { (void)keyring->verify(input, accept_any); });
    imgtrust::fuzz::ignore_rejection([&] {
        const auto loaded = imgtrust::signature::make_openpgp_verifier("rnp", {input});
        (void)loaded->trusted_fingerprints();
    });
    return 0;
}
