// The transparency-log pieces of a Sigstore bundle that fuzz_bundle rarely
// reaches (they are checked after the signature): the input as a signed note,
// as a checkpoint body, as a Rekor entry body of every kind and version, and
// as an in-toto statement.
#include "fuzz_support.hpp"

#include "sigstore/checkpoint.hpp"
#include "sigstore/dsse.hpp"
#include "sigstore/rekor_body.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = imgtrust::fuzz::as_text(data, size);
    imgtrust::fuzz::ignore_rejection([&] {
        imgtrust::sigstore::SignedNote note = imgtrust::sigstore::parse_signed_note(text);
        (void)imgtrust::sigstore::parse_checkpoint_text(note.text);
    });
    imgtrust::fuzz::ignore_rejection([&] { (void)imgtrust::sigstore::parse_checkpoint_text(text); });
    for (const char* kind : {"hashedrekord", "dsse", "intoto"})
        for (const char* version : {"0.0.1", "0.0.2"})
            imgtrust::fuzz::ignore_rejection([&] { (void)imgtrust::sigstore::parse_rekor_body(text, kind, version); });
    imgtrust::fuzz::ignore_rejection([&] { (void)imgtrust::sigstore::parse_in_toto_statement(text); });
    return 0;
}
