// containers-auth.json(5): which credentials to use for a repository, read the
// way c/image's pkg/docker/config does it.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "imgtrust/reference.hpp"
#include "imgtrust/system_context.hpp"

namespace imgtrust::config {

struct Credentials {
    std::string username;
    std::string password;
    std::string identity_token;  // OAuth2 refresh token ("<token>" from a credential helper, "identitytoken" in a file)
    bool empty() const { return username.empty() && password.empty() && identity_token.empty(); }
};

struct AuthFilePath {
    std::string path;
    bool legacy_format = false;  // ~/.dockercfg: a bare map of registry -> entry
};

// The files to search, in order: --authfile (or REGISTRY_AUTH_FILE) alone when
// given; else $XDG_RUNTIME_DIR/containers/auth.json (skipped when the variable
// names a missing directory; /run/containers/<uid>/auth.json when it is unset),
// ${XDG_CONFIG_HOME:-~/.config}/containers/auth.json,
// $DOCKER_CONFIG/config.json or ~/.docker/config.json, then ~/.dockercfg.
std::vector<AuthFilePath> auth_file_search_paths(const std::optional<std::string>& auth_file);

// The longest a credential helper may run when the caller has no earlier deadline.
inline constexpr std::chrono::seconds credential_helper_timeout{30};

struct CredentialLookup {
    std::optional<Credentials> credentials;  // nullopt: anonymous
    std::string source;                      // for --debug: "--creds", "file F", "credential helper H in file F"
};

// Credentials for repository `name` ("host[:port]/path"): --no-creds → none;
// --creds USER[:PASS] → those; else the first file (of auth_file_search_paths)
// that yields any. Within a file, credHelpers[host] is asked first (only the
// host; the helper's "not found" answer counts as no entry), then auths keys
// from most to least specific (host/ns/repo, host/ns, host), then keys that
// normalise to the host (http(s):// prefixes and paths dropped; docker.io,
// registry-1.docker.io and index.docker.io are one registry). A missing file
// is empty; a malformed one throws ConfigError naming it. A credential helper
// asked on the way must answer by helper_deadline (see credentials_from_helper).
CredentialLookup find_credentials(
    const SystemContext& context, const std::string& name,
    std::chrono::steady_clock::time_point helper_deadline = std::chrono::steady_clock::now() + credential_helper_timeout);

// Runs `docker-credential-<helper> get` with the registry on stdin (posix_spawnp),
// its output bounded to 64 KiB. It must exit by `deadline`, and at most
// credential_helper_timeout from now; otherwise it is killed and reaped and
// FetchError is thrown. Throws ConfigError when the helper cannot run, fails
// (other than "not found"), writes too much or answers something else than a
// JSON object.
std::optional<Credentials> credentials_from_helper(
    const std::string& helper, const std::string& registry,
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::now() + credential_helper_timeout);

}  // namespace imgtrust::config
