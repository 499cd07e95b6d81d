// The OpenShift registry signature API (X-Registry-Supports-Signatures): the
// input as the body of GET /extensions/v2/<name>/signatures/<digest>, decoded
// as c/image's extensionSignatureList (schemaVersion-2 "atomic" entries, base64
// contents, at most max_signatures). The blobs it returns are raw OpenPGP
// messages verified later by the signedBy evaluator (GPG is not fuzzed, see
// docs/fuzzing.md); here each must at least be a copy of decoded bytes.
#include "fuzz_support.hpp"

#include "image/extension_signatures.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = imgtrust::fuzz::as_text(data, size);
    imgtrust::fuzz::ignore_rejection([&] {
        const std::vector<std::string> blobs = imgtrust::image::decode_extension_signatures(text, "fuzz input");
        std::size_t total = 0;
        for (const auto& blob : blobs) total += blob.size();
        // Every blob is the base64 decoding of part of the body: never larger than the body.
        if (total > size) std::abort();
    });
    return 0;
}
