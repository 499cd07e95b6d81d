#include "signing/gpg_signer.hpp"

#include <gpgme.h>
#include <openssl/crypto.h>

#include <memory>
#include <type_traits>

#include "imgtrust/errors.hpp"

namespace imgtrust::signing {
namespace {

constexpr std::size_t max_payload_bytes = 4 * 1024 * 1024;  // c/image reads at most 4 MiB per signature

struct ContextDeleter {
    void operator()(gpgme_ctx_t context) const { gpgme_release(context); }
};
struct DataDeleter {
    void operator()(gpgme_data_t data) const { gpgme_data_release(data); }
};
struct KeyDeleter {
    void operator()(gpgme_key_t key) const { gpgme_key_unref(key); }
};
using UniqueContext = std::unique_ptr<std::remove_pointer_t<gpgme_ctx_t>, ContextDeleter>;
using UniqueData = std::unique_ptr<std::remove_pointer_t<gpgme_data_t>, DataDeleter>;
using UniqueKey = std::unique_ptr<std::remove_pointer_t<gpgme_key_t>, KeyDeleter>;

[[noreturn]] void fail(const std::string& what, gpgme_error_t error) {
    throw ConfigError("GPG signing: " + what + ": " + gpgme_strerror(error));
}

UniqueContext open_context(const std::optional<std::string>& gnupg_home) {
    static const bool initialized = [] {
        gpgme_check_version(nullptr);
        return true;
    }();
    (void)initialized;
    gpgme_ctx_t raw = nullptr;
    if (gpgme_error_t error = gpgme_new(&raw)) fail("gpgme setup", error);
    UniqueContext context(raw);
    gpgme_error_t error = gpgme_set_protocol(raw, GPGME_PROTOCOL_OpenPGP);
    if (!error && gnupg_home) error = gpgme_ctx_set_engine_info(raw, GPGME_PROTOCOL_OpenPGP, nullptr, gnupg_home->c_str());
    if (error) fail("gpgme setup", error);
    gpgme_set_armor(raw, 0);
    gpgme_set_textmode(raw, 0);
    return context;
}

UniqueKey secret_key(gpgme_ctx_t context, const std::string& fingerprint, const std::optional<std::string>& gnupg_home) {
    gpgme_key_t raw = nullptr;
    gpgme_error_t error = gpgme_get_key(context, fingerprint.c_str(), &raw, 1);
    UniqueKey key(raw);
    std::string home = gnupg_home ? " in " + *gnupg_home : std::string(" in the GnuPG home");
    if (gpgme_err_code(error) == GPG_ERR_EOF || (!error && !key))
        throw ConfigError("GPG signing: no secret key " + fingerprint + home);
    if (error) fail("looking up secret key " + fingerprint + home, error);
    if (!key->can_sign) throw ConfigError("GPG signing: key " + fingerprint + " cannot sign (expired, revoked or not a signing key?)");
    return key;
}

struct PassphraseSource {
    const std::function<std::string()>* read;
    bool asked = false;
};

// gpgme's loopback callback: write the passphrase and a newline; a second
// request means the first was wrong.
gpgme_error_t write_passphrase(void* hook, const char*, const char*, int previous_was_bad, int fd) {
    auto* source = static_cast<PassphraseSource*>(hook);
    if (previous_was_bad || source->asked) return gpgme_error(GPG_ERR_BAD_PASSPHRASE);
    source->asked = true;
    std::string secret = (*source->read)() + "\n";
    bool written = gpgme_io_writen(fd, secret.data(), secret.size()) == 0;
    OPENSSL_cleanse(secret.data(), secret.size());
    return written ? 0 : gpgme_error(GPG_ERR_CANCELED);
}

}  // namespace

std::string gpg_sign_payload(std::string_view fingerprint, std::string_view payload, const std::optional<std::string>& gnupg_home,
                             const std::function<std::string()>& passphrase) {
    if (payload.size() > max_payload_bytes) throw ConfigError("GPG signing: the payload exceeds 4 MiB");
    const std::string key_name(fingerprint);
    if (key_name.empty()) throw ConfigError("GPG signing: no key fingerprint given");
    UniqueContext context = open_context(gnupg_home);
    UniqueKey key = secret_key(context.get(), key_name, gnupg_home);
    if (gpgme_error_t error = gpgme_signers_add(context.get(), key.get())) fail("selecting key " + key_name, error);
    PassphraseSource source{&passphrase};
    if (passphrase) {
        if (gpgme_error_t error = gpgme_set_pinentry_mode(context.get(), GPGME_PINENTRY_MODE_LOOPBACK)) fail("loopback pinentry", error);
        gpgme_set_passphrase_cb(context.get(), write_passphrase, &source);
    }
    gpgme_data_t input_raw = nullptr, output_raw = nullptr;
    if (gpgme_error_t error = gpgme_data_new_from_mem(&input_raw, payload.data(), payload.size(), 0)) fail("buffer", error);
    UniqueData input(input_raw);
    if (gpgme_error_t error = gpgme_data_new(&output_raw)) fail("buffer", error);
    UniqueData output(output_raw);
    gpgme_error_t error = gpgme_op_sign(context.get(), input.get(), output.get(), GPGME_SIG_MODE_NORMAL);
    if (gpgme_err_code(error) == GPG_ERR_BAD_PASSPHRASE) throw ConfigError("GPG signing: wrong passphrase for key " + key_name);
    if (error) fail("signing with key " + key_name, error);
    gpgme_sign_result_t result = gpgme_op_sign_result(context.get());
    if (!result || !result->signatures || result->invalid_signers)
        throw ConfigError("GPG signing: gpg made no signature with key " + key_name);
    std::size_t length = 0;
    char* bytes = gpgme_data_release_and_get_mem(output.release(), &length);
    std::string signature(bytes ? bytes : "", bytes ? length : 0);
    gpgme_free(bytes);
    if (signature.empty()) throw ConfigError("GPG signing: gpg returned an empty signature for key " + key_name);
    return signature;
}

}  // namespace imgtrust::signing
