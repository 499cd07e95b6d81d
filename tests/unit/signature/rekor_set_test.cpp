// Rekor SETs, with the cases of c/image's signature/internal/rekor_set_test.go:
// a real cosign SET, then SETs signed by a test key whose hashedrekord body is
// broken one way at a time.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <catch2/catch.hpp>
#include <functional>

#include "keyless_test_support.hpp"
#include "signature/rejection.hpp"
#include "signature/rekor_set.hpp"
#include "util/bytes.hpp"

using imgtrust::signature::SignatureRejected;
using imgtrust::signature::verify_rekor_set;
using namespace keyless_test;

namespace {

struct CosignVectors {
    std::string set = cimage("rekor-set");
    std::string certificate = cimage("internal-rekor-cert");
    std::string signature = cimage("rekor-sig");
    std::string payload = cimage("rekor-payload");
    std::vector<imgtrust::signature::PublicKey> rekor_keys = pem_keys(cimage("rekor.pub"));
};

std::string rejection_of(const std::function<void()>& verify) {
    try {
        verify();
    } catch (const SignatureRejected& e) {
        return e.what();
    }
    return "";
}

using Mutation = std::function<void(rapidjson::Document&)>;

// The valid hashedrekord body of c/image's test, as a document to mutate.
rapidjson::Document valid_hashedrekord(const CosignVectors& v) {
    std::string raw_signature = *imgtrust::util::base64_decode(v.signature);
    std::string body = R"({"apiVersion":"0.0.1","kind":"hashedrekord","spec":{"data":{"hash":{"algorithm":"sha256","value":")" +
                       imgtrust::util::sha256_hex(v.payload) + R"("}},"signature":{"content":")" +
                       imgtrust::util::base64_encode(raw_signature) + R"(","publicKey":{"content":")" +
                       imgtrust::util::base64_encode(v.certificate) + R"("}}}})";
    rapidjson::Document document;
    document.Parse(body.c_str());
    return document;
}

std::string serialized(const rapidjson::Value& value) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    value.Accept(writer);
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::string set_with_body(const TestSigner& signer, const std::string& body_json) {
    return signer.set_over(R"({"body":")" + imgtrust::util::base64_encode(body_json) +
                           R"(","integratedTime":1,"logID":"logID","logIndex":2})");
}

rapidjson::Value& at(rapidjson::Document& d, std::initializer_list<const char*> path) {
    rapidjson::Value* value = &d;
    for (const char* key : path) value = &(*value)[key];
    return *value;
}

void set_string(rapidjson::Document& d, std::initializer_list<const char*> path, const char* key, const std::string& text) {
    at(d, path)[key].SetString(text.c_str(), static_cast<rapidjson::SizeType>(text.size()), d.GetAllocator());
}

