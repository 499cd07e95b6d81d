// containers-certs.d(5): per-registry TLS material, found and read the way
// c/image's dockerCertDir and tlsclientconfig.SetupCertificates do it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/config_roots.hpp"

namespace imgtrust::config {

struct ClientCertificate {
    std::string certificate_file;  // <name>.cert
    std::string key_file;          // <name>.key
};

struct CertsDirectory {
    std::string directory;                   // the directory that was used (for --debug)
    std::vector<std::string> ca_files;       // *.crt, in name order
    std::vector<ClientCertificate> client_certificates;  // *.cert/*.key pairs, in name order
};

// --cert-dir when given; else, as c/image v5.40's dockerCertDir, the first
// existing "<root>/<host_port>" of config::drop_in_directories(roots, "certs")
// (per-user certs.d; /etc/containers/certs.rootless.d/<UID> and
// certs.rootless.d, or certs.rootful.d; /etc/containers/certs.d; the same under
// /usr/share/containers) and then roots.docker_certs_dir (/etc/docker/certs.d).
// A candidate that cannot be checked for lack of permission is skipped, as
// c/image does; other failures throw ConfigError. "" when none exists.
// host_port is the reference's host as written (docker.io, not registry-1.docker.io).
std::string cert_dir_for_host(const std::optional<std::string>& cert_dir, const std::string& host_port);
std::string cert_dir_for_host_in(const std::optional<std::string>& cert_dir, const std::string& host_port,
                                 const ConfigRoots& roots);

// Reads the directory: "", a missing or an unreadable one is empty. "*.crt" files are
// CAs; "X.cert" needs "X.key" and "X.key" needs "X.cert" in the same directory,
// otherwise ConfigError ("missing key X.key for client certificate X.cert").
CertsDirectory read_certs_dir(const std::string& directory);

// cert_dir_for_host + read_certs_dir.
CertsDirectory certs_for_host(const std::optional<std::string>& cert_dir, const std::string& host_port);

}  // namespace imgtrust::config
