// The OpenShift registry signature API ("X-Registry-Supports-Signatures"), as
// c/image's dockerClient.getExtensionsSignatures reads it.
#pragma once

#include <cstddef>
#include <string>

#include "registry/request_runner.hpp"

namespace imgtrust::registry {

// c/image's iolimits.MaxSignatureListBodySize.
inline constexpr std::size_t max_signature_list_bytes = 4 * 1024 * 1024;

// Does a response announce the extension? c/image: "X-Registry-Supports-Signatures" == "1".
bool announces_signature_extension(const HttpResponse& response);

// GET /extensions/v2/<repository_path>/signatures/<digest> through `runner`
// (pull-scope auth, retries, deadline): the body as received, at most
// max_signature_list_bytes. The digest must be valid; anything but 200 is a
// FetchError "downloading signatures for <digest> in <name>: …".
std::string fetch_extension_signature_list(RequestRunner& runner, const std::string& repository_path,
                                           const std::string& name, const std::string& digest);

}  // namespace imgtrust::registry
