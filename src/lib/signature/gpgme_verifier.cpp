// The "gpgme" OpenPGP engine, as c/image's gpgme mechanism: an ephemeral
// GNUPGHOME holding only the trusted keys, and gpgme's verdict on the one
// signature. Every operation runs a gpg process.
//
// Threads: a gpgme context may be used by one thread at a time, but separate
// contexts may run at once (gpgme is thread-safe since 1.x). The keys are
// imported once into the engine's GNUPGHOME; verifications take a context
// from a pool over that one home (at most default_handle_pool_capacity(), made
// on demand), so up to that many gpg processes read its keyring at once;
// nothing is written to the home after the import (gpg's own dotlocks guard
// its files). tests/unit/policy/shared_context_test.cpp checks that 16
// threads sharing one engine get the single-threaded verdicts.
#include "signature/gpgme_verifier.hpp"

#include <gpgme.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include "imgtrust/errors.hpp"
#include "imgtrust/image.hpp"
#include "signature/handle_pool.hpp"
#include "signature/rejection.hpp"

namespace imgtrust::signature {
namespace {

struct DataDeleter {
    void operator()(gpgme_data_t data) const { gpgme_data_release(data); }
};
using UniqueData = std::unique_ptr<std::remove_pointer_t<gpgme_data_t>, DataDeleter>;
struct KeyDeleter {
    void operator()(gpgme_key_t key) const { gpgme_key_unref(key); }
};

std::string gpgme_message(gpgme_error_t error) { return gpgme_strerror(error); }

// A signature by a key that is not in the trusted keyring: untrusted, not malformed.
RejectionKind kind_of(gpgme_error_t error) {
    return gpgme_err_code(error) == GPG_ERR_NO_PUBKEY ? RejectionKind::untrusted_signer : RejectionKind::invalid_signature;
}

void initialize_gpgme_once() {
    static const bool initialized = [] {
        gpgme_check_version(nullptr);
        return true;
    }();
    (void)initialized;
    if (gpgme_error_t error = gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP))
        throw ConfigError("gpgme: no usable OpenPGP engine: " + gpgme_message(error));
}

std::string make_private_home() {
    const char* tmpdir = std::getenv("TMPDIR");
    std::string pattern = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/imgtrust-gpg-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr)
        throw ConfigError("creating a temporary GNUPGHOME in " + pattern + ": " + std::strerror(errno));
    return pattern;
}

// Importing public keys and verifying need no gpg-agent, but gpg would start
// one (to probe for secret keys) that outlives the removed home directory.
void forbid_agent_autostart(const std::string& home) {
    std::ofstream config(home + "/gpg.conf");
    config << "no-autostart\n";
    if (!config.flush()) throw ConfigError("writing " + home + "/gpg.conf failed");
}

UniqueData data_from_bytes(std::string_view bytes) {
    gpgme_data_t data = nullptr;
    if (gpgme_error_t error = gpgme_data_new_from_mem(&data, bytes.data(), bytes.size(), 0))
        throw SignatureRejected("gpgme: " + gpgme_message(error));
    return UniqueData(data);
}

// Receives the signed content, refusing more than max_signature_bytes.
struct BoundedSink {
    std::string bytes;
    bool overflowed = false;
};

ssize_t write_to_sink(void* handle, const void* buffer, size_t size) {
    auto* sink = static_cast<BoundedSink*>(handle);
    if (sink->bytes.size() + size > max_signature_bytes) {
        sink->overflowed = true;
        errno = EFBIG;
        return -1;
    }
    sink->bytes.append(static_cast<const char*>(buffer), size);
    return static_cast<ssize_t>(size);
}

gpgme_data_cbs sink_callbacks = {nullptr, write_to_sink, nullptr, nullptr};