// The body breakages of c/image's TestVerifyRekorSET, one at a time.
std::vector<std::pair<std::string, Mutation>> hashedrekord_mutations(const CosignVectors& v) {
    std::string other_pem = imgtrust::signature::public_key_pem(TestSigner().public_key());
    return {
        {"missing apiVersion", [](auto& d) { d.RemoveMember("apiVersion"); }},
        {"missing kind", [](auto& d) { d.RemoveMember("kind"); }},
        {"missing spec", [](auto& d) { d.RemoveMember("spec"); }},
        {"apiVersion null", [](auto& d) { d["apiVersion"].SetNull(); }},
        {"apiVersion 1", [](auto& d) { d["apiVersion"].SetInt(1); }},
        {"apiVersion {}", [](auto& d) { d["apiVersion"].SetObject(); }},
        {"apiVersion 99.0.99", [](auto& d) { set_string(d, {}, "apiVersion", "99.0.99"); }},
        {"kind null", [](auto& d) { d["kind"].SetNull(); }},
        {"kind 1", [](auto& d) { d["kind"].SetInt(1); }},
        {"kind notHashedRekord", [](auto& d) { set_string(d, {}, "kind", "notHashedRekord"); }},
        {"spec null", [](auto& d) { d["spec"].SetNull(); }},
        {"spec 1", [](auto& d) { d["spec"].SetInt(1); }},
        {"missing spec.data", [](auto& d) { at(d, {"spec"}).RemoveMember("data"); }},
        {"missing spec.signature", [](auto& d) { at(d, {"spec"}).RemoveMember("signature"); }},
        {"spec.data null", [](auto& d) { at(d, {"spec", "data"}).SetNull(); }},
        {"spec.data 1", [](auto& d) { at(d, {"spec", "data"}).SetInt(1); }},
        {"missing spec.data.hash", [](auto& d) { at(d, {"spec", "data"}).RemoveMember("hash"); }},
        {"spec.data.hash null", [](auto& d) { at(d, {"spec", "data", "hash"}).SetNull(); }},
        {"spec.data.hash 1", [](auto& d) { at(d, {"spec", "data", "hash"}).SetInt(1); }},
        {"missing algorithm", [](auto& d) { at(d, {"spec", "data", "hash"}).RemoveMember("algorithm"); }},
        {"missing value", [](auto& d) { at(d, {"spec", "data", "hash"}).RemoveMember("value"); }},
        {"algorithm null", [](auto& d) { at(d, {"spec", "data", "hash", "algorithm"}).SetNull(); }},
        {"algorithm 1", [](auto& d) { at(d, {"spec", "data", "hash", "algorithm"}).SetInt(1); }},
        {"value null", [](auto& d) { at(d, {"spec", "data", "hash", "value"}).SetNull(); }},
        {"value 1", [](auto& d) { at(d, {"spec", "data", "hash", "value"}).SetInt(1); }},
        {"value odd length", [](auto& d) { set_string(d, {"spec", "data", "hash"}, "value", std::string(63, 'a')); }},
        {"value does not match", [](auto& d) { set_string(d, {"spec", "data", "hash"}, "value", std::string(64, 'a')); }},
        {"sha512", [v, other_pem](auto& d) {
             set_string(d, {"spec", "data", "hash"}, "algorithm", "sha512");
             set_string(d, {"spec", "data", "hash"}, "value", std::string(128, 'b'));
         }},
        {"signature null", [](auto& d) { at(d, {"spec", "signature"}).SetNull(); }},
        {"signature 1", [](auto& d) { at(d, {"spec", "signature"}).SetInt(1); }},
        {"missing signature.content", [](auto& d) { at(d, {"spec", "signature"}).RemoveMember("content"); }},
        {"missing signature.publicKey", [](auto& d) { at(d, {"spec", "signature"}).RemoveMember("publicKey"); }},
        {"signature.content null", [](auto& d) { at(d, {"spec", "signature", "content"}).SetNull(); }},
        {"signature.content 1", [](auto& d) { at(d, {"spec", "signature", "content"}).SetInt(1); }},
        {"signature.content empty", [](auto& d) { set_string(d, {"spec", "signature"}, "content", ""); }},
        {"signature.content invalid base64", [](auto& d) { set_string(d, {"spec", "signature"}, "content", "+"); }},
        {"signature.content other", [](auto& d) {
             set_string(d, {"spec", "signature"}, "content", imgtrust::util::base64_encode("does not match"));
         }},
        {"publicKey null", [](auto& d) { at(d, {"spec", "signature", "publicKey"}).SetNull(); }},
        {"publicKey 1", [](auto& d) { at(d, {"spec", "signature", "publicKey"}).SetInt(1); }},
        {"missing publicKey.content", [](auto& d) { at(d, {"spec", "signature", "publicKey"}).RemoveMember("content"); }},
        {"publicKey.content null", [](auto& d) { at(d, {"spec", "signature", "publicKey", "content"}).SetNull(); }},
        {"publicKey.content 1", [](auto& d) { at(d, {"spec", "signature", "publicKey", "content"}).SetInt(1); }},
        {"publicKey.content empty", [](auto& d) { set_string(d, {"spec", "signature", "publicKey"}, "content", ""); }},
        {"publicKey.content invalid base64", [](auto& d) { set_string(d, {"spec", "signature", "publicKey"}, "content", "+"); }},
        {"publicKey.content not PEM", [](auto& d) {
             set_string(d, {"spec", "signature", "publicKey"}, "content", imgtrust::util::base64_encode("not PEM"));
         }},
        {"publicKey.content two PEM blocks", [v, other_pem](auto& d) {
             set_string(d, {"spec", "signature", "publicKey"}, "content", imgtrust::util::base64_encode(v.certificate + v.certificate));
         }},
        {"publicKey.content another key", [v, other_pem](auto& d) {
             set_string(d, {"spec", "signature", "publicKey"}, "content", imgtrust::util::base64_encode(other_pem));
         }},
    };
}

}  // namespace

TEST_CASE("a cosign-made Rekor SET verifies and yields its integrated time") {
    CosignVectors v;
    auto verified = verify_rekor_set(v.rekor_keys, v.set, v.certificate, v.signature, v.payload);
    CHECK(verified.integrated_time == 1670870899);
    CHECK(verified.log_index == 8949589);
    CHECK(verified.log_id == "c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d");
    TestSigner unrelated;
    for (auto keys : {std::vector{v.rekor_keys.front(), unrelated.public_key()}, std::vector{unrelated.public_key(), v.rekor_keys.front()}})
        CHECK(verify_rekor_set(keys, v.set, v.certificate, v.signature, v.payload).integrated_time == 1670870899);
}

