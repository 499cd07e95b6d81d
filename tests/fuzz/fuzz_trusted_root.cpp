// trusted_root.json: the input is parsed as a trusted root (keys, certificate
// chains, validity windows), then, when it parses, used to look logs up.
#include "fuzz_support.hpp"

#include "sigstore/trusted_root.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = imgtrust::fuzz::as_text(data, size);
    imgtrust::fuzz::ignore_rejection([&] {
        imgtrust::sigstore::TrustedRoot root = imgtrust::sigstore::parse_trusted_root(text, "fuzz input");
        for (const auto& log : root.tlogs) (void)imgtrust::sigstore::find_log_by_id(root.tlogs, log.log_id);
    });
    return 0;
}
