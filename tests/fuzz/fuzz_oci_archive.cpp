// oci-archive: (a tar of an OCI layout, read in place with libarchive): the
// input is written as the archive file, then
//  - the LayoutFiles reader directly: index.json, the blobs directory visit;
//  - the whole oci-archive path: OciArchiveReference, OciImageSource (index.json
//    selection, manifest digests, cosign attachments and bundle referrers) and a
//    PolicyContext evaluating every instance under a sigstoreSigned policy with
//    the fixture key keys/ecdsa-p256.pub (the key of the images/oci-cosign-*
//    fixtures the seeds are made of), once as "PATH" and once as "PATH:v1".
// Nothing here reaches the network: oci-archive images never do.
#include <memory>

#include "fuzz_support.hpp"

#include "image/layout_files.hpp"
#include "image/oci_transport.hpp"
#include "imgtrust/policy.hpp"
#include "imgtrust/verify.hpp"

namespace {

constexpr std::size_t small_file_bytes = 64 * 1024;

std::string policy_text() {
    return std::string(R"({"default": [{"type": "reject"}], "transports": {"oci-archive": {"": [)"
                       R"({"type": "sigstoreSigned", "keyPath": ")") +
           IMGTRUST_FUZZ_FIXTURES + R"(/keys/ecdsa-p256.pub",)"
           R"( "signedIdentity": {"type": "exactReference", "dockerReference": "registry.example.com/app:v1"}}]}}})";
}

imgtrust::PolicyContext& policy_context() {
    static imgtrust::PolicyContext context(imgtrust::parse_policy(policy_text(), "fuzz policy"));
    return context;
}

void read_layout_files(const std::string& archive) {
    const auto files = imgtrust::image::open_layout_archive(archive, "fuzz");
    (void)files->read("index.json", small_file_bytes, "index");
    (void)files->read("./oci-layout", small_file_bytes, "layout marker");
    std::size_t visited = 0;
    files->visit_small_files("blobs/sha256", small_file_bytes, 1000, "blobs",
                             [&](const std::string& name, const std::string& bytes) { visited += name.size() + bytes.size(); });
}

void evaluate_archive(const std::string& reference_text) {
    const auto reference = imgtrust::image::OciArchiveReference::parse(reference_text);
    const auto source = reference->open(imgtrust::SystemContext{});
    const imgtrust::ManifestBlob manifest = source->manifest();
    (void)source->signatures();
    (void)manifest;
    (void)policy_context().evaluate_all_instances(*reference, *source);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto archive = imgtrust::fuzz::private_directory() / "image.tar";
    imgtrust::fuzz::write_file(archive, imgtrust::fuzz::as_text(data, size));
    imgtrust::fuzz::ignore_rejection([&] { read_layout_files(archive.string()); });
    imgtrust::fuzz::ignore_rejection([&] { evaluate_archive(archive.string()); });
    imgtrust::fuzz::ignore_rejection([&] { evaluate_archive(archive.string() + ":v1"); });
    return 0;
}
