// docker://NAME[:TAG|@DIGEST] references, as c/image's docker transport parses
// them, and their policy scopes (docker/policyconfiguration/naming.go).
#include "image/docker_transport.hpp"

#include "config/certs_d.hpp"
#include "imgtrust/errors.hpp"
#include "reference/policy_scopes.hpp"

namespace imgtrust::image {
namespace {

constexpr std::string_view default_domain = "docker.io";
constexpr std::string_view official_repository_prefix = "library/";

}  // namespace

std::unique_ptr<DockerImageReference> DockerImageReference::parse(std::string_view within) {
    if (within.substr(0, 2) != "//")
        throw InvalidReferenceError("docker: image reference " + std::string(within) + " does not start with //");
    DockerReference ref = with_default_tag(parse_normalized_named(within.substr(2)));
    // "A reference value can have a tag and a digest at the same time! The
    // docker/distribution API does not really support that", so c/image refuses it.
    if (!ref.tag.empty() && !ref.digest.empty())
        throw InvalidReferenceError("Docker references with both a tag and digest are currently not supported");
    return std::make_unique<DockerImageReference>(std::move(ref));
}

DockerImageReference::DockerImageReference(DockerReference ref) : ref_(std::move(ref)) {}

std::string familiar_docker_string(const DockerReference& ref) {
    DockerReference familiar = ref;
    if (familiar.domain == default_domain) {
        familiar.domain.clear();
        const std::string_view path = familiar.path;
        if (path.substr(0, official_repository_prefix.size()) == official_repository_prefix &&
            path.find('/', official_repository_prefix.size()) == std::string_view::npos)
            familiar.path.erase(0, official_repository_prefix.size());
    }
    return familiar.string();
}

std::string DockerImageReference::string_with_transport() const { return "docker://" + familiar_docker_string(ref_); }

std::string DockerImageReference::policy_identity() const { return config::docker_reference_identity(ref_); }

std::vector<std::string> DockerImageReference::policy_namespaces() const {
    return reference::docker_policy_namespaces(ref_);
}

// registries.d is read for every image opened, as c/image does for every image source.
std::unique_ptr<ImageSource> DockerImageReference::open(const SystemContext& context) const {
    const auto& log = context.debug_log;
    const config::RegistriesDirectory registries = config::load_registries_d(context.registries_d);
    if (log) log("Using " + config::describe_sources(registries));
    config::SignatureStorage storage = config::signature_storage_for(registries, ref_);
    if (log) {
        log("Using lookaside " + registry::redacted_url(*storage.lookaside) + " for " + ref_.string() + " (" +
            storage.matched_scope + ")");
        log(std::string("Sigstore attachments for ") + ref_.string() + ": " +
            (storage.use_sigstore_attachments || context.force_sigstore_attachments ? "read" : "not read") + " (" +
            (context.force_sigstore_attachments ? "forced" : storage.attachments_scope) + ")");
    }
    auto pool = registry::RegistryPool::for_context(context);
    // c/image reads lookaside over the registry's own HTTP client: the
    // registry host's certs.d material and --tls-verify apply to it.
    registry::TlsSettings lookaside_tls;
    lookaside_tls.verify = context.tls_verify;
    if (context.tls_details) lookaside_tls.details = *context.tls_details;
    const config::CertsDirectory certs = config::certs_for_host(context.cert_dir, ref_.domain);
    lookaside_tls.ca_files = certs.ca_files;
    if (!certs.client_certificates.empty()) {
        lookaside_tls.client_certificate = certs.client_certificates.front().certificate_file;
        lookaside_tls.client_key = certs.client_certificates.front().key_file;
    }
    registry::LookasideReader lookaside(&pool->engine(), std::move(lookaside_tls), context.request_timeout, log,
                                        context.cancel);
    const bool read_attachments = storage.use_sigstore_attachments || context.force_sigstore_attachments;
    return std::make_unique<DockerImageSource>(ref_, pool->repository(ref_), std::move(storage), read_attachments,
                                               std::move(lookaside), log, pool, &pool->manifest_cache());
}

}  // namespace imgtrust::image
