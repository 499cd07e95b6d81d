// Signed-note checkpoints (c2sp.org/signed-note, c2sp.org/tlog-checkpoint):
// notes are written and signed here with OpenSSL, keys generated per test.
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <catch2/catch.hpp>

#include "signature/rejection.hpp"
#include "sigstore/checkpoint.hpp"
#include "util/bytes.hpp"

using imgtrust::signature::PublicKey;
using imgtrust::signature::SignatureRejected;
using imgtrust::sigstore::TransparencyLog;
using imgtrust::sigstore::verify_checkpoint;

namespace {

struct TestKey {
    std::shared_ptr<EVP_PKEY> pkey;
    std::string spki() const {
        unsigned char* der = nullptr;
        int length = i2d_PUBKEY(pkey.get(), &der);
        std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(length));
        OPENSSL_free(der);
        return out;
    }
    std::string sign(const std::string& message, bool ed25519) const {
        EVP_MD_CTX* context = EVP_MD_CTX_new();
        EVP_DigestSignInit_ex(context, nullptr, ed25519 ? nullptr : "SHA256", nullptr, nullptr, pkey.get(), nullptr);
        std::size_t length = 0;
        EVP_DigestSign(context, nullptr, &length, reinterpret_cast<const unsigned char*>(message.data()), message.size());
        std::string signature(length, '\0');
        EVP_DigestSign(context, reinterpret_cast<unsigned char*>(signature.data()), &length,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size());
        EVP_MD_CTX_free(context);
        signature.resize(length);
        return signature;
    }
    PublicKey public_key() const {
        EVP_PKEY_up_ref(pkey.get());
        return PublicKey(pkey.get());
    }
};

TestKey ed25519_key() { return {std::shared_ptr<EVP_PKEY>(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"), EVP_PKEY_free)}; }
TestKey p256_key() { return {std::shared_ptr<EVP_PKEY>(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), EVP_PKEY_free)}; }

std::string sha256(const std::string& bytes) {
    unsigned char out[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), out);
    return std::string(reinterpret_cast<char*>(out), sizeof out);
}

// c2sp.org/signed-note key IDs, computed here from the spec's formulas.
std::string ed25519_key_id(const std::string& name, const TestKey& key) {
    std::string spki = key.spki();
    return sha256(name + "\n\x01" + spki.substr(spki.size() - 32)).substr(0, 4);
}
std::string spki_key_id(const TestKey& key) { return sha256(key.spki()).substr(0, 4); }

std::string signature_line(const std::string& name, const std::string& key_id, const std::string& signature) {
    return "\xE2\x80\x94 " + name + " " + imgtrust::util::base64_encode(key_id + signature) + "\n";
}

TransparencyLog log_for(const TestKey& key, const std::string& base_url) {
    return TransparencyLog{base_url, "log-id", "", "", key.public_key(), {}, ""};
}

const std::string root_hash = std::string(32, '\x5a');
const std::string body = "log.example.org\n42\n" + imgtrust::util::base64_encode(root_hash) + "\n";

}  // namespace

TEST_CASE("checkpoint: an Ed25519 checkpoint signed by the log verifies, witness cosignatures are ignored") {
    TestKey log_key = ed25519_key(), witness = ed25519_key();
    std::string note = body + "\n" + signature_line("witness.example", ed25519_key_id("witness.example", witness), witness.sign(body, true)) +
                       signature_line("log.example.org", ed25519_key_id("log.example.org", log_key), log_key.sign(body, true));
    auto checkpoint = verify_checkpoint(note, log_for(log_key, "https://log.example.org"));
    CHECK(checkpoint.origin == "log.example.org");
    CHECK(checkpoint.tree_size == 42);
    CHECK(checkpoint.root_hash == root_hash);
}

TEST_CASE("checkpoint: a Rekor v1 checkpoint (origin \"host - tree id\", ECDSA) is matched by key ID") {
    TestKey log_key = p256_key();
    std::string v1_body = "rekor.example - 1193050959916656506\n7\n" + imgtrust::util::base64_encode(root_hash) + "\nTimestamp: 1\n";
    std::string note = v1_body + "\n" + signature_line("rekor.example", spki_key_id(log_key), log_key.sign(v1_body, false));
    auto checkpoint = verify_checkpoint(note, log_for(log_key, "https://rekor.example"));
    CHECK(checkpoint.tree_size == 7);
    CHECK(checkpoint.extension_lines == std::vector<std::string>{"Timestamp: 1"});
}

