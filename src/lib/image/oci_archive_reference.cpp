// Parsing "oci-archive:" references and their policy scopes, as c/image's
// oci/archive transport does; the image is read by the oci: layout reader
// over the archive's files.
#include "image/local_files.hpp"
#include "image/oci_transport.hpp"
#include "imgtrust/errors.hpp"

namespace imgtrust::image {

// internal.SplitPathAndImage: `path, image, _ := strings.Cut(reference, ":")`.
std::unique_ptr<OciArchiveReference> OciArchiveReference::parse(std::string_view within) {
    const auto colon = within.find(':');
    std::string file(within.substr(0, colon));
    std::string image = colon == std::string_view::npos ? std::string() : std::string(within.substr(colon + 1));
    return std::unique_ptr<OciArchiveReference>(new OciArchiveReference(std::move(file), std::move(image)));
}

OciArchiveReference::OciArchiveReference(std::string file, std::string image)
    : file_(std::move(file)), image_(std::move(image)) {
    resolved_file_ = resolve_path_fully_explicit(file_, "oci-archive:" + file_);
    if (!is_valid_oci_image_name(image_)) throw InvalidReferenceError("Invalid image " + image_);
}

// c/image: "ref.image is not a part of the image identity, because
// "$dir:$someimage" and "$dir:" may mean the same image"; the namespaces are
// the resolved file and each parent directory, never "/".
std::vector<std::string> OciArchiveReference::policy_namespaces() const { return path_and_parent_scopes(resolved_file_); }

std::unique_ptr<ImageSource> OciArchiveReference::open(const SystemContext& context) const {
    const std::string image_name = string_with_transport();
    return std::make_unique<OciImageSource>(open_layout_archive(file_, image_name), image_, std::nullopt, image_name,
                                            context.debug_log);
}

}  // namespace imgtrust::image
