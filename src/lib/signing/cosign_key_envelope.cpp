#include "signing/cosign_key_envelope.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sodium.h>

#include <rapidjson/document.h>

#include <initializer_list>

#include "imgtrust/errors.hpp"
#include "util/bytes.hpp"
#include "util/untrusted_json.hpp"

namespace imgtrust::signing {
namespace {

constexpr std::size_t key_size = crypto_secretbox_KEYBYTES;      // 32
constexpr std::size_t nonce_size = crypto_secretbox_NONCEBYTES;  // 24
constexpr std::size_t salt_size = 32;                            // go-securesystemslib's saltSize
constexpr std::size_t max_salt_size = 1024;
constexpr std::size_t max_envelope_bytes = 64 * 1024;  // a key of any supported type is a few KiB
// OpenSSL refuses scrypt beyond maxmem (default 32 MiB); the accepted sets need
// up to 128 * 8 * (2^17 + 2) bytes plus the small B buffer.
constexpr std::uint64_t scrypt_max_memory = 129ULL * 1024 * 1024;

// Wipes a secret when it goes out of scope.
struct Wipe {
    std::string& secret;
    ~Wipe() { OPENSSL_cleanse(secret.data(), secret.size()); }
};

std::string derive_key(std::string_view password, std::string_view salt, const ScryptParameters& parameters) {
    std::string key(key_size, '\0');
    if (EVP_PBE_scrypt(password.data(), password.size(), reinterpret_cast<const unsigned char*>(salt.data()), salt.size(),
                       parameters.n, parameters.r, parameters.p, scrypt_max_memory,
                       reinterpret_cast<unsigned char*>(key.data()), key.size()) != 1)
        throw ConfigError("scrypt key derivation failed (OpenSSL)");
    return key;
}

void ensure_sodium() {
    if (sodium_init() < 0) throw ConfigError("libsodium could not be initialised");
}

[[noreturn]] void malformed(std::string_view what, const std::string& why) {
    throw ConfigError("invalid encrypted private key in " + std::string(what) + ": " + why);
}

// An object with exactly the known members, each at most once (Go would take
// the last of duplicates and ignore unknown members; a key file has neither).
const rapidjson::Value& object_with(const rapidjson::Value& value, std::initializer_list<const char*> members,
                                    const std::string& where, std::string_view what) {
    if (!value.IsObject()) malformed(what, where + " is not an object");
    for (auto member = value.MemberBegin(); member != value.MemberEnd(); ++member) {
        std::string name(member->name.GetString(), member->name.GetStringLength());
        bool known = false;
        for (const char* expected : members) known |= name == expected;
        if (!known) malformed(what, where + " has an unknown member \"" + name.substr(0, 64) + "\"");
        for (auto other = member + 1; other != value.MemberEnd(); ++other)
            if (name == std::string_view(other->name.GetString(), other->name.GetStringLength()))
                malformed(what, where + " has \"" + name + "\" twice");
    }
    for (const char* expected : members)
        if (!value.HasMember(expected)) malformed(what, where + " has no \"" + expected + "\"");
    return value;
}

std::string string_of(const rapidjson::Value& object, const char* member, const std::string& where, std::string_view what) {
    const rapidjson::Value& value = object[member];
    if (!value.IsString()) malformed(what, where + "." + member + " is not a string");
    return {value.GetString(), value.GetStringLength()};
}

// Go encodes []byte as standard base64.
std::string bytes_of(const rapidjson::Value& object, const char* member, const std::string& where, std::string_view what) {
    auto decoded = util::base64_decode(string_of(object, member, where, what));
    if (!decoded) malformed(what, where + "." + member + " is not valid base64");
    return *decoded;
}

std::uint64_t unsigned_of(const rapidjson::Value& object, const char* member, std::string_view what) {
    const rapidjson::Value& value = object[member];
    if (!value.IsUint64()) malformed(what, std::string("kdf.params.") + member + " is not a non-negative integer");
    return value.GetUint64();
}

struct Envelope {
    ScryptParameters parameters{};
    std::string salt;
    std::string nonce;
    std::string ciphertext;
};

Envelope parse_envelope(std::string_view untrusted_envelope, std::string_view what) {
    rapidjson::Document document;
    util::JsonOptions options;
    options.limits.max_bytes = max_envelope_bytes;
    if (auto error = util::parse_untrusted_json(untrusted_envelope, document, options)) malformed(what, error->describe());
    const auto& root = object_with(document, {"kdf", "cipher", "ciphertext"}, "the envelope", what);
    const auto& kdf = object_with(root["kdf"], {"name", "params", "salt"}, "kdf", what);
    const auto& cipher = object_with(root["cipher"], {"name", "nonce"}, "cipher", what);
    if (std::string name = string_of(kdf, "name", "kdf", what); name != "scrypt")
        malformed(what, "unknown kdf \"" + name.substr(0, 64) + "\" (cosign uses \"scrypt\")");
    if (std::string name = string_of(cipher, "name", "cipher", what); name != "nacl/secretbox")
        malformed(what, "unknown cipher \"" + name.substr(0, 64) + "\" (cosign uses \"nacl/secretbox\")");
    const auto& params = object_with(kdf["params"], {"N", "r", "p"}, "kdf.params", what);
    Envelope envelope;
    envelope.parameters = {unsigned_of(params, "N", what), 0, 0};
    std::uint64_t r = unsigned_of(params, "r", what), p = unsigned_of(params, "p", what);
    envelope.parameters.r = static_cast<std::uint32_t>(std::min<std::uint64_t>(r, UINT32_MAX));
    envelope.parameters.p = static_cast<std::uint32_t>(std::min<std::uint64_t>(p, UINT32_MAX));
    if (!accepted_scrypt_parameters(envelope.parameters))
        malformed(what, "unsupported scrypt parameters N=" + std::to_string(envelope.parameters.n) + " r=" + std::to_string(r) +
                            " p=" + std::to_string(p) + " (cosign accepts N=32768, 65536 or 131072 with r=8, p=1)");
    envelope.salt = bytes_of(kdf, "salt", "kdf", what);
    if (envelope.salt.empty() || envelope.salt.size() > max_salt_size) malformed(what, "kdf.salt is empty or too long");
    envelope.nonce = bytes_of(cipher, "nonce", "cipher", what);
    if (envelope.nonce.size() != nonce_size) malformed(what, "cipher.nonce is not 24 bytes");
    envelope.ciphertext = bytes_of(root, "ciphertext", "the envelope", what);
    if (envelope.ciphertext.size() < crypto_secretbox_MACBYTES) malformed(what, "ciphertext is too short");
    return envelope;
}

}  // namespace

bool accepted_scrypt_parameters(const ScryptParameters& parameters) {
    bool known_n = parameters.n == 32768 || parameters.n == 65536 || parameters.n == 131072;
    return known_n && parameters.r == 8 && parameters.p == 1;
}

std::string seal_cosign_envelope(std::string_view plaintext, std::string_view password, const ScryptParameters& parameters) {
    ensure_sodium();
    std::string salt(salt_size, '\0'), nonce(nonce_size, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), static_cast<int>(salt.size())) != 1 ||
        RAND_bytes(reinterpret_cast<unsigned char*>(nonce.data()), static_cast<int>(nonce.size())) != 1)
        throw ConfigError("no random bytes for the key's salt and nonce (OpenSSL RAND_bytes failed)");
    std::string key = derive_key(password, salt, parameters);
    Wipe wipe_key{key};
    std::string ciphertext(plaintext.size() + crypto_secretbox_MACBYTES, '\0');
    crypto_secretbox_easy(reinterpret_cast<unsigned char*>(ciphertext.data()), reinterpret_cast<const unsigned char*>(plaintext.data()),
                          plaintext.size(), reinterpret_cast<const unsigned char*>(nonce.data()),
                          reinterpret_cast<const unsigned char*>(key.data()));
    // Go's json.Marshal of go-securesystemslib's struct: fields in declaration order.
    return R"({"kdf":{"name":"scrypt","params":{"N":)" + std::to_string(parameters.n) + R"(,"r":)" + std::to_string(parameters.r) +
           R"(,"p":)" + std::to_string(parameters.p) + R"(},"salt":")" + util::base64_encode(salt) +
           R"("},"cipher":{"name":"nacl/secretbox","nonce":")" + util::base64_encode(nonce) + R"("},"ciphertext":")" +
           util::base64_encode(ciphertext) + R"("})";
}

std::optional<std::string> open_cosign_envelope(std::string_view untrusted_envelope, std::string_view password, std::string_view what) {
    ensure_sodium();
    Envelope envelope = parse_envelope(untrusted_envelope, what);
    std::string key = derive_key(password, envelope.salt, envelope.parameters);
    Wipe wipe_key{key};
    std::string plaintext(envelope.ciphertext.size() - crypto_secretbox_MACBYTES, '\0');
    if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plaintext.data()),
                                   reinterpret_cast<const unsigned char*>(envelope.ciphertext.data()), envelope.ciphertext.size(),
                                   reinterpret_cast<const unsigned char*>(envelope.nonce.data()),
                                   reinterpret_cast<const unsigned char*>(key.data())) != 0)
        return std::nullopt;
    return plaintext;
}

}  // namespace imgtrust::signing
