#include "registry/repository_client.hpp"

#include <rapidjson/document.h>

#include <algorithm>

#include "registry/pool_state.hpp"
#include "registry/referrers.hpp"
#include "registry/request_runner.hpp"
#include "registry/signature_extension.hpp"
#include "util/untrusted_json.hpp"

namespace imgtrust::registry {
namespace {

constexpr std::size_t max_manifest_bytes = 4 * 1024 * 1024;

// c/image's DefaultRequestedManifestMIMETypes: schema1 is asked for too, so that it is recognised and refused.
const char* const manifest_accept =
    "Accept: application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json, "
    "application/vnd.docker.distribution.manifest.v1+prettyjws, "
    "application/vnd.docker.distribution.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.oci.image.index.v1+json";

bool is_digest(const std::string& tag_or_digest) { return tag_or_digest.find(':') != std::string::npos; }

std::string header(const HttpResponse& response, const std::string& name) {
    auto found = response.headers.find(name);
    return found == response.headers.end() ? "" : found->second;
}

// 404, or an error code that says the thing is unknown (c/image's isManifestUnknownError).
bool is_not_found(const HttpResponse& response, const RegistryErrorBody& errors) {
    if (response.status == 404) return true;
    if (response.status < 400 || response.status >= 500) return false;
    return std::any_of(errors.codes.begin(), errors.codes.end(), [](const std::string& code) {
        return code == "MANIFEST_UNKNOWN" || code == "NAME_UNKNOWN" || code == "BLOB_UNKNOWN";
    });
}

std::string describe_failure(const HttpResponse& response, const RegistryErrorBody& errors) {
    std::string text = "HTTP status " + std::to_string(response.status);
    return errors.message.empty() ? text : text + ": " + errors.message;
}

// The "mediaType" member, or schemaVersion 1 (schema1 carries no media type).
// Read through util::parse_untrusted_json; a body that is not a JSON object
// (too deep included) has no shape here and is refused later, where the
// manifest is decoded ("is not a JSON object").
struct ManifestShape {
    std::string media_type;
    bool schema1 = false;
};
ManifestShape inspect(const std::string& bytes) {
    ManifestShape shape;
    rapidjson::Document document;
    const util::JsonOptions options{{max_manifest_bytes, util::max_json_depth}};
    if (util::parse_untrusted_json(bytes, document, options) || !document.IsObject()) return shape;
    auto media = document.FindMember("mediaType");
    if (media != document.MemberEnd() && media->value.IsString()) shape.media_type = media->value.GetString();
    auto version = document.FindMember("schemaVersion");
    shape.schema1 = version != document.MemberEnd() && version->value.IsInt() && version->value.GetInt() == 1;
    return shape;
}

bool is_schema1_type(const std::string& media_type) {
    return media_type == "application/vnd.docker.distribution.manifest.v1+json" ||
           media_type == "application/vnd.docker.distribution.manifest.v1+prettyjws";
}

class RegistryRepositoryClient : public RepositoryClient {
public:
    RegistryRepositoryClient(RegistryPool::Impl& pool, const DockerReference& ref)
        : pool_(pool),
          reference_host_(ref.domain),
          name_(ref.name()),
          path_(ref.path),
          runner_(pool, ref.domain, ref.path, std::chrono::steady_clock::now() + pool.context.timeout) {}

    FetchedManifest get_manifest(const std::string& tag_or_digest) override { return fetch_manifest(tag_or_digest); }

    std::optional<FetchedManifest> find_manifest(const std::string& tag_or_digest) override {
        try {
            return fetch_manifest(tag_or_digest);
        } catch (const NotFoundError&) {
            return std::nullopt;
        }
    }

    std::string get_blob(const std::string& digest, std::size_t max_bytes) override;

    ReferrersSource list_referrers(const std::string& digest, const std::string& artifact_type,
                                   const std::function<bool(const ReferrersPage&)>& on_page) override;

    std::string get_extension_signatures(const std::string& digest) override {
        return fetch_extension_signature_list(runner_, path_, name_, digest);
    }

private:
    // The API's pages; false when the registry answered as lacking the API.
    bool list_referrers_from_api(const std::string& digest, const std::string& artifact_type,
                                 const std::function<bool(const ReferrersPage&)>& on_page);
    void list_referrers_from_tag(const std::string& digest, const std::function<bool(const ReferrersPage&)>& on_page);
    FetchedManifest fetch_manifest(const std::string& tag_or_digest);
    static void verify_manifest_digest(const std::string& tag_or_digest, const HttpResponse& response,
                                       const std::string& sha256_of_body, const std::string& what);

