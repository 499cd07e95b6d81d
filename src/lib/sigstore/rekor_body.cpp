#include "sigstore/rekor_body.hpp"

#include <rapidjson/document.h>

#include "signature/certificate.hpp"
#include "signature/rejection.hpp"
#include "sigstore/proto_json.hpp"
#include "util/bytes.hpp"
#include "util/untrusted_json.hpp"

namespace imgtrust::sigstore {
namespace {

constexpr std::size_t max_logged_signatures = 32;

[[noreturn]] void reject(const std::string& reason) { throw signature::SignatureRejected("invalid transparency log entry body: " + reason); }

const rapidjson::Value& member(const rapidjson::Value& object, const char* name, const std::string& where) {
    if (!object.IsObject()) reject(where + " is not an object");
    auto found = object.FindMember(name);
    if (found == object.MemberEnd()) reject(where + "." + name + " is missing");
    return found->value;
}

std::string text(const rapidjson::Value& object, const char* name, const std::string& where) {
    const rapidjson::Value& value = member(object, name, where);
    if (!value.IsString()) reject(where + "." + name + " is not a string");
    return std::string(value.GetString(), value.GetStringLength());
}

std::string base64(const rapidjson::Value& object, const char* name, const std::string& where) {
    auto decoded = decode_proto_bytes(text(object, name, where));
    if (!decoded) reject(where + "." + name + " is not base64");
    return *decoded;
}

std::string hex_value(const rapidjson::Value& hash, const std::string& where, util::DigestAlgorithm expected) {
    auto digest = util::Digest::parse(text(hash, "algorithm", where) + ":" + text(hash, "value", where));
    if (!digest || digest->algorithm() != expected) reject(where + " is not a valid digest");
    std::string raw;
    for (std::size_t i = 0; i < digest->hex().size(); i += 2) raw += static_cast<char>(std::stoi(std::string(digest->hex().substr(i, 2)), nullptr, 16));
    return raw;
}

// Rekor v1 verifiers: base64 of a PEM certificate or public key.
LoggedSignature v1_signature(std::string raw_signature, const std::string& verifier_pem, const std::string& where) {
    std::string_view rest = verifier_pem;
    auto block = signature::go_pem_decode(verifier_pem, rest);
    if (!block || (block->type != "CERTIFICATE" && block->type != "PUBLIC KEY")) reject(where + " is not a PEM certificate or public key");
    return {std::move(raw_signature), block->bytes, block->type == "CERTIFICATE"};
}

// Rekor v2 Verifier: {publicKey{rawBytes} | x509Certificate{rawBytes}, keyDetails}.
LoggedSignature v2_signature(const rapidjson::Value& signature, const std::string& where) {
    const rapidjson::Value& verifier = member(signature, "verifier", where);
    LoggedSignature logged{base64(signature, "content", where), "", false};
    if (verifier.IsObject() && verifier.HasMember("x509Certificate")) {
        logged.verifier_der = base64(member(verifier, "x509Certificate", where), "rawBytes", where + ".verifier.x509Certificate");
        logged.verifier_is_certificate = true;
    } else {
        logged.verifier_der = base64(member(verifier, "publicKey", where), "rawBytes", where + ".verifier.publicKey");
    }
    return logged;
}

std::optional<util::DigestAlgorithm> proto_hash_algorithm(std::string_view name) {
    if (name == "SHA2_256") return util::DigestAlgorithm::sha256;
    if (name == "SHA2_384") return util::DigestAlgorithm::sha384;
    if (name == "SHA2_512") return util::DigestAlgorithm::sha512;
    return std::nullopt;
}

void read_hashedrekord_v001(const rapidjson::Value& spec, RekorEntryBody& body) {
    const rapidjson::Value& signature = member(spec, "signature", "spec");
    auto pem = base64(member(signature, "publicKey", "spec.signature"), "content", "spec.signature.publicKey");
    body.signatures.push_back(v1_signature(base64(signature, "content", "spec.signature"), pem, "spec.signature.publicKey"));
    const rapidjson::Value& hash = member(member(spec, "data", "spec"), "hash", "spec.data");
    auto algorithm = util::digest_algorithm_named(text(hash, "algorithm", "spec.data.hash"));
    if (!algorithm) reject("spec.data.hash.algorithm is not sha256, sha384 or sha512");
    body.digest_algorithm = algorithm;
    body.digest = hex_value(hash, "spec.data.hash", *algorithm);
}

void read_hashedrekord_v002(const rapidjson::Value& spec, RekorEntryBody& body) {
    const rapidjson::Value& entry = member(spec, "hashedRekordV002", "spec");
    body.signatures.push_back(v2_signature(member(entry, "signature", "spec.hashedRekordV002"), "spec.hashedRekordV002.signature"));
    const rapidjson::Value& data = member(entry, "data", "spec.hashedRekordV002");
    body.digest_algorithm = proto_hash_algorithm(text(data, "algorithm", "spec.hashedRekordV002.data"));
    if (!body.digest_algorithm) reject("spec.hashedRekordV002.data.algorithm is not SHA2_256, SHA2_384 or SHA2_512");
    body.digest = base64(data, "digest", "spec.hashedRekordV002.data");
}

void read_dsse_v001(const rapidjson::Value& spec, RekorEntryBody& body) {
    body.payload_sha256 = hex_value(member(spec, "payloadHash", "spec"), "spec.payloadHash", util::DigestAlgorithm::sha256);
    const rapidjson::Value& signatures = member(spec, "signatures", "spec");
    if (!signatures.IsArray() || signatures.Empty() || signatures.Size() > max_logged_signatures) reject("spec.signatures is not a list of 1 to 32 signatures");
    for (const auto& signature : signatures.GetArray())
        body.signatures.push_back(v1_signature(base64(signature, "signature", "spec.signatures[]"), base64(signature, "verifier", "spec.signatures[]"),
                                               "spec.signatures[].verifier"));
}

void read_dsse_v002(const rapidjson::Value& spec, RekorEntryBody& body) {
    const rapidjson::Value& entry = member(spec, "dsseV002", "spec");
    const rapidjson::Value& hash = member(entry, "payloadHash", "spec.dsseV002");
    if (proto_hash_algorithm(text(hash, "algorithm", "spec.dsseV002.payloadHash")) != util::DigestAlgorithm::sha256)
        reject("spec.dsseV002.payloadHash.algorithm is not SHA2_256");
    body.payload_sha256 = base64(hash, "digest", "spec.dsseV002.payloadHash");
    const rapidjson::Value& signatures = member(entry, "signatures", "spec.dsseV002");
    if (!signatures.IsArray() || signatures.Empty() || signatures.Size() > max_logged_signatures) reject("spec.dsseV002.signatures is not a list of 1 to 32 signatures");
    for (const auto& signature : signatures.GetArray()) body.signatures.push_back(v2_signature(signature, "spec.dsseV002.signatures[]"));
}

// intoto 0.0.2 stores the envelope's signatures base64-encoded once more.
void read_intoto_v002(const rapidjson::Value& spec, RekorEntryBody& body) {
    const rapidjson::Value& content = member(spec, "content", "spec");
    body.payload_sha256 = hex_value(member(content, "payloadHash", "spec.content"), "spec.content.payloadHash", util::DigestAlgorithm::sha256);
    const rapidjson::Value& signatures = member(member(content, "envelope", "spec.content"), "signatures", "spec.content.envelope");
    if (!signatures.IsArray() || signatures.Empty() || signatures.Size() > max_logged_signatures) reject("spec.content.envelope.signatures is not a list of 1 to 32 signatures");
    for (const auto& signature : signatures.GetArray()) {
        auto once = base64(signature, "sig", "spec.content.envelope.signatures[]");
        auto raw = decode_proto_bytes(once);
        if (!raw) reject("spec.content.envelope.signatures[].sig is not base64 of a base64 signature");
        body.signatures.push_back(v1_signature(*raw, base64(signature, "publicKey", "spec.content.envelope.signatures[]"),
                                               "spec.content.envelope.signatures[].publicKey"));
    }
}

}  // namespace

bool is_rekor_v2_kind(std::string_view kind, std::string_view version) {
    return version == "0.0.2" && (kind == "hashedrekord" || kind == "dsse");
}

RekorEntryBody parse_rekor_body(std::string_view body_json, std::string_view kind, std::string_view version) {
    rapidjson::Document document;
    if (auto error = util::parse_untrusted_json(body_json, document)) reject(error->describe());
    RekorEntryBody body;
    body.kind = text(document, "kind", "the body");
    body.api_version = text(document, "apiVersion", "the body");
    if (body.kind != kind || body.api_version != version)
        reject("the body is " + body.kind + " " + body.api_version + " but the entry says " + std::string(kind) + " " + std::string(version));
    const rapidjson::Value& spec = member(document, "spec", "the body");
    if (kind == "hashedrekord" && version == "0.0.1") read_hashedrekord_v001(spec, body);
    else if (kind == "hashedrekord" && version == "0.0.2") read_hashedrekord_v002(spec, body);
    else if (kind == "dsse" && version == "0.0.1") read_dsse_v001(spec, body);
    else if (kind == "dsse" && version == "0.0.2") read_dsse_v002(spec, body);
    else if (kind == "intoto" && version == "0.0.2") read_intoto_v002(spec, body);
    else reject("unsupported entry kind " + body.kind.substr(0, 40) + " " + body.api_version.substr(0, 40));
    return body;
}

}  // namespace imgtrust::sigstore
