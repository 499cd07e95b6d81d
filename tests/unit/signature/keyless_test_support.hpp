// Helpers for the keyless tests: the c/image cosign fixtures copied to
// tests/fixtures/keyless/cimage, and an in-memory ECDSA P-256 key that signs
// test SETs (the role of c/image's testSigner).
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <string>

#include "signature/public_key.hpp"
#include "signature_fixtures.hpp"
#include "util/bytes.hpp"

namespace keyless_test {

inline std::string cimage(const std::string& name) { return signature_test::read_fixture("keyless/cimage/" + name); }
inline std::string keyless(const std::string& name) { return signature_test::read_fixture("keyless/" + name); }

inline std::vector<imgtrust::signature::PublicKey> pem_keys(const std::string& pem) {
    return imgtrust::signature::load_public_keys_pem(pem, "test key");
}

class TestSigner {
public:
    TestSigner() : key_(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), EVP_PKEY_free) {}
    imgtrust::signature::PublicKey public_key() const {
        EVP_PKEY_up_ref(key_.get());
        return imgtrust::signature::PublicKey(key_.get());
    }
    // ECDSA (ASN.1 DER) over SHA-256 of message.
    std::string sign(const std::string& message) const {
        std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
        EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, key_.get());
        std::size_t length = 0;
        EVP_DigestSign(context.get(), nullptr, &length, reinterpret_cast<const unsigned char*>(message.data()), message.size());
        std::string signature(length, '\0');
        EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size());
        signature.resize(length);
        return signature;
    }
    // A SET over `canonical_payload`, which the caller writes in canonical form.
    std::string set_over(const std::string& canonical_payload) const {
        return R"({"SignedEntryTimestamp":")" + imgtrust::util::base64_encode(sign(canonical_payload)) + R"(","Payload":)" +
               canonical_payload + "}";
    }

private:
    std::shared_ptr<EVP_PKEY> key_;
};

}  // namespace keyless_test
