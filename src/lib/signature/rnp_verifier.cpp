// The "rnp" OpenPGP engine: librnp verifies in-process, against keys loaded
// from memory into one RNP keyring ("GPG" format: binary or armored, several
// keys per blob). No GNUPGHOME, no gpg-agent, no process.
//
// RNP's verdict on a signature checks the cryptography and that the key was
// valid when it signed. gpg (and so c/image's gpgme mechanism) also rejects a
// signature by a key that is expired or revoked NOW (EXPKEYSIG, REVKEYSIG), or
// whose primary key is: those checks are made here, after RNP's verdict.
// Hash policy: gpg 2.2 accepts SHA-1 in data and key binding signatures, RNP
// 0.16 refuses SHA-1 made after 2019/2024; each keyring gets a rule that
// accepts SHA-1 as gpg does (docs/openpgp-engines.md). MD5 stays refused by both.
//
// Threads: an RNP ffi (keyring) is not documented as thread-safe, so one is
// used by one thread at a time. Each engine keeps a pool of ffis, each loaded
// from the same key blobs (at most default_handle_pool_capacity(), made on
// demand: a single thread only ever uses the first), so that one shared
// PolicyContext verifies on several cores at once. Chosen over one ffi
// behind a mutex: a verification takes ~1-3 ms of CPU (bench/README.md,
// openpgp-ffi-cost), which a mutex would serialise across every thread of a
// shared context; an extra ffi costs one key parse, made at most capacity-1
// times per requirement. On the 2-core, heavily shared build machine
// openpgp-ffi-cost's 4-thread figure did not separate the two (load noise).
#include "signature/rnp_verifier.hpp"

#include <rnp/rnp.h>
#include <rnp/rnp_err.h>

#include <algorithm>
#include <ctime>
#include <optional>

#include "imgtrust/errors.hpp"
#include "imgtrust/image.hpp"
#include "signature/handle_pool.hpp"
#include "signature/rejection.hpp"

namespace imgtrust::signature {
namespace {

template <typename Handle, rnp_result_t (*destroy)(Handle)>
struct RnpDeleter {
    void operator()(Handle handle) const { destroy(handle); }
};
template <typename Handle, rnp_result_t (*destroy)(Handle)>
using RnpHandle = std::unique_ptr<std::remove_pointer_t<Handle>, RnpDeleter<Handle, destroy>>;

using UniqueFfi = RnpHandle<rnp_ffi_t, rnp_ffi_destroy>;
using UniqueInput = RnpHandle<rnp_input_t, rnp_input_destroy>;
using UniqueOutput = RnpHandle<rnp_output_t, rnp_output_destroy>;
using UniqueKey = RnpHandle<rnp_key_handle_t, rnp_key_handle_destroy>;
using UniqueVerify = RnpHandle<rnp_op_verify_t, rnp_op_verify_destroy>;

// A string RNP allocated, copied and freed.
std::string take_string(char* raw) {
    std::string text = raw ? raw : "";
    rnp_buffer_destroy(raw);
    return text;
}

std::string rnp_message(rnp_result_t result) { return rnp_result_to_string(result); }

UniqueInput input_from_bytes(std::string_view bytes) {
    rnp_input_t input = nullptr;
    auto data = reinterpret_cast<const uint8_t*>(bytes.data());
    if (rnp_result_t result = rnp_input_from_memory(&input, data, bytes.size(), false))
        throw SignatureRejected("rnp: " + rnp_message(result));
    return UniqueInput(input);
}

bool key_flag(rnp_key_handle_t key, rnp_result_t (*query)(rnp_key_handle_t, bool*)) {
    bool value = false;
    return query(key, &value) == RNP_SUCCESS && value;
}

std::string key_fingerprint(rnp_key_handle_t key) {
    char* raw = nullptr;
    if (rnp_key_get_fprint(key, &raw) != RNP_SUCCESS) return "";
    return take_string(raw);
}

// gpg's view of a key at verification time: a signature by a revoked or
// expired key (or a subkey of one) is not good, whenever it was made; nor one
// by a key without a valid self-signature or binding. `role` is "key" or
// "primary key"; the words follow gpgme's summary ("key expired", "key revoked").
void require_usable_now(rnp_key_handle_t key, const std::string& role, const std::string& fingerprint) {
    const std::string which = ", key " + fingerprint;
    if (key_flag(key, rnp_key_is_revoked)) throw SignatureRejected("Invalid GPG signature: " + role + " revoked" + which);
    if (key_flag(key, rnp_key_is_expired)) throw SignatureRejected("Invalid GPG signature: " + role + " expired" + which);
    uint64_t valid_till = 0;
    if (!key_flag(key, rnp_key_is_valid) || rnp_key_valid_till64(key, &valid_till) != RNP_SUCCESS ||
        valid_till <= static_cast<uint64_t>(std::time(nullptr)))
        throw SignatureRejected("Invalid GPG signature: " + role + " not valid (no valid self-signature or binding)" + which);
}

// RNP's signature status in gpgme's words, so that reasons read the same with
// either engine; RNP reports a signature by a revoked or expired key as bad,
// so the key's state is added as gpgme's summary would give it.
std::string describe_status(rnp_result_t status, rnp_key_handle_t key) {
    std::string text;
    switch (status) {
    case RNP_ERROR_KEY_NOT_FOUND: text = std::string("status \"No public key\"") + (key ? "" : ", key missing"); break;
    case RNP_ERROR_SIGNATURE_INVALID: text = "status \"Bad signature\""; break;
    case RNP_ERROR_SIGNATURE_EXPIRED: text = "status \"Signature expired\", signature expired"; break;
    default: text = "status \"" + rnp_message(status) + "\"";
    }
    if (key && key_flag(key, rnp_key_is_revoked)) text += ", key revoked";
    if (key && key_flag(key, rnp_key_is_expired)) text += ", key expired";
    if (key) text += ", key " + key_fingerprint(key);
    return text;
}

// The ffi of one keyring: SHA-1 accepted as gpg 2.2 accepts it, nothing logged.
UniqueFfi create_ffi() {
    rnp_ffi_t raw = nullptr;
    if (rnp_result_t result = rnp_ffi_create(&raw, "GPG", "GPG"))
        throw ConfigError("rnp: creating a keyring: " + rnp_message(result));
    UniqueFfi ffi(raw);
    if (rnp_result_t result = rnp_add_security_rule(ffi.get(), RNP_FEATURE_HASH_ALG, "SHA1", RNP_SECURITY_OVERRIDE, 0,
                                                    RNP_SECURITY_DEFAULT))
        throw ConfigError("rnp: setting the SHA-1 rule: " + rnp_message(result));
    return ffi;
}

// One keyring holding every key of the engine's blobs. Like gpg --import:
// what can be read is imported, the rest skipped; data holding no key imports
// nothing (the policy's trust store then refuses the requirement).
struct RnpKeyring {
    UniqueFfi ffi;
    explicit RnpKeyring(const std::vector<std::string>& key_blobs) : ffi(create_ffi()) {
        for (const std::string& blob : key_blobs) import(blob);
    }
    void import(const std::string& blob) {
        UniqueInput input = input_from_bytes(blob);
        char* results = nullptr;
        rnp_import_keys(ffi.get(), input.get(), RNP_LOAD_SAVE_PUBLIC_KEYS | RNP_LOAD_SAVE_PERMISSIVE, &results);
        rnp_buffer_destroy(results);
    }
};

class RnpVerifier final : public OpenPgpVerifier {
public:
    explicit RnpVerifier(const std::vector<std::string>& key_blobs) {
        auto first = std::make_unique<RnpKeyring>(std::vector<std::string>{});
        for (const std::string& blob : key_blobs) {
            first->import(blob);
            collect_primary_keys(first->ffi.get());  // in import order, as gpgme lists them
        }
        keyrings_.emplace(default_handle_pool_capacity(), std::move(first),
                          [key_blobs] { return std::make_unique<RnpKeyring>(key_blobs); });
    }

