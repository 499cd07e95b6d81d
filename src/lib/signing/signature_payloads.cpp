#include "signing/signature_payloads.hpp"

#include <cstdio>

#include "imgtrust/errors.hpp"
#include "sigstore/dsse.hpp"
#include "util/bytes.hpp"

namespace imgtrust::signing {
namespace {

constexpr std::string_view cosign_sign_predicate = "https://sigstore.dev/cosign/sign/v1";
constexpr std::string_view bundle_v03_media_type = "application/vnd.dev.sigstore.bundle.v0.3+json";

// A JSON string as Go's encoding/json writes it: \" \\ \n \r \t, other control
// characters and <, >, &, U+2028, U+2029 as \u00XX / \u20XX; everything else as is.
std::string go_json_string(std::string_view text) {
    std::string out = "\"";
    for (std::size_t i = 0; i < text.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
            out += escaped;
        } else if (c == 0xE2 && i + 2 < text.size() && text[i + 1] == '\x80' && (text[i + 2] == '\xA8' || text[i + 2] == '\xA9')) {
            out += text[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
            i += 2;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + "\"";
}

// The "critical" object both simple-signing formats share (Go marshals the
// cosign struct's fields in this order, and c/image's map with sorted keys).
std::string critical_section(const std::string& docker_reference, const util::Digest& manifest_digest, std::string_view type) {
    if (docker_reference.empty()) throw ConfigError("a signature payload needs a docker reference");
    return R"({"identity":{"docker-reference":)" + go_json_string(docker_reference) + R"(},"image":{"docker-manifest-digest":)" +
           go_json_string(manifest_digest.string()) + R"(},"type":)" + go_json_string(type) + "}";
}

}  // namespace

std::string make_cosign_payload(const std::string& docker_reference, const util::Digest& manifest_digest) {
    return R"({"critical":)" + critical_section(docker_reference, manifest_digest, "cosign container image signature") +
           R"(,"optional":null})";
}

std::string make_atomic_payload(const std::string& docker_reference, const util::Digest& manifest_digest, std::int64_t timestamp) {
    return R"({"critical":)" + critical_section(docker_reference, manifest_digest, "atomic container signature") +
           R"(,"optional":{"creator":)" + go_json_string(atomic_payload_creator) + R"(,"timestamp":)" + std::to_string(timestamp) + "}}";
}

std::string make_cosign_sign_statement(const std::string& repository, const util::Digest& manifest_digest) {
    std::string subject = "{";
    if (!repository.empty()) subject += R"("name":)" + go_json_string(repository) + ",";
    subject += R"("digest":{)" + go_json_string(manifest_digest.algorithm_name()) + ":" + go_json_string(manifest_digest.hex()) + "}}";
    return R"({"_type":"https://in-toto.io/Statement/v1","subject":[)" + subject + R"(],"predicateType":)" +
           go_json_string(cosign_sign_predicate) + R"(,"predicate":{}})";
}

std::string make_image_bundle(const SigningKey& key, const std::string& repository, const util::Digest& manifest_digest) {
    std::string statement = make_cosign_sign_statement(repository, manifest_digest);
    std::string signature = key.sign(sigstore::dsse_pae(sigstore::in_toto_payload_type, statement));
    // protojson field order: mediaType, verificationMaterial, dsseEnvelope; no
    // tlogEntries or timestampVerificationData (offline, nothing was logged).
    return R"({"mediaType":)" + go_json_string(bundle_v03_media_type) + R"(,"verificationMaterial":{"publicKey":{"hint":)" +
           go_json_string(key.key_id_hint()) + R"(}},"dsseEnvelope":{"payload":")" + util::base64_encode(statement) +
           R"(","payloadType":)" + go_json_string(sigstore::in_toto_payload_type) + R"(,"signatures":[{"sig":")" +
           util::base64_encode(signature) + R"("}]}})";
}

}  // namespace imgtrust::signing