TEST_CASE("an invalid or untrusted SET is rejected") {
    CosignVectors v;
    TestSigner test_key, other_key;
    auto verify = [&](const std::vector<imgtrust::signature::PublicKey>& keys, const std::string& set) {
        return rejection_of([&] { verify_rekor_set(keys, set, v.certificate, v.signature, v.payload); });
    };
    CHECK_FALSE(verify(v.rekor_keys, "").empty());
    CHECK_FALSE(verify(v.rekor_keys, "invalid signature").empty());
    CHECK(verify(v.rekor_keys, "1").find("JSON object expected") != std::string::npos);
    CHECK(verify(v.rekor_keys, R"({"Payload":{}})").find("\"SignedEntryTimestamp\" missing") != std::string::npos);
    CHECK(verify(v.rekor_keys, R"({"SignedEntryTimestamp":"AA=="})").find("\"Payload\" missing") != std::string::npos);
    CHECK(verify(v.rekor_keys, R"({"SignedEntryTimestamp":"AA==","Payload":{},"unexpected":1})").find("Unknown key") != std::string::npos);
    CHECK(verify(v.rekor_keys, R"({"SignedEntryTimestamp":1,"Payload":{}})").find("cannot unmarshal number") != std::string::npos);
    CHECK(verify(v.rekor_keys, R"({"SignedEntryTimestamp":"AA==","SignedEntryTimestamp":"AA==","Payload":{}})").find("Duplicate key") != std::string::npos);
    // Canonicalization fails: duplicate keys in a correctly signed payload.
    std::string duplicate = R"({"logIndex":1, "integratedTime":2,"body":"abc","logID":"def","body":"ABC"})";
    CHECK(verify({test_key.public_key()}, test_key.set_over(duplicate)).find("canonicalizing Rekor SET JSON") != std::string::npos);
    // Signed by keys that are not trusted.
    for (auto keys : {std::vector{test_key.public_key()}, std::vector{test_key.public_key(), other_key.public_key()}})
        CHECK(verify(keys, v.set).find("cryptographic signature verification of Rekor SET failed") != std::string::npos);
    // A tampered integratedTime no longer matches the signature.
    std::string tampered = v.set;
    tampered.replace(tampered.find("1670870899"), 10, "1670870898");
    CHECK(verify(v.rekor_keys, tampered).find("cryptographic signature verification of Rekor SET failed") != std::string::npos);
    // The verified payload must have exactly the four fields, of the right types.
    for (const char* payload : {"{}", R"({"body":"e30=","integratedTime":1,"logID":"a"})",
                                R"({"body":"e30=","integratedTime":1,"logID":"a","logIndex":2,"unexpected":1})",
                                R"({"body":1,"integratedTime":1,"logID":"a","logIndex":2})",
                                R"({"body":"e30=","integratedTime":"hello","logID":"a","logIndex":2})",
                                R"({"body":"e30=","integratedTime":1,"logID":"a","logIndex":"hello"})",
                                R"({"body":"e30=","integratedTime":1,"logID":1,"logIndex":2})",
                                R"({"body":"e30=","integratedTime":1.5,"logID":"a","logIndex":2})"}) {
        INFO(payload);
        CHECK_FALSE(verify({test_key.public_key()}, test_key.set_over(payload)).empty());
    }
}

TEST_CASE("a correctly signed SET whose hashedrekord body is invalid or names something else is rejected") {
    CosignVectors v;
    TestSigner signer;
    auto rejection = [&](const Mutation& mutate) {
        rapidjson::Document body = valid_hashedrekord(v);
        mutate(body);
        std::string set = set_with_body(signer, serialized(body));
        return rejection_of([&] { verify_rekor_set({signer.public_key()}, set, v.certificate, v.signature, v.payload); });
    };
    REQUIRE(rejection([](rapidjson::Document&) {}).empty());
    const auto mutations = hashedrekord_mutations(v);
    for (const auto& [name, mutate] : mutations) {
        INFO(name);
        CHECK_FALSE(rejection(mutate).empty());
    }
}

TEST_CASE("Go's JSON decoding of the hashedrekord body: field names match case-insensitively") {
    CosignVectors v;
    TestSigner signer;
    rapidjson::Document body = valid_hashedrekord(v);
    std::string text = serialized(body);
    text.replace(text.find("\"apiVersion\""), 12, "\"APIVERSION\"");
    text.replace(text.find("\"kind\""), 6, "\"Kind\"");
    std::string set = set_with_body(signer, text);
    CHECK(verify_rekor_set({signer.public_key()}, set, v.certificate, v.signature, v.payload).integrated_time == 1);
}

TEST_CASE("the signature, key or certificate and payload checked against a SET must be well-formed and the same") {
    CosignVectors v;
    auto verify = [&](const std::string& certificate, const std::string& signature, const std::string& payload) {
        return rejection_of([&] { verify_rekor_set(v.rekor_keys, v.set, certificate, signature, payload); });
    };
    CHECK(verify(v.certificate, v.signature.substr(0, v.signature.size() - 1), v.payload).find("base64") != std::string::npos);
    for (const std::string& certificate : {std::string(), std::string("this is not PEM"), v.certificate + v.certificate})
        CHECK_FALSE(verify(certificate, v.signature, v.payload).empty());
    CHECK(verify(v.certificate, v.signature, "this payload does not match").find("payload in Rekor SET does not match") !=
          std::string::npos);
    CHECK(verify(keyless("fulcio-root.pem"), v.signature, v.payload).find("publicKey in Rekor SET does not match") != std::string::npos);
}
