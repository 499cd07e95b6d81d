#include "sigstore/trusted_root.hpp"

#include "imgtrust/errors.hpp"
#include "signature/rejection.hpp"
#include "sigstore/bundle.hpp"
#include "sigstore/proto_json.hpp"
#include "util/bytes.hpp"
#include "util/untrusted_json.hpp"

namespace imgtrust::sigstore {
namespace {

constexpr std::size_t max_root_entries = 64;  // per list: logs, CAs, TSAs
constexpr std::size_t max_root_chain = 10;

bool known_media_type(std::string_view media_type) {
    return media_type == "application/vnd.dev.sigstore.trustedroot+json;version=0.1" ||
           media_type == "application/vnd.dev.sigstore.trustedroot.v0.1+json" ||
           media_type == "application/vnd.dev.sigstore.trustedroot.v0.2+json";
}

// TimeRange: "start" is required, "end" optional; both inclusive.
ValidityWindow parse_validity(const ProtoObject& parent) {
    auto range = parent.optional_object("validFor", {"start", "end"});
    if (!range) parent.fail("validFor", "missing (a validity window with its start is required)");
    ValidityWindow window;
    window.start = range->timestamp("start", true);
    window.end = range->timestamp("end", false);
    if (window.end && *window.end < *window.start) range->fail("end", "before start");
    return window;
}

// PublicKey.rawBytes: DER SubjectPublicKeyInfo, or PKCS#1 for PKCS1_* key details.
signature::PublicKey parse_raw_public_key(const ProtoObject& key, const std::string& key_details) {
    std::string der = *key.bytes("rawBytes", true);
    bool pkcs1 = key_details.rfind("PKCS1_", 0) == 0;
    std::string block = pkcs1 ? "RSA PUBLIC KEY" : "PUBLIC KEY";
    std::string pem = "-----BEGIN " + block + "-----\n" + util::base64_encode(der) + "\n-----END " + block + "-----\n";
    try {
        auto keys = signature::load_public_keys_pem(pem, key.path_of("rawBytes"));
        return keys.front();
    } catch (const ConfigError& error) {
        throw ProtoJsonError(error.what());
    }
}

TransparencyLog parse_log(const rapidjson::Value& value, const std::string& path) {
    ProtoObject object(value, path, {"baseUrl", "hashAlgorithm", "publicKey", "logId", "checkpointKeyId", "operator"});
    ProtoObject key = object.object("publicKey", {"rawBytes", "keyDetails", "validFor"});
    std::string key_details = key.string("keyDetails", false).value_or("");
    TransparencyLog log{object.string("baseUrl", false).value_or(""),
                        *object.object("logId", {"keyId"}).bytes("keyId", true),
                        "",
                        "",
                        parse_raw_public_key(key, key_details),
                        parse_validity(key),
                        key_details};
    if (auto checkpoint_key = object.optional_object("checkpointKeyId", {"keyId"}))
        log.checkpoint_key_id = checkpoint_key->bytes("keyId", false).value_or("");
    return log;
}

CertificateAuthority parse_authority(const rapidjson::Value& value, const std::string& path) {
    ProtoObject object(value, path, {"subject", "uri", "certChain", "validFor", "operator"});
    CertificateAuthority authority;
    authority.uri = object.string("uri", false).value_or("");
    if (auto subject = object.optional_object("subject", {"organization", "commonName"}))
        authority.subject = subject->string("organization", false).value_or("") + "/" + subject->string("commonName", false).value_or("");
    ProtoObject chain = object.object("certChain", {"certificates"});
    auto certificates = chain.array("certificates", max_root_chain);
    if (certificates.empty()) chain.fail("certificates", "empty certificate chain");
    for (std::size_t i = 0; i < certificates.size(); ++i) {
        ProtoObject certificate(*certificates[i], chain.path_of("certificates[" + std::to_string(i) + "]"), {"rawBytes"});
        try {
            authority.chain.push_back(parse_certificate_der(*certificate.bytes("rawBytes", true)));
        } catch (const signature::SignatureRejected& error) {
            certificate.fail("rawBytes", error.what());
        }
    }
    authority.valid_for = parse_validity(object);
    return authority;
}

TrustedRoot parse_root_document(const rapidjson::Document& document) {
    ProtoObject root(document, "", {"mediaType", "tlogs", "certificateAuthorities", "ctlogs", "timestampAuthorities"});
    TrustedRoot trusted;
    trusted.media_type = root.string("mediaType", true).value();
    if (!known_media_type(trusted.media_type))
        root.fail("mediaType", "unsupported trusted root media type \"" + trusted.media_type.substr(0, 100) + "\"");
    auto each = [&root](std::string_view field, auto parse, auto& into) {
        auto values = root.array(field, max_root_entries);
        for (std::size_t i = 0; i < values.size(); ++i) into.push_back(parse(*values[i], std::string(field) + "[" + std::to_string(i) + "]"));
    };
    each("tlogs", parse_log, trusted.tlogs);
    each("ctlogs", parse_log, trusted.ctlogs);
    each("certificateAuthorities", parse_authority, trusted.certificate_authorities);
    each("timestampAuthorities", parse_authority, trusted.timestamp_authorities);
    return trusted;
}

}  // namespace

TrustedRoot parse_trusted_root(std::string_view json, const std::string& origin) {
    rapidjson::Document document;
    util::JsonOptions options;
    options.limits.max_bytes = max_trusted_root_bytes;
    if (auto error = util::parse_untrusted_json(json, document, options))
        throw ConfigError(origin + ": invalid trusted root: " + error->describe());
    try {
        TrustedRoot root = parse_root_document(document);
        root.origin_description = origin;
        return root;
    } catch (const ProtoJsonError& error) {
        throw ConfigError(origin + ": invalid trusted root: " + error.what());
    }
}

const TransparencyLog* find_log_by_id(const std::vector<TransparencyLog>& logs, std::string_view log_id) {
    for (const TransparencyLog& log : logs)
        if (log.log_id == log_id) return &log;
    return nullptr;
}

}  // namespace imgtrust::sigstore
