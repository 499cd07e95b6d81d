#include "policy/trust_store.hpp"

#include <variant>

#include "imgtrust/errors.hpp"
#include "policy/bundle_trust.hpp"
#include "policy/certificate_identity_policy.hpp"
#include "signature/rejection.hpp"
#include "util/bytes.hpp"

namespace imgtrust::policy {
namespace {

constexpr std::size_t max_key_file_bytes = 4 * 1024 * 1024;

std::string read_key_file(const std::string& path, const std::string& location, const std::string& field) {
    try {
        auto contents = util::read_file_bounded(path, max_key_file_bytes, "key file");
        if (!contents) throw ConfigError(location + ": " + field + " " + path + ": no such file");
        return *contents;
    } catch (const FetchError& e) {
        throw ConfigError(location + ": " + field + ": " + e.what());
    }
}

struct KeySource {
    std::string origin;  // for messages: `<location>.keyPaths[1] /etc/keys/a.pub`
    std::string bytes;
};

// Collects the bytes of whichever of the four key fields is set (the parser
// guarantees at most one).
std::vector<KeySource> collect_key_sources(const std::string& location, const std::optional<std::string>& path,
                                           const std::optional<std::vector<std::string>>& paths,
                                           const std::optional<std::string>& data,
                                           const std::optional<std::vector<std::string>>& datas) {
    std::vector<KeySource> sources;
    if (path) sources.push_back({location + ".keyPath " + *path, read_key_file(*path, location, "keyPath")});
    if (paths) {
        for (std::size_t i = 0; i < paths->size(); ++i) {
            std::string field = "keyPaths[" + std::to_string(i) + "]";
            sources.push_back({location + "." + field + " " + (*paths)[i], read_key_file((*paths)[i], location, field)});
        }
    }
    if (data) sources.push_back({location + ".keyData", *data});
    if (datas) {
        for (std::size_t i = 0; i < datas->size(); ++i)
            sources.push_back({location + ".keyDatas[" + std::to_string(i) + "]", (*datas)[i]});
    }
    return sources;
}

// The first PEM public key of a source: c/image parses one PEM public key per
// source; later blocks are not trusted.
signature::PublicKey first_public_key(const KeySource& source) {
    return signature::load_public_keys_pem(source.bytes, source.origin).front();
}

std::vector<signature::PublicKey> load_sigstore_public_keys(const Requirement& requirement,
                                                            const SigstoreSignedRequirement& sigstore) {
    std::vector<signature::PublicKey> keys;
    for (const auto& source : collect_key_sources(requirement.location, sigstore.key_path, sigstore.key_paths,
                                                  sigstore.key_data, sigstore.key_datas))
        keys.push_back(first_public_key(source));
    return keys;
}

std::unique_ptr<signature::OpenPgpVerifier> load_gpg_keyring(const Requirement& requirement, const SignedByRequirement& signed_by,
                                                             const std::string& openpgp_engine) {
    std::vector<std::string> blobs;
    std::vector<KeySource> sources =
        collect_key_sources(requirement.location, signed_by.key_path, signed_by.key_paths, signed_by.key_data, std::nullopt);
    for (auto& source : sources) blobs.push_back(std::move(source.bytes));
    auto keyring = signature::make_openpgp_verifier(openpgp_engine, blobs);
    if (!blobs.empty() && keyring->trusted_fingerprints().empty())
        throw ConfigError(requirement.location + ": no GPG public keys could be imported from the configured key data");
    return keyring;
}

// The bytes of a *Path / *Data pair (the parser allows at most one), with a name for messages.
std::optional<KeySource> read_trust_source(const std::string& location, const std::optional<std::string>& path,
                                           const std::optional<std::string>& data, const std::string& path_field,
                                           const std::string& data_field) {
    if (path) return KeySource{location + "." + path_field + " " + *path, read_key_file(*path, location, path_field)};
    if (data) return KeySource{location + "." + data_field, *data};
    return std::nullopt;
}

// Roots as x509.CertPool.AppendCertsFromPEM loads them: at least one must load.
std::vector<signature::Certificate> load_root_pool(const std::optional<KeySource>& source) {
    if (!source) return {};
    auto pool = signature::collect_pool_certificates_pem(source->bytes);
    if (pool.empty()) throw ConfigError(source->origin + ": no valid PEM CERTIFICATE block could be loaded");
    return pool;
}

// Configured pki intermediates, parsed strictly (cryptoutils.UnmarshalCertificatesFromPEM).
std::vector<signature::Certificate> load_intermediates(const std::optional<KeySource>& source) {
    if (!source) return {};
    try {
        return signature::parse_certificates_pem(source->bytes);
    } catch (const signature::SignatureRejected& e) {
        throw ConfigError(source->origin + ": loading trusted intermediate certificates: " + e.what());
    }
}

std::vector<signature::PublicKey> load_rekor_keys(const std::string& location, const SigstoreSignedRequirement& sigstore) {
    std::vector<KeySource> sources;
    if (sigstore.rekor_public_key_path)
        sources.push_back(*read_trust_source(location, sigstore.rekor_public_key_path, std::nullopt, "rekorPublicKeyPath", ""));
    if (sigstore.rekor_public_key_data)
        sources.push_back({location + ".rekorPublicKeyData", *sigstore.rekor_public_key_data});
    if (const auto& paths = sigstore.rekor_public_key_paths) {
        for (std::size_t i = 0; i < paths->size(); ++i) {
            std::string field = "rekorPublicKeyPaths[" + std::to_string(i) + "]";
            sources.push_back({location + "." + field + " " + (*paths)[i], read_key_file((*paths)[i], location, field)});
        }
    }
    if (const auto& datas = sigstore.rekor_public_key_datas) {
        for (std::size_t i = 0; i < datas->size(); ++i)
            sources.push_back({location + ".rekorPublicKeyDatas[" + std::to_string(i) + "]", (*datas)[i]});
    }
    std::vector<signature::PublicKey> keys;
    for (std::size_t i = 0; i < sources.size(); ++i) {
        auto key = signature::load_public_keys_pem(sources[i].bytes, sources[i].origin).front();
        if (!key.is_ecdsa())
            throw ConfigError(sources[i].origin + ": Rekor public key " + std::to_string(i + 1) + " is not using ECDSA");
        keys.push_back(std::move(key));
    }
    return keys;
}

// The identity rule, built (and its regexps compiled) once; errors name the policy location.
template <typename Build>
std::shared_ptr<const signature::IdentityRequirement> located_identity(const std::string& location, Build build) {
    try {
        return build();
    } catch (const ConfigError& e) {
        throw ConfigError(location + ": " + e.what());
    }
}

SigstoreTrust load_sigstore_trust(const Requirement& requirement, const SigstoreSignedRequirement& sigstore) {
    SigstoreTrust trust;
    if (sigstore.key_path || sigstore.key_paths || sigstore.key_data || sigstore.key_datas)
        trust.public_keys = load_sigstore_public_keys(requirement, sigstore);
    trust.trusted_root = load_requirement_trusted_root(requirement.location, sigstore);
    if (sigstore.fulcio) {
        const FulcioTrust& fulcio = *sigstore.fulcio;
        std::string location = requirement.location + ".fulcio";
        trust.fulcio = signature::FulcioTrustRoot{
            trust.trusted_root ? trusted_root_fulcio_certificates(*trust.trusted_root)
                               : load_root_pool(read_trust_source(location, fulcio.ca_path, fulcio.ca_data, "caPath", "caData")),
            fulcio.oidc_issuer, fulcio.subject_email, located_identity(location, [&] { return fulcio_identity_requirement(fulcio); })};
    }
    if (sigstore.pki) {
        const PkiTrust& pki = *sigstore.pki;
        std::string location = requirement.location + ".pki";
        trust.pki = signature::PkiTrustRoot{
            load_root_pool(read_trust_source(location, pki.ca_roots_path, pki.ca_roots_data, "caRootsPath", "caRootsData")),
            load_intermediates(read_trust_source(location, pki.ca_intermediates_path, pki.ca_intermediates_data,
                                                 "caIntermediatesPath", "caIntermediatesData")),
            pki.subject_email, pki.subject_hostname, located_identity(location, [&] { return pki_identity_requirement(pki); })};
    }
    trust.rekor_keys = trust.trusted_root ? trusted_root_rekor_set_keys(*trust.trusted_root)
                                          : load_rekor_keys(requirement.location, sigstore);
    trust.bundle_root = trust.trusted_root ? trust.trusted_root
                                           : trusted_root_from_policy_material(trust.fulcio ? trust.fulcio->ca_certificates
                                                                                            : std::vector<signature::Certificate>{},
                                                                               trust.rekor_keys, requirement.location);
    return trust;
}

std::string message_of(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return "unknown error";
    }
}

}  // namespace

