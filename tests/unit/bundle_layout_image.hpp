// Test doubles for a Sigstore bundle attached to an image in an oci: layout:
// what the bundle-under-policy tests (policy, signing) evaluate.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "imgtrust/verify.hpp"

// One OCI image manifest carrying one bundle, as an oci: layout holds it.
class BundleSource : public imgtrust::ImageSource {
public:
    BundleSource(std::string manifest, std::string bundle) : manifest_(std::move(manifest)), bundle_(std::move(bundle)) {}
    imgtrust::ManifestBlob manifest(const std::string&) override {
        return {manifest_, "application/vnd.oci.image.manifest.v1+json"};
    }
    std::vector<imgtrust::UntrustedSignature> signatures(const std::string&) override {
        return {imgtrust::SigstoreBundleSignature{bundle_, "application/vnd.dev.sigstore.bundle.v0.3+json", "oci-layout"}};
    }

private:
    std::string manifest_, bundle_;
};

// oci:/layouts/app:latest, whose policy scopes are the layout path and its parents.
class LayoutReference : public imgtrust::ImageReference {
public:
    std::string transport_name() const override { return "oci"; }
    std::string string_with_transport() const override { return "oci:/layouts/app:latest"; }
    std::string policy_identity() const override { return "/layouts/app:latest"; }
    std::vector<std::string> policy_namespaces() const override { return {"/layouts/app", "/layouts"}; }
    std::optional<imgtrust::DockerReference> docker_reference() const override { return std::nullopt; }
    std::unique_ptr<imgtrust::ImageSource> open(const imgtrust::SystemContext&) const override { return nullptr; }
};
