// containers-tls-details.yaml(5), as c/image v5.40 reads it
// (pkg/cli/basetls/tlsdetails ParseFile: yaml.v3 with KnownFields; basetls
// NewFromTLSDetails: "unrecognized TLS minimum version %q", "unrecognized TLS
// cipher suite %q", "unrecognized TLS named group %q"), mapped to libcurl's
// OpenSSL options. A value c/image accepts but this OpenSSL cannot provide is
// refused too: a setting is never ignored.
#include "config/tls_details.hpp"

#include <openssl/opensslv.h>
#include <openssl/ssl.h>

#include <map>
#include <memory>
#include <set>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "imgtrust/errors.hpp"
#include "imgtrust/tls.hpp"
#include "util/bytes.hpp"
#include "util/go_quote.hpp"
#include "util/untrusted_yaml.hpp"

namespace imgtrust::config {
namespace {

// basetls's tlsVersions.
const std::map<std::string, TlsVersion>& versions() {
    static const std::map<std::string, TlsVersion> table{
        {"1.0", TlsVersion::tls1_0}, {"1.1", TlsVersion::tls1_1}, {"1.2", TlsVersion::tls1_2}, {"1.3", TlsVersion::tls1_3}};
    return table;
}

// The names of Go's tls.CipherSuites() and tls.InsecureCipherSuites() (what
// basetls's cipherSuitesByName accepts); the TLS 1.3 ones are marked.
const std::map<std::string, bool>& go_cipher_suites() {
    static const std::map<std::string, bool> table{
        {"TLS_AES_128_GCM_SHA256", true},
        {"TLS_AES_256_GCM_SHA384", true},
        {"TLS_CHACHA20_POLY1305_SHA256", true},
        {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", false},
        {"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", false},
        {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", false},
        {"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", false},
        {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", false},
        {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", false},
        {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", false},
        {"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", false},
        {"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", false},
        {"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", false},
        {"TLS_RSA_WITH_RC4_128_SHA", false},
        {"TLS_RSA_WITH_3DES_EDE_CBC_SHA", false},
        {"TLS_RSA_WITH_AES_128_CBC_SHA", false},
        {"TLS_RSA_WITH_AES_256_CBC_SHA", false},
        {"TLS_RSA_WITH_AES_128_CBC_SHA256", false},
        {"TLS_RSA_WITH_AES_128_GCM_SHA256", false},
        {"TLS_RSA_WITH_AES_256_GCM_SHA384", false},
        {"TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", false},
        {"TLS_ECDHE_RSA_WITH_RC4_128_SHA", false},
        {"TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", false},
        {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", false},
        {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", false},
    };
    return table;
}

// basetls's groupsByName (IANA names), with OpenSSL's name for each.
const std::map<std::string, std::string>& groups() {
    static const std::map<std::string, std::string> table{{"secp256r1", "P-256"},
                                                          {"secp384r1", "P-384"},
                                                          {"secp521r1", "P-521"},
                                                          {"x25519", "X25519"},
                                                          {"X25519MLKEM768", "X25519MLKEM768"}};
    return table;
}

using SslContext = std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)>;

SslContext scratch_context() {
    SslContext context(SSL_CTX_new(TLS_client_method()), &SSL_CTX_free);
    if (!context) throw ConfigError("cannot create an OpenSSL context to check the TLS details");
    return context;
}

[[noreturn]] void unsupported(const std::string& source, const std::string& what, const std::string& name) {
    throw ConfigError("parsing TLS details " + util::go_quote(source) + ": TLS " + what + " " + util::go_quote(name) +
                      " is not supported by the OpenSSL in use (" + OPENSSL_VERSION_TEXT + ")");
}

[[noreturn]] void unrecognized(const std::string& source, const std::string& what, const std::string& name) {
    throw ConfigError("parsing TLS details " + util::go_quote(source) + ": unrecognized TLS " + what + " " +
                      util::go_quote(name));
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& name : names) out += (out.empty() ? "" : ":") + name;
    return out;
}

// The OpenSSL name of a TLS 1.0-1.2 suite, checked to select a cipher here.
std::string openssl_cipher(SSL_CTX* context, const std::string& iana_name, const std::string& source) {
    const char* name = OPENSSL_cipher_name(iana_name.c_str());
    if (name == nullptr || std::string(name) == "(NONE)" || SSL_CTX_set_cipher_list(context, name) != 1)
        unsupported(source, "cipher suite", iana_name);
    return name;
}

void apply_cipher_suites(const std::vector<std::string>& names, TlsDetails& details, const std::string& source) {
    const SslContext context = scratch_context();
    std::vector<std::string> legacy, tls13;
    for (const auto& name : names) {
        const auto found = go_cipher_suites().find(name);
        if (found == go_cipher_suites().end()) unrecognized(source, "cipher suite", name);
        if (!found->second) {
            legacy.push_back(openssl_cipher(context.get(), name, source));
        } else {
            if (SSL_CTX_set_ciphersuites(context.get(), name.c_str()) != 1) unsupported(source, "cipher suite", name);
            tls13.push_back(name);
        }
    }
    details.cipher_list = joined(legacy);
    details.tls13_ciphers = joined(tls13);
    // No TLS 1.0-1.2 suite allowed: only TLS 1.3 can be negotiated.
    if (legacy.empty()) details.min_version = TlsVersion::tls1_3;
}

void apply_named_groups(const std::vector<std::string>& names, TlsDetails& details, const std::string& source) {
    const SslContext context = scratch_context();
    std::vector<std::string> openssl_names;
    for (const auto& name : names) {
        const auto found = groups().find(name);
        if (found == groups().end()) unrecognized(source, "named group", name);
        if (SSL_CTX_set1_groups_list(context.get(), found->second.c_str()) != 1) unsupported(source, "named group", name);
        openssl_names.push_back(found->second);
    }
    details.curves = joined(openssl_names);  // empty: the defaults, as Go's empty CurvePreferences
}

// A shape error in yaml.v3's words, with the line.
[[noreturn]] void shape_error(const YAML::Node& node, const std::string& source, const std::string& message) {
    throw ConfigError("parsing " + util::go_quote(source) + ": yaml: line " + std::to_string(node.Mark().line + 1) +
                      ": " + message);
}

std::string decode_string(const YAML::Node& value, const std::string& source, const std::string& field) {
    if (value.IsNull()) return {};
    if (!value.IsScalar()) shape_error(value, source, "cannot unmarshal a non-scalar into string field " + field);
    return value.Scalar();
}

// nullopt for an absent or null list (Go's nil slice), else the names.
std::optional<std::vector<std::string>> decode_list(const YAML::Node& value, const std::string& source,
                                                    const std::string& field) {
    if (value.IsNull()) return std::nullopt;
    if (!value.IsSequence()) shape_error(value, source, "cannot unmarshal a non-sequence into []string field " + field);
    std::vector<std::string> names;
    for (const auto& item : value) names.push_back(decode_string(item, source, field));
    return names;
}

struct RawTlsDetails {
    std::string min_version;
    std::optional<std::vector<std::string>> cipher_suites, named_groups;
};

RawTlsDetails decode_document(const YAML::Node& root, const std::string& source) {
    RawTlsDetails raw;
    if (root.IsNull()) return raw;
    if (!root.IsMap()) shape_error(root, source, "cannot unmarshal a non-mapping into basetls.TLSDetailsFile");
    std::set<std::string> seen;
    for (const auto& entry : root) {
        const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : std::string();
        if (!seen.insert(key).second) shape_error(entry.first, source, "mapping key " + util::go_quote(key) + " already defined");
        if (key == "minVersion") raw.min_version = decode_string(entry.second, source, key);
        else if (key == "cipherSuites") raw.cipher_suites = decode_list(entry.second, source, key);
        else if (key == "namedGroups") raw.named_groups = decode_list(entry.second, source, key);
        else shape_error(entry.first, source, "field " + key + " not found in type basetls.TLSDetailsFile");
    }
    return raw;
}

YAML::Node load_document(std::string_view yaml, const std::string& source) {
    try {
        YAML::Node root = util::load_untrusted_yaml(yaml, {max_tls_details_bytes, util::max_yaml_depth});
        // yaml.v3's Decoder.Decode of a stream without a document is io.EOF, an error in c/image.
        if (root.IsNull() && root.Mark().is_null()) throw ConfigError("parsing " + util::go_quote(source) + ": EOF");
        return root;
    } catch (const util::YamlLimitError& e) {
        throw ConfigError("parsing " + util::go_quote(source) + ": " + e.what());
    } catch (const YAML::Exception& e) {
        throw ConfigError("parsing " + util::go_quote(source) + ": " + e.what());
    }
}

}  // namespace

TlsDetails parse_tls_details(std::string_view yaml, const std::string& source) {
    const RawTlsDetails raw = decode_document(load_document(yaml, source), source);
    TlsDetails details;
    details.source = source;
    if (raw.cipher_suites) apply_cipher_suites(*raw.cipher_suites, details, source);
    if (!raw.min_version.empty()) {
        const auto found = versions().find(raw.min_version);
        if (found == versions().end()) unrecognized(source, "minimum version", raw.min_version);
        if (!details.min_version || *details.min_version < found->second) details.min_version = found->second;
    }
    if (raw.named_groups) apply_named_groups(*raw.named_groups, details, source);
    return details;
}

TlsDetails load_tls_details_file(const std::string& path) {
    std::optional<std::string> text;
    try {
        text = util::read_file_bounded(path, max_tls_details_bytes, "TLS details file");
    } catch (const FetchError& e) {
        throw ConfigError(std::string("reading ") + util::go_quote(path) + ": " + e.what());
    }
    if (!text) throw ConfigError("reading " + util::go_quote(path) + ": no such file or directory");
    return parse_tls_details(*text, path);
}

std::string describe_tls_details(const TlsDetails& details) {
    static const char* const names[] = {"1.0", "1.1", "1.2", "1.3"};
    std::string text = "TLS details from " + details.source + ": minimum version ";
    text += details.min_version ? names[static_cast<int>(*details.min_version)] : "default";
    text += "; TLS 1.0-1.2 ciphers " + (details.cipher_list.empty() ? std::string("default") : details.cipher_list);
    text += "; TLS 1.3 ciphers " + (details.tls13_ciphers.empty() ? std::string("default") : details.tls13_ciphers);
    text += "; groups " + (details.curves.empty() ? std::string("default") : details.curves);
    return text;
}

}  // namespace imgtrust::config

namespace imgtrust {

std::shared_ptr<const config::TlsDetails> load_tls_details_file(const std::string& path) {
    return std::make_shared<const config::TlsDetails>(config::load_tls_details_file(path));
}

std::string describe_tls_details(const config::TlsDetails& details) { return config::describe_tls_details(details); }

}  // namespace imgtrust
