// Images and their signatures, independent of the transport that holds them.
#pragma once

#include "imgtrust/export.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "imgtrust/reference.hpp"
#include "imgtrust/system_context.hpp"

namespace imgtrust {

inline constexpr std::size_t max_manifest_bytes = 4 * 1024 * 1024;
inline constexpr std::size_t max_signature_bytes = 4 * 1024 * 1024;
inline constexpr std::size_t max_signatures = 128;
// A manifest list (or OCI index) with more instances is refused before any is
// read (cosign bounds similar lists at 1000); its instances read for one image
// may take at most this many bytes in all (8 manifests of the maximum size;
// real instances are a few KiB each).
inline constexpr std::size_t max_manifest_list_instances = 1000;
inline constexpr std::size_t max_instance_manifest_bytes = 8 * max_manifest_bytes;

struct ManifestBlob {
    std::string bytes;       // exactly as read; digests are computed over these bytes
    std::string media_type;  // as declared by the transport or guessed from the bytes
};

// A simple-signing (GPG) signature: raw OpenPGP bytes, not yet verified.
struct SimpleSigningSignature {
    std::string untrusted_blob;
};

// A sigstore (cosign) signature as c/image stores it: a MIME type, the payload
// and the annotations (the base64 signature is in "dev.cosignproject.cosign/signature").
struct SigstoreSignature {
    std::string untrusted_mime_type;
    std::string untrusted_payload;
    std::map<std::string, std::string> untrusted_annotations;
};

// A Sigstore bundle (cosign v3): the bundle JSON as read, its declared media
// type, and where it was found. It names no image; the in-toto subject digest
// inside it binds it to a manifest.
struct SigstoreBundleSignature {
    std::string untrusted_bundle_json;
    std::string untrusted_media_type;  // artifactType / layer media type as the storage declared it
    std::string found_in;              // "referrers", "referrers-tag" or "oci-layout"
};

using UntrustedSignature = std::variant<SimpleSigningSignature, SigstoreSignature, SigstoreBundleSignature>;

inline constexpr std::string_view sigstore_signature_mime_type = "application/vnd.dev.cosign.simplesigning.v1+json";
inline constexpr std::string_view sigstore_signature_annotation = "dev.cosignproject.cosign/signature";

// Reading an image: its top-level manifest, a per-instance manifest of a
// multi-platform image, and the signatures stored for either.
class IMGTRUST_API ImageSource {
public:
    virtual ~ImageSource() = default;
    // instance_digest empty: the top-level manifest. Throws NotFoundError / FetchError.
    virtual ManifestBlob manifest(const std::string& instance_digest = {}) = 0;
    // Signatures for the top-level manifest or for one instance, in storage order.
    virtual std::vector<UntrustedSignature> signatures(const std::string& instance_digest = {}) = 0;
};

// A parsed "transport:reference", e.g. "dir:/tmp/img", "oci:/tmp/layout:tag".
class IMGTRUST_API ImageReference {
public:
    virtual ~ImageReference() = default;
    virtual std::string transport_name() const = 0;
    // "transport:..." as the user may write it back.
    virtual std::string string_with_transport() const = 0;
    // PolicyConfigurationIdentity: the most specific scope this image matches.
    virtual std::string policy_identity() const = 0;
    // PolicyConfigurationNamespaces: less specific scopes, most specific first.
    virtual std::vector<std::string> policy_namespaces() const = 0;
    // The docker reference, if the transport has one (dir: and oci: do not).
    virtual std::optional<DockerReference> docker_reference() const = 0;
    // Opens the image for reading. dir:/oci: ignore the context; docker:// uses
    // its auth, TLS, registries.d and shared connection pool.
    virtual std::unique_ptr<ImageSource> open(const SystemContext& context) const = 0;
    std::unique_ptr<ImageSource> open() const { return open(SystemContext{}); }
};

// Parses "dir:PATH", "oci:PATH[:REF]" or "docker://NAME[:TAG|@DIGEST]". Throws InvalidReferenceError (bad
// syntax) or ConfigError (unknown or unsupported transport).
IMGTRUST_API std::unique_ptr<ImageReference> parse_image_reference(std::string_view text);

// "sha256:<hex>" of the given bytes.
IMGTRUST_API std::string sha256_digest(std::string_view bytes);

// Manifest media types; is_manifest_list() is true for Docker lists and OCI indexes.
IMGTRUST_API bool is_manifest_list(const ManifestBlob& manifest);

// Instances of a manifest list or OCI index (manifest_list_instances throws
// FetchError for a list of more than max_manifest_list_instances).
struct ManifestInstance {
    std::string digest;
    std::string media_type;
    std::string os;
    std::string architecture;
    std::string variant;
};
IMGTRUST_API std::vector<ManifestInstance> manifest_list_instances(const ManifestBlob& list);

}  // namespace imgtrust
