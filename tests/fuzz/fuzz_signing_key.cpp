// Private key files for `imgtrust sign`: cosign's encrypted envelope (PEM, JSON,
// scrypt parameters, secretbox) and plain PEM keys, loaded with the fixtures'
// password; a key that loads also signs once. Scrypt parameters outside
// cosign's three sets must be refused before any work (at most 128 MiB).
#include "fuzz_support.hpp"

#include "signing/signing_key.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view untrusted_key_file = imgtrust::fuzz::as_text(data, size);
    imgtrust::fuzz::ignore_rejection([&] {
        const auto key = imgtrust::signing::SigningKey::load(
            untrusted_key_file, [] { return std::string("fixture-password"); }, "fuzz.key");
        (void)key.sign("payload");
        (void)key.public_key_pem();
    });
    return 0;
}