TEST_CASE("checkpoint: without the log's own signature the note is rejected") {
    TestKey log_key = ed25519_key(), other = ed25519_key();
    SECTION("only another key signed") {
        std::string note = body + "\n" + signature_line("log.example.org", ed25519_key_id("log.example.org", other), other.sign(body, true));
        CHECK_THROWS_WITH(verify_checkpoint(note, log_for(log_key, "https://log.example.org")), Catch::Contains("no signature by the log's key"));
    }
    SECTION("a bad key hint") {
        std::string note = body + "\n" + signature_line("log.example.org", "\x01\x02\x03\x04", log_key.sign(body, true));
        CHECK_THROWS_WITH(verify_checkpoint(note, log_for(log_key, "https://log.example.org")), Catch::Contains("no signature by the log's key"));
    }
    SECTION("the log's key ID under another name") {
        std::string note = body + "\n" + signature_line("elsewhere.example", ed25519_key_id("log.example.org", log_key), log_key.sign(body, true));
        CHECK_THROWS_AS(verify_checkpoint(note, log_for(log_key, "https://log.example.org")), SignatureRejected);
    }
    SECTION("a known key whose signature does not verify") {
        std::string bad = log_key.sign(body, true);
        bad[3] ^= 0x10;
        std::string note = body + "\n" + signature_line("log.example.org", ed25519_key_id("log.example.org", log_key), bad);
        CHECK_THROWS_WITH(verify_checkpoint(note, log_for(log_key, "https://log.example.org")), Catch::Contains("does not verify"));
    }
}

TEST_CASE("checkpoint: a body without origin, size or root hash is rejected") {
    TestKey log_key = ed25519_key();
    const std::string hash_line = imgtrust::util::base64_encode(root_hash) + "\n";
    for (const std::string& broken : std::vector<std::string>{std::string("42\n") + hash_line,                    // missing origin
                                      "log.example.org\n" + hash_line,                    // missing size
                                      std::string("log.example.org\n42\n"),               // missing root hash
                                      "log.example.org\nforty\n" + hash_line,             // size not decimal
                                      std::string("log.example.org\n42\nbm90IDMyIGJ5dGVz\n"),  // root hash not 32 bytes
                                      "other.example.org\n42\n" + hash_line}) {           // origin is not the log
        INFO(broken);
        std::string note = broken + "\n" + signature_line("log.example.org", ed25519_key_id("log.example.org", log_key), log_key.sign(broken, true));
        CHECK_THROWS_AS(verify_checkpoint(note, log_for(log_key, "https://log.example.org")), SignatureRejected);
    }
}

TEST_CASE("checkpoint: a body whose last line has no newline is read, not looped over (fuzz_tlog_parts finding)") {
    const std::string hash = imgtrust::util::base64_encode(root_hash);
    auto parsed = imgtrust::sigstore::parse_checkpoint_text("log.example.org\n42\n" + hash);
    CHECK(parsed.tree_size == 42);
    CHECK(parsed.root_hash == root_hash);
    CHECK_THROWS_AS(imgtrust::sigstore::parse_checkpoint_text(R"({"apiVersion":"0.0.1"})"), SignatureRejected);
}

TEST_CASE("checkpoint: the signed-note framing is enforced") {
    using imgtrust::sigstore::parse_signed_note;
    CHECK_THROWS_WITH(parse_signed_note("text\n\xE2\x80\x94 k AAAAAAA=\n"), Catch::Contains("no blank line"));
    CHECK_THROWS_WITH(parse_signed_note("text\n\n"), Catch::Contains("signature"));
    CHECK_THROWS_WITH(parse_signed_note("text\n\n- k AAAAAAA=\n"), Catch::Contains("does not start with"));
    CHECK_THROWS_WITH(parse_signed_note("text\n\n\xE2\x80\x94 k !!!\n"), Catch::Contains("not base64"));
    CHECK_THROWS_WITH(parse_signed_note("te\x01xt\n\n\xE2\x80\x94 k AAAAAAA=\n"), Catch::Contains("control character"));
    auto note = parse_signed_note("a\nb\n\n\xE2\x80\x94 name AQIDBAU=\n");
    CHECK(note.text == "a\nb\n");
    REQUIRE(note.signatures.size() == 1);
    CHECK(note.signatures[0].key_name == "name");
    CHECK(note.signatures[0].key_id == "\x01\x02\x03\x04");
    CHECK(note.signatures[0].signature == "\x05");
}

TEST_CASE("checkpoint: url_host takes the host of a base URL") {
    using imgtrust::sigstore::url_host;
    CHECK(url_host("https://log2025-1.rekor.sigstore.dev") == "log2025-1.rekor.sigstore.dev");
    CHECK(url_host("http://localhost:8000/api") == "localhost");
    CHECK(url_host("https://[::1]:3000") == "::1");
}
