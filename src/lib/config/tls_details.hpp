// containers-tls-details.yaml(5): minVersion, cipherSuites and namedGroups,
// read as c/image v5.40's pkg/cli/basetls/tlsdetails (strict YAML, known
// names only) and turned into what libcurl with OpenSSL is told. "There is no
// default location for these files": only --tls-details names one.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace imgtrust::config {

enum class TlsVersion { tls1_0, tls1_1, tls1_2, tls1_3 };

// What every TLS connection of the run uses; unset/empty members keep
// libcurl's and OpenSSL's defaults (an empty file changes nothing).
struct TlsDetails {
    std::optional<TlsVersion> min_version;  // CURLOPT_SSLVERSION (minimum)
    std::string cipher_list;                // CURLOPT_SSL_CIPHER_LIST: OpenSSL names for TLS 1.0-1.2, ':'-joined
    std::string tls13_ciphers;              // CURLOPT_TLS13_CIPHERS: TLS 1.3 suites, ':'-joined
    std::string curves;                     // CURLOPT_SSL_EC_CURVES: OpenSSL group names, ':'-joined
    std::string source;                     // the file, for --debug
};

inline constexpr std::size_t max_tls_details_bytes = 64 * 1024;

// Parses one document. Unknown or duplicate keys, wrong types, an empty
// document, and any value c/image does not recognise, or that the OpenSSL in
// use cannot provide, throw ConfigError naming `source` and the value.
//
// cipherSuites (IANA names Go's crypto/tls knows): the TLS 1.0-1.2 suites
// listed are the only ones allowed; when none is listed, TLS 1.0-1.2 cannot be
// negotiated (as in c/image, whose Go TLS has then no such suite) and the
// minimum version becomes 1.3. TLS 1.3 suites listed restrict TLS 1.3 to them
// (Go cannot do this; the man page asks for it); none listed keeps the
// defaults. namedGroups: the groups allowed; an empty list keeps the
// defaults, as Go treats an empty CurvePreferences.
TlsDetails parse_tls_details(std::string_view yaml, const std::string& source);

// Reads (regular file, at most max_tls_details_bytes) and parses `path`.
TlsDetails load_tls_details_file(const std::string& path);

// "minVersion 1.3, 2 TLS 1.2 suite(s), ..." for --debug.
std::string describe_tls_details(const TlsDetails& details);

}  // namespace imgtrust::config