    RegistryPool::Impl& pool_;
    std::string reference_host_;
    std::string name_;
    std::string path_;
    RequestRunner runner_;
};

void require_valid_digest(const std::string& digest, const std::string& what) {
    try {
        validate_digest(digest);
    } catch (const Error& error) {
        throw FetchError(what + ": " + error.what());
    }
}

namespace {

// Anything but 200 is an error carrying the registry's own message; 404 and
// the *_UNKNOWN error codes are NotFoundError.
void require_success(const HttpResponse& response, const std::string& what) {
    if (response.status == 200) return;
    const RegistryErrorBody errors = parse_registry_errors(response.body);
    if (is_not_found(response, errors)) throw NotFoundError(what + ": " + describe_failure(response, errors));
    throw FetchError(what + ": " + describe_failure(response, errors));
}

}  // namespace

FetchedManifest RegistryRepositoryClient::fetch_manifest(const std::string& tag_or_digest) {
    const std::string what = "reading manifest " + tag_or_digest + " in " + name_;
    if (is_digest(tag_or_digest)) require_valid_digest(tag_or_digest, what);
    RegistryRequest request;
    request.path = "/v2/" + path_ + "/manifests/" + tag_or_digest;
    request.headers.push_back(manifest_accept);
    request.max_body_bytes = max_manifest_bytes;
    request.what = what;
    HttpResponse response = runner_.run(request);
    require_success(response, what);
    FetchedManifest manifest;
    manifest.digest = compute_digest("sha256", response.body);  // hashed once, used for every check below
    verify_manifest_digest(tag_or_digest, response, manifest.digest, what);
    manifest.supports_signature_extension = announces_signature_extension(response);
    manifest.bytes = std::move(response.body);
    manifest.media_type = simplify_content_type(header(response, "content-type"));
    const ManifestShape shape = inspect(manifest.bytes);
    if (is_schema1_type(manifest.media_type) || is_schema1_type(shape.media_type) || shape.schema1) {
        throw FetchError(what + ": Docker schema1 manifests are not supported");
    }
    if (manifest.media_type.empty() || manifest.media_type == "text/plain" ||
        manifest.media_type == "application/octet-stream") {
        manifest.media_type = shape.media_type;
    }
    return manifest;
}

// A digest reference must name the bytes; for a tag, a Docker-Content-Digest
// the registry sends must agree with them.
void RegistryRepositoryClient::verify_manifest_digest(const std::string& tag_or_digest, const HttpResponse& response,
                                                      const std::string& sha256_of_body, const std::string& what) {
    // The body's digest with the algorithm `digest` names (the sha256 one is already known).
    const auto content_digest = [&](const std::string& digest) {
        const std::string algorithm = digest.substr(0, digest.find(':'));
        return algorithm == "sha256" ? sha256_of_body : compute_digest(algorithm, response.body);
    };
    if (is_digest(tag_or_digest)) {
        const std::string actual = content_digest(tag_or_digest);
        if (actual != tag_or_digest)
            throw FetchError(what + ": manifest digest mismatch: the registry returned content with digest " + actual);
        return;
    }
    const std::string claimed = header(response, "docker-content-digest");
    if (claimed.empty()) return;
    try {
        validate_digest(claimed);
    } catch (const Error&) {
        return;  // an algorithm we do not know: nothing to check it against
    }
    const std::string actual = content_digest(claimed);
    if (actual != claimed) {
        throw FetchError(what + ": manifest digest mismatch: Docker-Content-Digest is " + claimed + " but the content is " +
                         actual);
    }
}

std::string RegistryRepositoryClient::get_blob(const std::string& digest, std::size_t max_bytes) {
    const std::string what = "reading blob " + digest + " in " + name_;
    require_valid_digest(digest, what);
    RegistryRequest request;
    request.path = "/v2/" + path_ + "/blobs/" + digest;
    request.max_body_bytes = max_bytes;
    request.follow_redirects = true;
    request.what = what;
    HttpResponse response = runner_.run(request);
    require_success(response, what);
    const std::string actual = compute_digest(digest.substr(0, digest.find(':')), response.body);
    if (actual != digest) throw FetchError(what + ": blob digest mismatch: the content has digest " + actual);
    return std::move(response.body);
}

ReferrersSource RegistryRepositoryClient::list_referrers(const std::string& digest, const std::string& artifact_type,
                                                        const std::function<bool(const ReferrersPage&)>& on_page) {
    require_valid_digest(digest, "listing referrers of " + digest + " in " + name_);
    if (pool_.host(reference_host_).referrers_api_missing) {
        pool_.debug(reference_host_ + " has no referrers API (known from an earlier request): using the referrers tag");
    } else if (list_referrers_from_api(digest, artifact_type, on_page)) {
        return ReferrersSource::api;
    }
    list_referrers_from_tag(digest, on_page);
    return ReferrersSource::tag_schema;
}

// distribution-spec: "A `Link` header MUST be included in the response when the
// descriptor list cannot be returned in a single manifest"; each page is read
// as the first one is, bounded in size and in number.
bool RegistryRepositoryClient::list_referrers_from_api(const std::string& digest, const std::string& artifact_type,
                                                       const std::function<bool(const ReferrersPage&)>& on_page) {
    const std::string referrers_path = "/v2/" + path_ + "/referrers/" + digest;
    std::string request_path = referrers_path + (artifact_type.empty() ? "" : "?artifactType=" + percent_encode(artifact_type));
    for (std::size_t page = 1;; ++page) {
        const std::string what = "listing referrers of " + digest + " in " + name_ + " (page " + std::to_string(page) + ")";
        RegistryRequest request;
        request.path = request_path;
        request.headers.push_back("Accept: " + std::string(oci_index_content_type));
        request.max_body_bytes = max_manifest_bytes;
        request.what = what;
        HttpResponse response = runner_.run(request);
        const std::string content_type = simplify_content_type(header(response, "content-type"));
        if (page == 1 && referrers_api_missing(response.status, content_type)) {
            pool_.remember_referrers_api_missing(reference_host_);
            pool_.debug(reference_host_ + " has no referrers API (HTTP status " + std::to_string(response.status) +
                        (response.status == 200 ? ", Content-Type \"" + content_type + "\"" : "") +
                        "): using the referrers tag schema for the rest of the run");
            return false;
        }
        if (response.status != 200) throw FetchError(what + ": " + describe_failure(response, parse_registry_errors(response.body)));
        if (content_type != oci_index_content_type)
            throw FetchError(what + ": unexpected Content-Type \"" + content_type + "\" for a referrers list");
        const std::string link = header(response, "link");
        ReferrersPage listed{std::move(response.body), content_type,
                             artifact_type_filter_applied(header(response, "oci-filters-applied")), false};
        if (!on_page(listed)) return true;
        if (link.size() > max_link_header_bytes)
            throw FetchError(what + ": the Link header is longer than " + std::to_string(max_link_header_bytes) + " bytes");
        const auto target = link_next_target(link);
        if (!target) return true;
        const auto next = next_page_request_path(*target, pool_.host(reference_host_).endpoint_host, referrers_path);
        if (!next) throw FetchError(what + ": the next page's link leaves the referrers endpoint of " + name_ + ": " + *target);
        if (page >= max_referrers_pages)
            throw FetchError(what + ": the referrers list has more than " + std::to_string(max_referrers_pages) + " pages");
        request_path = *next;
    }
}

// "If the response to the referrers API is a 404, and the tag schema does not
// return a valid image index, the client SHOULD assume there are no referrers":
// a missing tag gives no page; the page's media type tells the caller the rest.
void RegistryRepositoryClient::list_referrers_from_tag(const std::string& digest,
                                                       const std::function<bool(const ReferrersPage&)>& on_page) {
    const std::string tag = referrers_tag(digest);
    std::optional<FetchedManifest> index = find_manifest(tag);
    if (!index) {
        pool_.debug("No referrers tag " + name_ + ":" + tag + ": no referrers");
        return;
    }
    on_page(ReferrersPage{std::move(index->bytes), std::move(index->media_type), false, true});
}

}  // namespace

std::unique_ptr<RepositoryClient> make_repository_client(RegistryPool::Impl& pool, const DockerReference& ref) {
    return std::make_unique<RegistryRepositoryClient>(pool, ref);
}

}  // namespace imgtrust::registry
