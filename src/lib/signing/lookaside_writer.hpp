// Writing simple (GPG) signatures to the lookaside that registries.d names
// for writing, as `skopeo copy --sign-by` does through c/image: the most
// specific section (identity, namespaces, then default-docker) whose
// `lookaside-staging` (else `lookaside`; the deprecated sigstore-staging /
// sigstore likewise) is set, else the built-in default; the signature goes to
// <base>/<repository path>@sha256=<hex>/signature-N, N the first free number
// after the existing ones. Only file:// is written: c/image itself refuses to
// write to http(s) lookasides ("writing to … is not supported").
#pragma once

#include <string>

#include "config/registries_d.hpp"
#include "imgtrust/reference.hpp"
#include "util/digest.hpp"

namespace imgtrust::signing {

// The base URL c/image writes signatures of `ref` to.
std::string lookaside_for_writing(const config::RegistriesDirectory& config, const DockerReference& ref);

// Throws ConfigError unless base_url is a file:// URL (the only kind written).
void require_writable_lookaside(const std::string& base_url);

// Writes `signature` as the next signature-N of manifest_digest; returns the
// file's path. Throws ConfigError for a non-file:// lookaside, FetchError for
// a write failure or 128 signatures already there.
std::string write_lookaside_signature(const std::string& base_url, const std::string& repository_path,
                                      const util::Digest& manifest_digest, const std::string& signature);

}  // namespace imgtrust::signing
