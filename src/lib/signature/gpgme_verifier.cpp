// Simple signing (GPG) verification as c/image's gpgme mechanism does it: an
// ephemeral GNUPGHOME holding only the trusted keys, gpgme's verdict on the
// one signature, then the trusted-key check (a subkey counts as its primary
// key), then the strict payload parse, the digest rule and the identity rule.
#include "signature/gpg_keyring.hpp"

#include <gpgme.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "imgtrust/errors.hpp"
#include "imgtrust/image.hpp"
#include "signature/payload_json.hpp"
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

}  // namespace

struct GpgKeyring::Impl {
    std::string home;
    gpgme_ctx_t context = nullptr;
    std::vector<std::string> trusted;

    ~Impl() {
        if (context) gpgme_release(context);
        if (!home.empty()) remove_home();
    }

    // gpgme hands back results before the gpg process has removed its lock
    // files, so removal may race with it: retry for up to a second.
    void remove_home() const {
        for (int attempt = 0; attempt < 100; ++attempt) {
            std::error_code ignored;
            std::filesystem::remove_all(home, ignored);
            if (!std::filesystem::exists(home, ignored)) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }

    void create_context() {
        if (gpgme_error_t error = gpgme_new(&context)) throw ConfigError("gpgme: " + gpgme_message(error));
        gpgme_error_t error = gpgme_set_protocol(context, GPGME_PROTOCOL_OpenPGP);
        if (!error) error = gpgme_ctx_set_engine_info(context, GPGME_PROTOCOL_OpenPGP, nullptr, home.c_str());
        if (error) throw ConfigError("gpgme: configuring the OpenPGP engine: " + gpgme_message(error));
        gpgme_set_armor(context, 0);
        gpgme_set_textmode(context, 0);
        gpgme_set_offline(context, 1);
    }

    // Imports one blob; records the fingerprint of each key imported without error.
    void import_keys(const std::string& blob) {
        UniqueData data = data_from_bytes(blob);
        if (gpgme_error_t error = gpgme_op_import(context, data.get()))
            throw ConfigError("gpgme: importing keys: " + gpgme_message(error));
        gpgme_import_result_t result = gpgme_op_import_result(context);
        for (gpgme_import_status_t imported = result ? result->imports : nullptr; imported; imported = imported->next) {
            if (imported->result != 0 || imported->fpr == nullptr) continue;
            if (std::find(trusted.begin(), trusted.end(), imported->fpr) == trusted.end()) trusted.emplace_back(imported->fpr);
        }
    }

    bool is_trusted(const std::string& fingerprint) const {
        return std::find(trusted.begin(), trusted.end(), fingerprint) != trusted.end();
    }

    std::string verify_openpgp(std::string_view untrusted_signature, std::string& signing_key) const;
    std::string accepted_primary_key(const std::string& signing_key) const;
};

GpgKeyring::GpgKeyring(const std::vector<std::string>& key_blobs) : impl_(std::make_unique<Impl>()) {
    initialize_gpgme_once();
    impl_->home = make_private_home();
    forbid_agent_autostart(impl_->home);
    impl_->create_context();
    for (const std::string& blob : key_blobs) impl_->import_keys(blob);
}

GpgKeyring::~GpgKeyring() = default;

const std::vector<std::string>& GpgKeyring::trusted_fingerprints() const { return impl_->trusted; }

// gpgme's verification of an inline-signed message: exactly one signature,
// valid except for owner trust (which the policy replaces). Returns the signed content.
std::string GpgKeyring::Impl::verify_openpgp(std::string_view untrusted_signature, std::string& signing_key) const {
    UniqueData signed_data = data_from_bytes(untrusted_signature);
    BoundedSink sink;
    gpgme_data_t plain_raw = nullptr;
    if (gpgme_error_t error = gpgme_data_new_from_cbs(&plain_raw, &sink_callbacks, &sink))
        throw SignatureRejected("gpgme: " + gpgme_message(error));
    UniqueData plain(plain_raw);
    gpgme_error_t error = gpgme_op_verify(context, signed_data.get(), nullptr, plain.get());
    if (sink.overflowed)
        throw SignatureRejected("Invalid GPG signature: the signed content exceeds " + std::to_string(max_signature_bytes) + " bytes");
    if (error) throw SignatureRejected(gpgme_message(error));
    gpgme_verify_result_t result = gpgme_op_verify_result(context);
    std::size_t count = 0;
    for (gpgme_signature_t signature = result ? result->signatures : nullptr; signature; signature = signature->next) ++count;
    if (count != 1) throw SignatureRejected("Unexpected GPG signature count " + std::to_string(count));
    gpgme_signature_t signature = result->signatures;
    if (signature->status != 0 || signature->validity == GPGME_VALIDITY_NEVER || signature->validity_reason != 0 ||
        signature->wrong_key_usage)
        throw SignatureRejected("Invalid GPG signature: " + describe_signature(signature));
    signing_key = signature->fpr ? signature->fpr : "";
    return std::move(sink.bytes);
}

// The trusted primary key for the key that signed: itself, or the primary key of a subkey.
std::string GpgKeyring::Impl::accepted_primary_key(const std::string& signing_key) const {
    if (is_trusted(signing_key)) return signing_key;
    gpgme_key_t key_raw = nullptr;
    if (gpgme_error_t error = gpgme_get_key(context, signing_key.c_str(), &key_raw, 0))
        throw SignatureRejected("looking up key " + signing_key + ": " + gpgme_message(error));
    std::unique_ptr<std::remove_pointer_t<gpgme_key_t>, KeyDeleter> key(key_raw);
    std::string primary = key->subkeys && key->subkeys->fpr ? key->subkeys->fpr : "";
    if (!is_trusted(primary))
        throw SignatureRejected("signature by key " + signing_key + " of " + primary + " is not accepted");
    return primary;
}

VerifiedPayload GpgKeyring::verify(std::string_view untrusted_signature, const PayloadAcceptanceRules& rules) const {
    std::string signing_key;
    std::string signed_content = impl_->verify_openpgp(untrusted_signature, signing_key);
    std::string primary = impl_->accepted_primary_key(signing_key);
    UntrustedPayloadContent content = parse_untrusted_payload(signed_content, simple_signing_type, OptionalSection::must_be_object);
    rules.validate_signed_docker_manifest_digest(content.untrusted_docker_manifest_digest);
    rules.validate_signed_docker_reference(content.untrusted_docker_reference);
    return VerifiedPayload{content.untrusted_docker_manifest_digest, content.untrusted_docker_reference, primary};
}

}  // namespace imgtrust::signature