// A readable account of what gpgme said about a signature that is not valid.
std::string describe_signature(gpgme_signature_t signature) {
    std::string text = "status \"" + gpgme_message(signature->status) + "\"";
    if (signature->summary & GPGME_SIGSUM_KEY_EXPIRED) text += ", key expired";
    if (signature->summary & GPGME_SIGSUM_SIG_EXPIRED) text += ", signature expired";
    if (signature->summary & GPGME_SIGSUM_KEY_REVOKED) text += ", key revoked";
    if (signature->summary & GPGME_SIGSUM_KEY_MISSING) text += ", key missing";
    if (signature->summary & GPGME_SIGSUM_RED) text += ", bad";
    if (signature->wrong_key_usage) text += ", wrong key usage";
    if (signature->validity == GPGME_VALIDITY_NEVER) text += ", validity never";
    if (signature->validity_reason) text += ", validity reason \"" + gpgme_message(signature->validity_reason) + "\"";
    text += ", key " + std::string(signature->fpr ? signature->fpr : "(unknown)");
    return text;
}

// One gpgme context over the engine's GNUPGHOME.
struct GpgmeContext {
    gpgme_ctx_t context = nullptr;
    explicit GpgmeContext(const std::string& home) {
        if (gpgme_error_t error = gpgme_new(&context)) throw ConfigError("gpgme: " + gpgme_message(error));
        gpgme_error_t error = gpgme_set_protocol(context, GPGME_PROTOCOL_OpenPGP);
        if (!error) error = gpgme_ctx_set_engine_info(context, GPGME_PROTOCOL_OpenPGP, nullptr, home.c_str());
        if (error) {
            gpgme_release(context);
            throw ConfigError("gpgme: configuring the OpenPGP engine: " + gpgme_message(error));
        }
        gpgme_set_armor(context, 0);
        gpgme_set_textmode(context, 0);
        gpgme_set_offline(context, 1);
    }
    ~GpgmeContext() { gpgme_release(context); }
    GpgmeContext(const GpgmeContext&) = delete;
    GpgmeContext& operator=(const GpgmeContext&) = delete;
};

class GpgmeVerifier final : public OpenPgpVerifier {
public:
    explicit GpgmeVerifier(const std::vector<std::string>& key_blobs) {
        initialize_gpgme_once();
        home_ = make_private_home();
        try {
            forbid_agent_autostart(home_);
            auto importer = std::make_unique<GpgmeContext>(home_);
            for (const std::string& blob : key_blobs) import_keys(importer->context, blob);
            contexts_.emplace(default_handle_pool_capacity(), std::move(importer),
                              [home = home_] { return std::make_unique<GpgmeContext>(home); });
        } catch (...) {
            remove_home();
            throw;
        }
    }
    ~GpgmeVerifier() override {
        contexts_.reset();
        remove_home();
    }
    GpgmeVerifier(const GpgmeVerifier&) = delete;
    GpgmeVerifier& operator=(const GpgmeVerifier&) = delete;

    const std::vector<std::string>& trusted_fingerprints() const override { return trusted_; }

    OpenPgpVerifiedMessage verify_message(std::string_view untrusted_signature) const override {
        auto lease = contexts_->acquire();
        OpenPgpVerifiedMessage message;
        message.signed_content = verify_openpgp(lease->context, untrusted_signature, message.signing_key);
        message.signing_primary = primary_key_of(lease->context, message.signing_key);
        return message;
    }

private:
    std::string home_;
    std::vector<std::string> trusted_;
    std::optional<HandlePool<GpgmeContext>> contexts_;

