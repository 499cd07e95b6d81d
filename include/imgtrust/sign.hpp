// Signing images offline (`imgtrust sign`), as cosign (a legacy `.sig`
// signature or a v3 bundle referrer) or `skopeo copy --sign-by` (GPG simple
// signing into the registries.d lookaside) would: one image, an OCI layout,
// or a hangar-style image list. Nothing is uploaded to a transparency log.
//
//   auto key = imgtrust::signing::PrivateKey::load(pem, ask_password, "cosign.key");
//   imgtrust::signing::SignSettings settings;  settings.key = &key;
//   imgtrust::Client client(imgtrust::signing::signing_system_context(access, timeout));
//   for (auto& m : imgtrust::signing::sign_image(client, imgtrust::parse_normalized_named("reg/app:v1"), settings)) …
//
// Errors: ConfigError (unusable key, wrong password, bad settings),
// FetchError / NotFoundError (unreachable registry, refused push).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "imgtrust/client.hpp"
#include "imgtrust/export.hpp"
#include "imgtrust/reference.hpp"
#include "imgtrust/system_context.hpp"
#include "imgtrust/validate.hpp"

namespace imgtrust::signing {

class SigningKey;  // the library's key (src/lib/signing/signing_key.hpp)

// A private key to sign with: a cosign encrypted key file ("ENCRYPTED SIGSTORE
// PRIVATE KEY" or the older "ENCRYPTED COSIGN PRIVATE KEY") or a plain PEM
// private key (PKCS#8, SEC1, PKCS#1). ECDSA P-256/P-384/P-521, Ed25519, RSA
// 2048-8192. Immutable once loaded; may be used from many threads.
class IMGTRUST_API PrivateKey {
public:
    // `password` is called once, only for encrypted keys (the library never
    // prompts). Throws ConfigError naming `what` (e.g. the key file); a wrong
    // password says "wrong password for <what>".
    static PrivateKey load(std::string_view pem, const std::function<std::string()>& password, std::string_view what);
    ~PrivateKey();
    PrivateKey(PrivateKey&&) noexcept;
    PrivateKey& operator=(PrivateKey&&) noexcept;

    const std::string& algorithm() const;  // "ECDSA P-256", "Ed25519", "RSA 3072", …
    std::string public_key_pem() const;    // SubjectPublicKeyInfo PEM, as cosign writes cosign.pub

    const SigningKey& key() const;  // for the library's signers

private:
    explicit PrivateKey(std::unique_ptr<SigningKey> key);
    std::unique_ptr<SigningKey> key_;
};

enum class SignatureFormat {
    sigstore,  // a cosign simple-signing payload appended to the `.sig` attachment
    bundle,    // a cosign v3 bundle (DSSE in-toto statement) as an OCI 1.1 referrer
    gpg,       // an "atomic container signature" by gpg, written to the registries.d lookaside
};

struct SignSettings {
    SignatureFormat format = SignatureFormat::sigstore;
    const PrivateKey* key = nullptr;        // sigstore and bundle; must outlive the signing
    std::string gpg_fingerprint;            // gpg
    std::optional<std::string> gnupg_home;  // gpg: GNUPGHOME override
    // Which instances of a manifest list are signed (the list itself always is).
    validate::PlatformFilter platforms;
};

// What was signed: the manifest the reference names, then each selected instance.
struct SignedManifest {
    std::string digest;
    std::string platform;         // "os/arch[/variant]", "" for the top-level manifest
    bool already_signed = false;  // the same key had signed the same payload: nothing written
    std::string written_to;       // lookaside file (gpg)
};

// The registry settings a signing Client should use: `access` plus the
// per-image timeout, with no request outliving it (0: no limit).
IMGTRUST_API SystemContext signing_system_context(SystemContext access, std::chrono::milliseconds timeout);

// Signs `ref` (a tag or digest reference) and, for a manifest list or OCI
// index, each selected instance by its own digest, all with `ref` as the
// signed identity. Blobs go before the manifest and the tag, so a refused
// push leaves no new tag.
IMGTRUST_API std::vector<SignedManifest> sign_image(const Client& client, const DockerReference& ref,
                                                    const SignSettings& settings);

// A legacy cosign signature for the image `ref_name` names in the OCI layout
// at `layout_dir` (empty: its only image) and its selected instances, naming
// `identity` (a layout has no docker reference of its own). Only
// SignatureFormat::sigstore. Throws NotFoundError, FetchError, ConfigError.
IMGTRUST_API std::vector<SignedManifest> sign_oci_layout(const std::string& layout_dir, const std::string& ref_name,
                                                         const DockerReference& identity, const SignSettings& settings);

// One run over a hangar image list (`hangar sign -f LIST`).
struct SignRun {
    std::size_t jobs = 1;
    validate::ReferenceOverrides overrides;  // --registry / --project
    // Each line that could not be signed (as written), in list order; nullptr: not written.
    std::ostream* failed_list = nullptr;
    // As validate::ValidationRun: when *stop becomes true (or the client is
    // cancelled) no new image starts and the rest is not-checked (failed).
    const std::atomic<bool>* stop = nullptr;
    std::function<std::string()> not_checked_reason;
    // Each image's result: passed (status verified) when signed, else
    // fetch-error with the error; as it finishes, then in list order.
    std::function<void(const validate::ImageReport&)> on_finished;
    std::function<void(const validate::ImageReport&)> on_in_order;
};

// Signs every list entry (after the overrides, with the default tag) on
// run.jobs threads; a failure of one image does not stop the others. Throws
// ConfigError for bad overrides. Returns the counts (passed = signed).
IMGTRUST_API validate::ReportSummary sign_list(const Client& client, std::istream& list, const SignSettings& settings,
                                               const SignRun& run);

}  // namespace imgtrust::signing
