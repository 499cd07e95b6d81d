#include "image/dir_transport.hpp"

#include "image/local_files.hpp"
#include "image/manifest_format.hpp"
#include "image/signature_blob.hpp"
#include "imgtrust/errors.hpp"
#include "util/bytes.hpp"

namespace imgtrust::image {

DirReference::DirReference(std::string path)
    : path_(std::move(path)), resolved_path_(resolve_path_fully_explicit(path_, "dir:" + path_)) {}

// containers-policy.json(5): "Supported scopes are paths of directories (either
// containing a single image or subdirectories possibly containing images)" and
// "The top-level scope "/" is forbidden": the parents of the resolved path, without "/".
std::vector<std::string> DirReference::policy_namespaces() const {
    std::vector<std::string> namespaces = path_and_parent_scopes(resolved_path_);
    if (!namespaces.empty()) namespaces.erase(namespaces.begin());  // the identity itself
    return namespaces;
}

std::unique_ptr<ImageSource> DirReference::open(const SystemContext&) const {
    return std::make_unique<DirImageSource>(path_, string_with_transport());
}

DirImageSource::DirImageSource(std::string path, std::string image_name)
    : path_(std::move(path)), image_name_(std::move(image_name)) {}

std::string DirImageSource::manifest_path(const std::string& instance_digest) const {
    if (instance_digest.empty()) return join_path(path_, "manifest.json");
    const util::Digest instance = require_valid_digest(instance_digest, image_name_ + ": instance");
    return join_path(path_, std::string(instance.hex()) + ".manifest.json");
}

std::string DirImageSource::signature_path(std::size_t number, const std::string& instance_digest) const {
    const std::string name = "signature-" + std::to_string(number);
    if (instance_digest.empty()) return join_path(path_, name);
    const util::Digest instance = require_valid_digest(instance_digest, image_name_ + ": instance");
    return join_path(path_, std::string(instance.hex()) + "." + name);
}

void DirImageSource::throw_missing_manifest(const std::string& path, const std::string& instance_digest) const {
    if (!instance_digest.empty())
        throw NotFoundError(image_name_ + ": no manifest for instance " + instance_digest + " (" + path + " does not exist)");
    throw NotFoundError(image_name_ + ": " + path + " does not exist, so this is not an image directory");
}

ManifestBlob DirImageSource::manifest(const std::string& instance_digest) {
    const std::string path = manifest_path(instance_digest);
    switch (path_kind(path_.empty() ? "." : path_)) {
    case PathKind::missing: throw NotFoundError(image_name_ + ": image directory " + path_ + " does not exist");
    case PathKind::other: throw NotFoundError(image_name_ + ": " + path_ + " is not a directory");
    case PathKind::directory: break;
    }
    auto bytes = util::read_file_bounded(path, max_manifest_bytes, "manifest");
    if (!bytes) throw_missing_manifest(path, instance_digest);
    if (!instance_digest.empty() && !require_valid_digest(instance_digest, image_name_ + ": instance").matches(*bytes))
        throw FetchError(image_name_ + ": manifest " + path + " does not match the instance digest " + instance_digest);
    ManifestBlob blob{std::move(*bytes), {}};
    blob.media_type = guess_manifest_media_type(blob.bytes);
    reject_unsupported_manifest(blob, image_name_);
    return blob;
}

std::vector<UntrustedSignature> DirImageSource::signatures(const std::string& instance_digest) {
    std::vector<UntrustedSignature> signatures;
    for (std::size_t number = 1;; ++number) {
        const std::string path = signature_path(number, instance_digest);
        auto blob = util::read_file_bounded(path, max_signature_bytes, "signature");
        if (!blob) break;  // signatures are numbered from 1 up to the first missing one
        if (number > max_signatures)
            throw FetchError(image_name_ + ": more than " + std::to_string(max_signatures) +
                             " signatures, assuming that is unreasonable");
        signatures.push_back(parse_signature_blob(*blob, image_name_ + ": parsing signature \"" + path + "\""));
    }
    return signatures;
}

}  // namespace imgtrust::image
