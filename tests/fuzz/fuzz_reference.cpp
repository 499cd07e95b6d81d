// Image references as users and lists write them: docker references
// (ParseNormalizedNamed and the scope names derived from them), transport
// references ("docker://…", "dir:…", "oci:…:tag") and digests.
#include "fuzz_support.hpp"

#include "config/registries_d.hpp"
#include "imgtrust/image.hpp"
#include "imgtrust/reference.hpp"
#include "reference/policy_scopes.hpp"

namespace {

void exercise_docker_reference(std::string_view text) {
    imgtrust::fuzz::ignore_rejection([&] {
        const imgtrust::DockerReference ref = imgtrust::parse_normalized_named(text);
        (void)ref.string();
        const imgtrust::DockerReference tagged = imgtrust::with_default_tag(ref);
        (void)imgtrust::config::docker_reference_identity(tagged);
        (void)imgtrust::reference::docker_policy_namespaces(tagged);
    });
}

void exercise_transport_reference(std::string_view text) {
    imgtrust::fuzz::ignore_rejection([&] {
        const auto ref = imgtrust::parse_image_reference(text);
        (void)ref->string_with_transport();
        (void)ref->policy_identity();
        (void)ref->policy_namespaces();
    });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = imgtrust::fuzz::as_text(data, size);
    exercise_docker_reference(text);
    exercise_transport_reference(text);
    imgtrust::fuzz::ignore_rejection([&] { imgtrust::validate_digest(text); });
    return 0;
}
