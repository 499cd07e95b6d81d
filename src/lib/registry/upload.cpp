#include "registry/upload.hpp"

#include <algorithm>
#include <cctype>

#include "registry/pool_state.hpp"
#include "registry/protocol.hpp"
#include "registry/request_runner.hpp"

namespace imgtrust::registry {
namespace {

std::string header(const HttpResponse& response, const std::string& name) {
    auto found = response.headers.find(name);
    return found == response.headers.end() ? "" : found->second;
}

std::string lowercase(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    return lower;
}

bool has_space_or_control(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](unsigned char c) { return c <= 0x20 || c == 0x7f; });
}

// A refused write: the status and the registry's own message.
[[noreturn]] void refuse(const HttpResponse& response, const std::string& what) {
    const RegistryErrorBody errors = parse_registry_errors(response.body);
    std::string text = what + ": HTTP status " + std::to_string(response.status);
    if (response.status == 401 || response.status == 403) text += " (the credentials do not allow pushing)";
    throw FetchError(errors.message.empty() ? text : text + ": " + errors.message);
}

}  // namespace

std::optional<std::string> upload_location_path(std::string_view location, std::string_view endpoint_host) {
    if (location.empty() || has_space_or_control(location)) return std::nullopt;
    if (location.front() == '/') {
        if (location.size() > 1 && location[1] == '/') return std::nullopt;  // network-path reference
        return std::string(location);
    }
    std::string_view rest;
    const std::string lower = lowercase(location.substr(0, 8));
    if (lower.rfind("https://", 0) == 0) {
        rest = location.substr(8);
    } else if (lower.rfind("http://", 0) == 0) {
        rest = location.substr(7);
    } else {
        return std::nullopt;
    }
    const std::size_t slash = rest.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    const std::string_view authority = rest.substr(0, slash);
    if (authority.find('@') != std::string_view::npos) return std::nullopt;
    if (lowercase(authority) != lowercase(endpoint_host)) return std::nullopt;
    return std::string(rest.substr(slash));
}

std::string with_query_parameter(const std::string& path_and_query, const std::string& name, const std::string& value) {
    const char separator = path_and_query.find('?') == std::string::npos ? '?' : '&';
    return path_and_query + separator + name + "=" + percent_encode(value);
}

namespace {

class RegistryRepositoryWriter : public RepositoryWriter {
public:
    RegistryRepositoryWriter(RegistryPool::Impl& pool, const DockerReference& ref)
        : pool_(pool),
          ref_(ref),
          deadline_(std::chrono::steady_clock::now() + pool.context.timeout),
          runner_(pool, ref.domain, ref.path, deadline_, push_scope()) {}

    bool has_blob(const std::string& digest) override {
        const std::string what = "checking blob " + digest + " in " + ref_.name();
        validate_or_throw(digest, what);
        RegistryRequest request = make_request("HEAD", "/v2/" + ref_.path + "/blobs/" + digest, what);
        const HttpResponse response = runner_.run(request);
        if (response.status == 200) return true;
        if (response.status == 404) return false;
        refuse(response, what);
    }

    void push_blob(const std::string& bytes, const std::string& digest,
                   const std::optional<std::string>& mount_from) override {
        const std::string what = "pushing blob " + digest + " to " + ref_.name();
        validate_or_throw(digest, what);
        if (bytes.size() > max_pushed_blob_bytes)
            throw FetchError(what + ": more than " + std::to_string(max_pushed_blob_bytes) + " bytes");
        if (compute_digest("sha256", bytes) != digest) throw FetchError(what + ": the content has another digest");
        if (has_blob(digest)) return;
        std::string start_path = "/v2/" + ref_.path + "/blobs/uploads/";
        std::optional<RequestRunner> mount_runner;
        if (mount_from && *mount_from != ref_.path) {
            start_path = with_query_parameter(with_query_parameter(start_path, "mount", digest), "from", *mount_from);
            mount_runner.emplace(pool_, ref_.domain, ref_.path, deadline_,
                                 push_scope() + " repository:" + *mount_from + ":pull");
        }
        RequestRunner& starter = mount_runner ? *mount_runner : runner_;
        const HttpResponse started = starter.run(make_request("POST", start_path, what));
        // "If a registry does not support cross-repository mounting or is unable
        // to mount the requested blob, it SHOULD return a 202" (then upload).
        if (mount_runner && started.status == 201) return;
        if (started.status != 202) refuse(started, what);
        const auto location = upload_location_path(header(started, "location"), pool_.host(ref_.domain).endpoint_host);
        if (!location) throw FetchError(what + ": the registry's upload Location is missing or not on the registry");
        RegistryRequest put = make_request("PUT", with_query_parameter(*location, "digest", digest), what);
        put.body = bytes;
        put.headers.push_back("Content-Type: application/octet-stream");
        const HttpResponse finished = runner_.run(put);
        if (finished.status != 201) refuse(finished, what);
        const std::string claimed = header(finished, "docker-content-digest");
        if (!claimed.empty() && claimed != digest)
            throw FetchError(what + ": the registry stored it as " + claimed);
    }

    PushedManifest put_manifest(const std::string& tag_or_digest, const std::string& bytes,
                             const std::string& media_type) override {
        const std::string what = "pushing manifest " + tag_or_digest + " to " + ref_.name();
        const std::string digest = compute_digest("sha256", bytes);
        if (tag_or_digest.find(':') != std::string::npos && tag_or_digest != digest)
            throw FetchError(what + ": the manifest has digest " + digest);
        RegistryRequest put = make_request("PUT", "/v2/" + ref_.path + "/manifests/" + tag_or_digest, what);
        put.body = bytes;
        put.headers.push_back("Content-Type: " + media_type);
        const HttpResponse response = runner_.run(put);
        if (response.status != 201 && response.status != 200) refuse(response, what);
        const std::string claimed = header(response, "docker-content-digest");
        if (!claimed.empty() && claimed != digest) throw FetchError(what + ": the registry stored it as " + claimed);
        return PushedManifest{digest, !header(response, "oci-subject").empty()};
    }

private:
    std::string push_scope() const { return "repository:" + ref_.path + ":pull,push"; }

    static void validate_or_throw(const std::string& digest, const std::string& what) {
        try {
            validate_digest(digest);
        } catch (const Error& error) {
            throw FetchError(what + ": " + error.what());
        }
    }

    static RegistryRequest make_request(const std::string& method, const std::string& path, const std::string& what) {
        RegistryRequest request;
        request.method = method;
        request.path = path;
        request.max_body_bytes = max_push_response_bytes;
        request.what = what;
        request.headers.push_back("Expect:");  // no 100-continue round trip before a body
        return request;
    }

    RegistryPool::Impl& pool_;
    DockerReference ref_;
    std::chrono::steady_clock::time_point deadline_;
    RequestRunner runner_;
};

}  // namespace

std::unique_ptr<RepositoryWriter> make_repository_writer(RegistryPool::Impl& pool, const DockerReference& ref) {
    return std::make_unique<RegistryRepositoryWriter>(pool, ref);
}

}  // namespace imgtrust::registry