    const std::vector<std::string>& trusted_fingerprints() const override { return trusted_; }

    OpenPgpVerifiedMessage verify_message(std::string_view untrusted_signature) const override {
        auto lease = keyrings_->acquire();
        return verify_with(lease->ffi.get(), untrusted_signature);
    }

private:
    std::vector<std::string> trusted_;
    std::optional<HandlePool<RnpKeyring>> keyrings_;

    void collect_primary_keys(rnp_ffi_t ffi);
    OpenPgpVerifiedMessage verify_with(rnp_ffi_t ffi, std::string_view untrusted_signature) const;
    OpenPgpVerifiedMessage check_signer(rnp_ffi_t ffi, rnp_op_verify_signature_t signature) const;
};

// Appends the primary keys the keyring holds that are not listed yet, so the
// list follows import order as gpgme's does. A key needs a valid user ID (gpg
// does not import a key without one) unless it is revoked or expired.
void RnpVerifier::collect_primary_keys(rnp_ffi_t ffi) {
    rnp_identifier_iterator_t iterator = nullptr;
    if (rnp_identifier_iterator_create(ffi, &iterator, "fingerprint") != RNP_SUCCESS) return;
    const char* fingerprint = nullptr;
    while (rnp_identifier_iterator_next(iterator, &fingerprint) == RNP_SUCCESS && fingerprint) {
        rnp_key_handle_t raw = nullptr;
        if (rnp_locate_key(ffi, "fingerprint", fingerprint, &raw) != RNP_SUCCESS || !raw) continue;
        UniqueKey key(raw);
        if (!key_flag(key.get(), rnp_key_is_primary)) continue;
        size_t uids = 0;
        bool has_valid_uid = false;
        rnp_key_get_uid_count(key.get(), &uids);
        for (size_t i = 0; i < uids && !has_valid_uid; ++i) {
            rnp_uid_handle_t uid = nullptr;
            if (rnp_key_get_uid_handle_at(key.get(), i, &uid) != RNP_SUCCESS) continue;
            bool valid = false;
            has_valid_uid = rnp_uid_is_valid(uid, &valid) == RNP_SUCCESS && valid;
            rnp_uid_handle_destroy(uid);
        }
        const bool listed = std::find(trusted_.begin(), trusted_.end(), fingerprint) != trusted_.end();
        if (!listed && (has_valid_uid || key_flag(key.get(), rnp_key_is_revoked) || key_flag(key.get(), rnp_key_is_expired)))
            trusted_.push_back(fingerprint);
    }
    rnp_identifier_iterator_destroy(iterator);
}

// An inline-signed message (one-pass signed, or clearsigned as gpg also takes
// it): exactly one signature, good, by a key usable now. Returns its content.
OpenPgpVerifiedMessage RnpVerifier::verify_with(rnp_ffi_t ffi, std::string_view untrusted_signature) const {
    UniqueInput input = input_from_bytes(untrusted_signature);
    rnp_output_t output_raw = nullptr;
    if (rnp_result_t result = rnp_output_to_memory(&output_raw, max_signature_bytes))
        throw SignatureRejected("rnp: " + rnp_message(result));
    UniqueOutput output(output_raw);
    rnp_op_verify_t verify_raw = nullptr;
    if (rnp_result_t result = rnp_op_verify_create(&verify_raw, ffi, input.get(), output.get()))
        throw SignatureRejected("rnp: " + rnp_message(result));
    UniqueVerify verify(verify_raw);
    const rnp_result_t executed = rnp_op_verify_execute(verify.get());
    // The memory output refuses to grow past max_signature_bytes: RNP then fails writing.
    if (executed == RNP_ERROR_WRITE)
        throw SignatureRejected("Invalid GPG signature: the signed content exceeds " + std::to_string(max_signature_bytes) +
                                " bytes");
    size_t count = 0;
    rnp_op_verify_get_signature_count(verify.get(), &count);
    if (count == 0 && executed != RNP_SUCCESS) throw SignatureRejected("Invalid GPG signature: " + rnp_message(executed));
    if (count != 1) throw SignatureRejected("Unexpected GPG signature count " + std::to_string(count));
    rnp_op_verify_signature_t signature = nullptr;
    if (rnp_result_t result = rnp_op_verify_get_signature_at(verify.get(), 0, &signature))
        throw SignatureRejected("rnp: " + rnp_message(result));
    OpenPgpVerifiedMessage message = check_signer(ffi, signature);
    if (executed != RNP_SUCCESS) throw SignatureRejected("Invalid GPG signature: " + rnp_message(executed));
    uint8_t* content = nullptr;
    size_t length = 0;
    if (rnp_result_t result = rnp_output_memory_get_buf(output.get(), &content, &length, false))
        throw SignatureRejected("rnp: " + rnp_message(result));
    message.signed_content.assign(reinterpret_cast<const char*>(content), length);
    return message;
}

// RNP's status of the one signature, then gpg's checks of its key and primary key.
OpenPgpVerifiedMessage RnpVerifier::check_signer(rnp_ffi_t ffi, rnp_op_verify_signature_t signature) const {
    rnp_key_handle_t key_raw = nullptr;
    rnp_op_verify_signature_get_key(signature, &key_raw);
    UniqueKey key(key_raw);
    const rnp_result_t status = rnp_op_verify_signature_get_status(signature);
    const std::string fingerprint = key ? key_fingerprint(key.get()) : "";
    if (status != RNP_SUCCESS)
        throw SignatureRejected(status == RNP_ERROR_KEY_NOT_FOUND ? RejectionKind::untrusted_signer : RejectionKind::invalid_signature,
                                "Invalid GPG signature: " + describe_status(status, key.get()));
    if (!key) throw SignatureRejected("Invalid GPG signature: key missing");
    OpenPgpVerifiedMessage message;
    message.signing_key = fingerprint;
    message.signing_primary = fingerprint;
    if (key_flag(key.get(), rnp_key_is_sub)) {
        char* primary_raw = nullptr;
        if (rnp_key_get_primary_fprint(key.get(), &primary_raw) != RNP_SUCCESS)
            throw SignatureRejected("Invalid GPG signature: subkey " + fingerprint + " has no primary key");
        message.signing_primary = take_string(primary_raw);
        rnp_key_handle_t primary_raw_key = nullptr;
        rnp_locate_key(ffi, "fingerprint", message.signing_primary.c_str(), &primary_raw_key);
        UniqueKey primary(primary_raw_key);
        if (!primary) throw SignatureRejected("Invalid GPG signature: the primary key of subkey " + fingerprint + " is missing");
        require_usable_now(primary.get(), "primary key", message.signing_primary);
    }
    require_usable_now(key.get(), "key", fingerprint);
    bool can_sign = false;
    if (rnp_key_allows_usage(key.get(), "sign", &can_sign) != RNP_SUCCESS || !can_sign)
        throw SignatureRejected("Invalid GPG signature: wrong key usage, key " + fingerprint);
    return message;
}

}  // namespace

std::unique_ptr<OpenPgpVerifier> make_rnp_verifier(const std::vector<std::string>& key_blobs) {
    return std::make_unique<RnpVerifier>(key_blobs);
}

}  // namespace imgtrust::signature
