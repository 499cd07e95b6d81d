// Signs one docker:// image the way hangar's signer does: the manifest the
// reference names and, for a manifest list or OCI index, each instance the
// platform predicate selects, each by its own digest, all with the user's
// reference as the signed identity. One format per run:
// - sigstore: a cosign simple-signing payload appended to the .sig attachment;
// - bundle: a cosign v3 bundle (DSSE in-toto statement) as an OCI 1.1 referrer;
// - gpg: an "atomic container signature" signed by gpg, written to the
//   lookaside registries.d names for writing.
// Every manifest is signed before anything is written for the next one; blobs
// go before the manifest and the tag, so a refused push leaves no new tag.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "imgtrust/image.hpp"
#include "imgtrust/reference.hpp"
#include "imgtrust/sign.hpp"
#include "imgtrust/system_context.hpp"
#include "signing/signing_key.hpp"

namespace imgtrust::signing {

// SignatureFormat and SignedManifest are public: include/imgtrust/sign.hpp.

// Which repository of each registry already holds the empty config blob that
// every bundle referrer uses, so that later images mount it from there
// instead of uploading it again. Shared by the jobs of one run; thread-safe.
class SharedBlobLocations {
public:
    std::optional<std::string> repository_holding(const std::string& registry_host) const;
    void remember(const std::string& registry_host, const std::string& repository_path);

private:
    mutable std::mutex mutex_;
    std::map<std::string, std::string> by_host_;
};

struct SignerSettings {
    SignatureFormat format = SignatureFormat::sigstore;
    const SigningKey* key = nullptr;             // sigstore and bundle
    std::string gpg_fingerprint;                 // gpg
    std::optional<std::string> gnupg_home;       // gpg: GNUPGHOME override
    // Which instances of a manifest list to sign (the list itself is always signed).
    std::shared_ptr<SharedBlobLocations> empty_config_locations = std::make_shared<SharedBlobLocations>();
    std::function<bool(const ManifestInstance&)> select_instance = [](const ManifestInstance&) { return true; };
};

// Signs ref (a tag or digest reference) in its registry through context.pool.
// Throws FetchError / NotFoundError (unreachable, refused push), ConfigError.
std::vector<SignedManifest> sign_docker_image(const SystemContext& context, const DockerReference& ref,
                                              const SignerSettings& settings);

}  // namespace imgtrust::signing