TrustStore::TrustStore(const Policy& policy, const std::string& openpgp_engine) {
    for (const Requirement& requirement : policy.default_requirements) load(requirement, openpgp_engine);
    for (const auto& [transport, scopes] : policy.transports)
        for (const auto& [scope, requirements] : scopes)
            for (const Requirement& requirement : requirements) load(requirement, openpgp_engine);
}

TrustStore::~TrustStore() = default;

// Loads what one requirement trusts, recording (not throwing) why it cannot be.
// signedBy with a keyType other than GPGKeys reads no key, as c/image.
void TrustStore::load(const Requirement& requirement, const std::string& openpgp_engine) {
    const auto* signed_by = std::get_if<SignedByRequirement>(&requirement.value);
    const auto* sigstore = std::get_if<SigstoreSignedRequirement>(&requirement.value);
    if (!sigstore && !(signed_by && signed_by->key_type == "GPGKeys")) return;
    Entry entry;
    try {
        if (sigstore) entry.sigstore = load_sigstore_trust(requirement, *sigstore);
        else entry.keyring = load_gpg_keyring(requirement, *signed_by, openpgp_engine);
    } catch (...) {
        entry.error = std::current_exception();
        problems_.push_back({PolicyDiagnostic::Severity::error, requirement.location, message_of(entry.error)});
        if (!first_error_) first_error_ = entry.error;
    }
    entries_.emplace(&requirement, std::move(entry));
}

const TrustStore::Entry& TrustStore::entry(const Requirement& requirement) const {
    auto found = entries_.find(&requirement);
    // Every requirement of the policy was loaded; another policy's is a programming error.
    if (found == entries_.end()) throw std::logic_error(requirement.location + ": requirement not in this policy's trust store");
    if (found->second.error) std::rethrow_exception(found->second.error);
    return found->second;
}

void TrustStore::throw_first_problem() const {
    if (first_error_) std::rethrow_exception(first_error_);
}

const SigstoreTrust& TrustStore::sigstore_trust(const Requirement& requirement) const {
    const Entry& loaded = entry(requirement);
    if (!loaded.sigstore) throw std::logic_error(requirement.location + ": not a sigstoreSigned requirement");
    return *loaded.sigstore;
}

const signature::OpenPgpVerifier& TrustStore::gpg_keyring(const Requirement& requirement) const {
    const Entry& loaded = entry(requirement);
    if (!loaded.keyring) throw std::logic_error(requirement.location + ": not a signedBy GPGKeys requirement");
    return *loaded.keyring;
}

}  // namespace imgtrust::policy
