// The on-disk form of one signature, as c/image's dir: transport and lookaside
// storage write it: raw OpenPGP bytes (simple signing), or a zero byte, a
// format name and a newline followed by the format's data.
#pragma once

#include <string>
#include <string_view>

#include "imgtrust/image.hpp"

namespace imgtrust::image {

// c/image's signature.FromBlob. Throws FetchError (naming `where`) for an empty
// blob, an unknown format, or a sigstore-json body that is not the expected JSON.
UntrustedSignature parse_signature_blob(std::string_view blob, const std::string& where);

// The inverse, for writers and tests: c/image's signature.Blob.
std::string serialize_signature_blob(const UntrustedSignature& signature);

}  // namespace imgtrust::image
