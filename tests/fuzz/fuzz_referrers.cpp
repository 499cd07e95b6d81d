// OCI 1.1 referrers (Sigstore bundle discovery): the input as a referrers
// index (API answer, tag schema or layout index.json), as a referrer manifest
// of a fixed image digest, and as the Link / OCI-Filters-Applied headers of a
// referrers page.
#include "fuzz_support.hpp"

#include "image/bundle_referrers.hpp"
#include "registry/referrers.hpp"

namespace {

constexpr const char* image_digest = "sha256:ef75cd90094f812edcb55e2c436f42e66a679e7799319af173b30ccacd94d90e";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = imgtrust::fuzz::as_text(data, size);
    imgtrust::fuzz::ignore_rejection([&] {
        imgtrust::image::ReferrerSelection selection;
        imgtrust::image::select_bundle_referrers(imgtrust::image::parse_referrers_index(text, "fuzz input"), selection);
        (void)imgtrust::image::describe_skipped_referrers(selection.skipped);
    });
    imgtrust::fuzz::ignore_rejection([&] { (void)imgtrust::image::inspect_referrer_manifest(text, image_digest, "fuzz input"); });
    if (auto next = imgtrust::registry::link_next_target(text))
        (void)imgtrust::registry::next_page_request_path(*next, "registry.example:5000",
                                                         std::string("/v2/app/referrers/") + image_digest);
    (void)imgtrust::registry::next_page_request_path(text, "registry.example:5000", "/v2/app/referrers/sha256:00");
    (void)imgtrust::registry::artifact_type_filter_applied(text);
    return 0;
}
