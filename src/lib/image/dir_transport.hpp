// The dir: transport: an image stored as plain files in one directory
// (manifest.json, blobs named by their hex digest, signature-1, signature-2, …).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "imgtrust/image.hpp"

namespace imgtrust::image {

class DirReference final : public ImageReference {
public:
    // `path` is what follows "dir:", as the user wrote it; it is resolved
    // (symlinks followed) now, for policy scopes. Files are read through `path`.
    explicit DirReference(std::string path);

    std::string transport_name() const override { return "dir"; }
    std::string string_with_transport() const override { return "dir:" + path_; }
    std::string policy_identity() const override { return resolved_path_; }
    std::vector<std::string> policy_namespaces() const override;
    std::optional<DockerReference> docker_reference() const override { return std::nullopt; }
    std::unique_ptr<ImageSource> open(const SystemContext& context) const override;

private:
    std::string path_;
    std::string resolved_path_;
};

class DirImageSource final : public ImageSource {
public:
    DirImageSource(std::string path, std::string image_name);

    // manifest.json, or "<hex>.manifest.json" for an instance (whose bytes
    // must match the instance digest).
    ManifestBlob manifest(const std::string& instance_digest = {}) override;
    // signature-1, signature-2, … (or "<hex>.signature-N"), up to the first gap.
    std::vector<UntrustedSignature> signatures(const std::string& instance_digest = {}) override;

private:
    std::string manifest_path(const std::string& instance_digest) const;
    std::string signature_path(std::size_t number, const std::string& instance_digest) const;
    [[noreturn]] void throw_missing_manifest(const std::string& path, const std::string& instance_digest) const;

    std::string path_;
    std::string image_name_;
};

}  // namespace imgtrust::image
