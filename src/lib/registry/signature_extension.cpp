// docker_client.go: `extensionsSignaturePath = "/extensions/v2/%s/signatures/%s"`,
// requested with the repository's pull authentication; "if res.StatusCode !=
// http.StatusOK" the read fails, and the body is read with
// iolimits.ReadAtMost(res.Body, iolimits.MaxSignatureListBodySize). Decoding
// the list is the image layer's job (image/extension_signatures.cpp).
#include "registry/signature_extension.hpp"

#include "imgtrust/errors.hpp"
#include "imgtrust/reference.hpp"
#include "registry/protocol.hpp"

namespace imgtrust::registry {

bool announces_signature_extension(const HttpResponse& response) {
    const auto found = response.headers.find("x-registry-supports-signatures");
    return found != response.headers.end() && found->second == "1";
}

std::string fetch_extension_signature_list(RequestRunner& runner, const std::string& repository_path,
                                           const std::string& name, const std::string& digest) {
    const std::string what = "downloading signatures for " + digest + " in " + name;
    try {
        validate_digest(digest);  // "Make sure manifestDigest.String() does not contain any unexpected characters"
    } catch (const Error& error) {
        throw FetchError(what + ": " + error.what());
    }
    RegistryRequest request;
    request.path = "/extensions/v2/" + repository_path + "/signatures/" + digest;
    request.max_body_bytes = max_signature_list_bytes;
    request.what = what;
    HttpResponse response = runner.run(request);
    if (response.status != 200) {
        const RegistryErrorBody errors = parse_registry_errors(response.body);
        throw FetchError(what + ": HTTP status " + std::to_string(response.status) +
                         (errors.message.empty() ? "" : ": " + errors.message));
    }
    return std::move(response.body);
}

}  // namespace imgtrust::registry
