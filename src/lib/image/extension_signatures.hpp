// Decoding the OpenShift signature API's answer (registry/signature_extension.hpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace imgtrust::image {

// c/image's extensionSignatureList, decoded as json.Unmarshal does: the raw
// simple-signing blobs of the entries with "schemaVersion": 2 and
// "type": "atomic", in list order (other entries are skipped, as c/image
// skips them). More than max_signatures such entries, or a body that does not
// decode, is a FetchError naming `where`.
std::vector<std::string> decode_extension_signatures(std::string_view untrusted_body, const std::string& where);

}  // namespace imgtrust::image