    // gpgme hands back results before the gpg process has removed its lock
    // files, so removal may race with it: retry for up to a second.
    void remove_home() const {
        for (int attempt = 0; attempt < 100; ++attempt) {
            std::error_code ignored;
            std::filesystem::remove_all(home_, ignored);
            if (!std::filesystem::exists(home_, ignored)) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }

    // Imports one blob; records the fingerprint of each key imported without error.
    void import_keys(gpgme_ctx_t context, const std::string& blob) {
        UniqueData data = data_from_bytes(blob);
        if (gpgme_error_t error = gpgme_op_import(context, data.get()))
            throw ConfigError("gpgme: importing keys: " + gpgme_message(error));
        gpgme_import_result_t result = gpgme_op_import_result(context);
        for (gpgme_import_status_t imported = result ? result->imports : nullptr; imported; imported = imported->next) {
            if (imported->result != 0 || imported->fpr == nullptr) continue;
            if (std::find(trusted_.begin(), trusted_.end(), imported->fpr) == trusted_.end()) trusted_.emplace_back(imported->fpr);
        }
    }

    std::string verify_openpgp(gpgme_ctx_t context, std::string_view untrusted_signature, std::string& signing_key) const;
    std::string primary_key_of(gpgme_ctx_t context, const std::string& signing_key) const;
};

// gpgme's verification of an inline-signed message: exactly one signature,
// valid except for owner trust (which the policy replaces). Returns the signed content.
std::string GpgmeVerifier::verify_openpgp(gpgme_ctx_t context, std::string_view untrusted_signature,
                                          std::string& signing_key) const {
    UniqueData signed_data = data_from_bytes(untrusted_signature);
    BoundedSink sink;
    gpgme_data_t plain_raw = nullptr;
    if (gpgme_error_t error = gpgme_data_new_from_cbs(&plain_raw, &sink_callbacks, &sink))
        throw SignatureRejected("gpgme: " + gpgme_message(error));
    UniqueData plain(plain_raw);
    gpgme_error_t error = gpgme_op_verify(context, signed_data.get(), nullptr, plain.get());
    if (sink.overflowed)
        throw SignatureRejected("Invalid GPG signature: the signed content exceeds " + std::to_string(max_signature_bytes) + " bytes");
    if (error) throw SignatureRejected(kind_of(error), gpgme_message(error));
    gpgme_verify_result_t result = gpgme_op_verify_result(context);
    std::size_t count = 0;
    for (gpgme_signature_t signature = result ? result->signatures : nullptr; signature; signature = signature->next) ++count;
    if (count != 1) throw SignatureRejected("Unexpected GPG signature count " + std::to_string(count));
    gpgme_signature_t signature = result->signatures;
    if (signature->status != 0 || signature->validity == GPGME_VALIDITY_NEVER || signature->validity_reason != 0 ||
        signature->wrong_key_usage)
        throw SignatureRejected(kind_of(signature->status) == RejectionKind::untrusted_signer ? RejectionKind::untrusted_signer
                                                                                              : kind_of(signature->validity_reason),
                                "Invalid GPG signature: " + describe_signature(signature));
    signing_key = signature->fpr ? signature->fpr : "";
    return std::move(sink.bytes);
}

// The primary key of the key that signed: itself when it is a trusted primary
// key (no lookup, no gpg process), else the first subkey entry of its keyblock.
std::string GpgmeVerifier::primary_key_of(gpgme_ctx_t context, const std::string& signing_key) const {
    if (std::find(trusted_.begin(), trusted_.end(), signing_key) != trusted_.end()) return signing_key;
    gpgme_key_t key_raw = nullptr;
    if (gpgme_error_t error = gpgme_get_key(context, signing_key.c_str(), &key_raw, 0))
        throw SignatureRejected(kind_of(error), "looking up key " + signing_key + ": " + gpgme_message(error));
    std::unique_ptr<std::remove_pointer_t<gpgme_key_t>, KeyDeleter> key(key_raw);
    return key->subkeys && key->subkeys->fpr ? key->subkeys->fpr : "";
}

}  // namespace

std::unique_ptr<OpenPgpVerifier> make_gpgme_verifier(const std::vector<std::string>& key_blobs) {
    return std::make_unique<GpgmeVerifier>(key_blobs);
}

}  // namespace imgtrust::signature
