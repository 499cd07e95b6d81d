// Trust material for the timestamp and SCT tests, built by hand from the files
// of tests/fixtures/sigstore (regenerate-timestamps-scts.sh) and of
// tests/fixtures/sigstore/conformance/<case> (import_cases.py).
#pragma once

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "fixtures.hpp"
#include "signature/certificate.hpp"
#include "signature/public_key.hpp"
#include "sigstore/trust_material.hpp"
#include "util/bytes.hpp"
#include "util/digest.hpp"

namespace timestamp_sct_test {

using imgtrust::signature::Certificate;
using imgtrust::signature::PublicKey;
using imgtrust::sigstore::CertificateAuthority;
using imgtrust::sigstore::TransparencyLog;
using imgtrust::sigstore::TrustedRoot;

inline std::string fixture(const std::string& relative) {
    auto content = imgtrust::util::read_file_bounded(fixture_path("sigstore/" + relative), 1024 * 1024, "fixture");
    if (!content) throw std::runtime_error("missing fixture sigstore/" + relative);
    return *content;
}

inline Certificate certificate_der(const std::string& der) {
    auto cursor = reinterpret_cast<const unsigned char*>(der.data());
    X509* parsed = d2i_X509(nullptr, &cursor, static_cast<long>(der.size()));
    if (!parsed) throw std::runtime_error("not a DER certificate");
    return Certificate(parsed);
}

inline Certificate certificate_pem(const std::string& relative) {
    auto certificates = imgtrust::signature::parse_certificates_pem(fixture(relative));
    if (certificates.size() != 1) throw std::runtime_error(relative + " does not hold one certificate");
    return certificates.front();
}

inline PublicKey key_der(const std::string& spki) {
    auto cursor = reinterpret_cast<const unsigned char*>(spki.data());
    EVP_PKEY* key = d2i_PUBKEY(nullptr, &cursor, static_cast<long>(spki.size()));
    if (!key) throw std::runtime_error("not a DER SubjectPublicKeyInfo");
    return PublicKey(key);
}

inline PublicKey key_pem(const std::string& relative) {
    return imgtrust::signature::load_public_keys_pem(fixture(relative), relative).front();
}

// TransparencyLog has no default constructor (its key); every other field starts empty.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
inline TransparencyLog log_with_key(PublicKey key) { return TransparencyLog{.key = std::move(key)}; }
#pragma GCC diagnostic pop

// RFC 6962 3.2: "The ID of the log is the SHA-256 hash of the log's public key".
inline TransparencyLog ct_log(const PublicKey& key) {
    std::string id = imgtrust::util::raw_digest(imgtrust::util::DigestAlgorithm::sha256, key.subject_public_key_info_der());
    TransparencyLog log = log_with_key(key);
    log.base_url = "https://ct.test";
    log.log_id = id;
    return log;
}

inline CertificateAuthority tsa(std::vector<Certificate> chain, const std::string& uri = "https://tsa.test/api/v1/timestamp") {
    CertificateAuthority authority;
    authority.uri = uri;
    authority.subject = "imgtrust tests/imgtrust test TSA";
    authority.chain = std::move(chain);
    return authority;
}

// A sigstore-conformance case imported by import_cases.py.
struct ConformanceCase {
    TrustedRoot root;
    std::vector<std::string> timestamps;
    std::string signature;
    std::string leaf_der;
    std::string issuer_der;
};

inline std::optional<std::time_t> seconds_or_none(const std::string& text) {
    if (text == "-") return std::nullopt;
    return static_cast<std::time_t>(std::stoll(text));
}

inline ConformanceCase conformance_case(const std::string& name) {
    const std::string dir = "conformance/" + name + "/";
    ConformanceCase loaded;
    std::istringstream lines(fixture(dir + "root.txt"));
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        std::string kind, start, end, name_or_id, file;
        if (!(fields >> kind >> start >> end >> name_or_id)) continue;
        if (kind == "tsa") {
            CertificateAuthority authority;
            authority.uri = name_or_id == "-" ? "" : name_or_id;
            authority.valid_for = {seconds_or_none(start), seconds_or_none(end)};
            while (fields >> file) authority.chain.push_back(certificate_der(fixture(dir + file)));
            loaded.root.timestamp_authorities.push_back(std::move(authority));
        } else if (kind == "ctlog" && fields >> file) {
            std::string id = *imgtrust::util::base64_decode(name_or_id);
            TransparencyLog log = log_with_key(key_der(fixture(dir + file)));
            log.log_id = id;
            log.valid_for = {seconds_or_none(start), seconds_or_none(end)};
            loaded.root.ctlogs.push_back(std::move(log));
        }
    }
    for (int n = 1;; ++n) {
        auto token = imgtrust::util::read_file_bounded(fixture_path("sigstore/" + dir + "timestamp-" + std::to_string(n) + ".tsr"),
                                                       1024 * 1024, "fixture");
        if (!token) break;
        loaded.timestamps.push_back(*token);
    }
    loaded.signature = fixture(dir + "signature.bin");
    loaded.leaf_der = fixture(dir + "leaf.der");
    auto issuer = imgtrust::util::read_file_bounded(fixture_path("sigstore/" + dir + "issuer.der"), 1024 * 1024, "fixture");
    if (issuer) loaded.issuer_der = *issuer;
    return loaded;
}

}  // namespace timestamp_sct_test
