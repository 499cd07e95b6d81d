// containers-tls-details.yaml(5) (--tls-details): the minimum TLS version,
// cipher suites and groups of every registry and lookaside connection. The
// parsed settings are opaque; SystemContext::tls_details holds them.
#pragma once

#include <memory>
#include <string>

#include "imgtrust/export.hpp"
#include "imgtrust/system_context.hpp"

namespace imgtrust {

// Reads (a regular file, at most 64 KiB) and parses `path` strictly, as c/image
// v5.40 does: unknown or duplicate keys, unknown names and anything the OpenSSL
// in use cannot provide throw ConfigError naming the file and the value.
// Assign the result to SystemContext::tls_details.
IMGTRUST_API std::shared_ptr<const config::TlsDetails> load_tls_details_file(const std::string& path);

// One line saying what the settings apply ("TLS details from F: minimum
// version 1.3; TLS 1.0-1.2 ciphers …; groups …"), for --debug.
IMGTRUST_API std::string describe_tls_details(const config::TlsDetails& details);

}  // namespace imgtrust
