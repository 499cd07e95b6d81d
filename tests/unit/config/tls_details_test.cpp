// containers-tls-details.yaml(5), after c/image v5.40's basetls_test.go and
// tlsdetails_test.go cases (all fields, empty fields, empty document, invalid
// values), with own tables; plus the mapping to OpenSSL names.
#include <catch2/catch.hpp>

#include <openssl/opensslv.h>

#include <optional>
#include <string>
#include <vector>

#include "config/tls_details.hpp"
#include "imgtrust/errors.hpp"
#include "registry/scratch_dir.hpp"

using namespace imgtrust;
using namespace imgtrust::config;

namespace {

TlsDetails parse(const std::string& yaml) { return parse_tls_details(yaml, "details.yaml"); }

}  // namespace

TEST_CASE("tls-details: the man page's example maps to OpenSSL names", "[tls-details]") {
    const TlsDetails details = parse(
        "minVersion: \"1.2\"\n"
        "cipherSuites:\n  - \"TLS_AES_128_GCM_SHA256\"\n  - \"TLS_CHACHA20_POLY1305_SHA256\"\n"
        "namedGroups:\n  - \"secp256r1\"\n  - \"secp384r1\"\n  - \"x25519\"\n");
    // Only TLS 1.3 suites are listed: no TLS 1.0-1.2 suite is allowed, so 1.3 is the minimum.
    CHECK(details.min_version == TlsVersion::tls1_3);
    CHECK(details.cipher_list.empty());
    CHECK(details.tls13_ciphers == "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256");
    CHECK(details.curves == "P-256:P-384:X25519");
    CHECK(details.source == "details.yaml");
}

TEST_CASE("tls-details: accepted documents", "[tls-details]") {
    struct Row {
        const char* name;
        const char* yaml;
        std::optional<TlsVersion> min_version;
        const char* cipher_list;
        const char* tls13_ciphers;
        const char* curves;
    };
    const std::vector<Row> rows{
        {"empty mapping: no settings", "{}", std::nullopt, "", "", ""},
        {"null document: no settings", "null\n", std::nullopt, "", "", ""},
        {"empty fields (empty cipher list: TLS 1.3 only)", "minVersion: \"\"\ncipherSuites: []\nnamedGroups: []\n",
         TlsVersion::tls1_3, "", "", ""},
        {"null fields are unset", "minVersion:\ncipherSuites:\nnamedGroups:\n", std::nullopt, "", "", ""},
        {"1.0", "minVersion: \"1.0\"\n", TlsVersion::tls1_0, "", "", ""},
        {"1.1", "minVersion: '1.1'\n", TlsVersion::tls1_1, "", "", ""},
        {"1.2 unquoted is the text 1.2", "minVersion: 1.2\n", TlsVersion::tls1_2, "", "", ""},
        {"1.3", "minVersion: \"1.3\"\n", TlsVersion::tls1_3, "", "", ""},
        {"TLS 1.2 suites, IANA to OpenSSL names",
         "cipherSuites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256]\n",
         std::nullopt, "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305", "", ""},
        {"TLS 1.2 and 1.3 suites, minVersion kept",
         "minVersion: \"1.2\"\ncipherSuites: [TLS_AES_256_GCM_SHA384, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384]\n",
         TlsVersion::tls1_2, "ECDHE-RSA-AES256-GCM-SHA384", "TLS_AES_256_GCM_SHA384", ""},
        {"minVersion 1.3 is not lowered by TLS 1.2 suites",
         "minVersion: \"1.3\"\ncipherSuites: [TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA]\n", TlsVersion::tls1_3,
         "ECDHE-ECDSA-AES256-SHA", "", ""},
        {"groups", "namedGroups: [secp521r1]\n", std::nullopt, "", "", "P-521"},
    };
    for (const auto& row : rows) {
        INFO(row.name);
        const TlsDetails details = parse(row.yaml);
        CHECK(details.min_version == row.min_version);
        CHECK(details.cipher_list == row.cipher_list);
        CHECK(details.tls13_ciphers == row.tls13_ciphers);
        CHECK(details.curves == row.curves);
    }
}

TEST_CASE("tls-details: refused documents are ConfigErrors naming the file and the value", "[tls-details]") {
    struct Row {
        const char* name;
        const char* yaml;
        const char* message;
    };
    const std::vector<Row> rows{
        {"invalid version", "minVersion: \"this is not a valid version\"\n",
         "unrecognized TLS minimum version \"this is not a valid version\""},
        {"1.4", "minVersion: \"1.4\"\n", "unrecognized TLS minimum version \"1.4\""},
        {"1.20 is not 1.2", "minVersion: 1.20\n", "unrecognized TLS minimum version \"1.20\""},
        {"Go's long version names", "minVersion: VersionTLS12\n", "unrecognized TLS minimum version"},
        {"invalid cipher suite", "cipherSuites: [\"this is not a valid cipher suite\"]\n",
         "unrecognized TLS cipher suite \"this is not a valid cipher suite\""},
        {"an OpenSSL name is not an IANA name", "cipherSuites: [ECDHE-RSA-AES128-GCM-SHA256]\n",
         "unrecognized TLS cipher suite \"ECDHE-RSA-AES128-GCM-SHA256\""},
        {"a suite Go does not know", "cipherSuites: [TLS_DHE_RSA_WITH_AES_128_GCM_SHA256]\n",
         "unrecognized TLS cipher suite"},
        {"an empty suite name", "cipherSuites: [\"\"]\n", "unrecognized TLS cipher suite \"\""},
        {"invalid group", "namedGroups: [\"this is not a valid named group\"]\n",
         "unrecognized TLS named group \"this is not a valid named group\""},
        {"group names are case-sensitive", "namedGroups: [X25519]\n", "unrecognized TLS named group \"X25519\""},
        {"OpenSSL group names are not IANA names", "namedGroups: [P-256]\n", "unrecognized TLS named group"},
        {"unknown field", "minversion: \"1.2\"\n", "field minversion not found"},
        {"duplicate field", "minVersion: \"1.2\"\nminVersion: \"1.3\"\n", "already defined"},
        {"a list where a string goes", "minVersion: [\"1.2\"]\n", "cannot unmarshal"},
        {"a string where a list goes", "cipherSuites: TLS_AES_128_GCM_SHA256\n", "cannot unmarshal"},
        {"not a mapping", "- 1.2\n", "cannot unmarshal"},
        {"an empty document (yaml.v3: EOF)", "", "EOF"},
        {"only a comment", "# nothing\n", "EOF"},
        {"bad syntax", "minVersion: [\n", "details.yaml"},
    };
    for (const auto& row : rows) {
        INFO(row.name);
        CHECK_THROWS_AS(parse(row.yaml), ConfigError);
        CHECK_THROWS_WITH(parse(row.yaml), Catch::Contains(row.message) && Catch::Contains("details.yaml"));
    }
}

TEST_CASE("tls-details: values c/image knows but this OpenSSL cannot provide are refused, not ignored",
          "[tls-details]") {
    // RC4 is not in OpenSSL 3's default provider; X25519MLKEM768 needs OpenSSL 3.5.
    CHECK_THROWS_WITH(parse("cipherSuites: [TLS_RSA_WITH_RC4_128_SHA]\n"),
                      Catch::Contains("TLS cipher suite \"TLS_RSA_WITH_RC4_128_SHA\" is not supported by the OpenSSL in use"));
#if OPENSSL_VERSION_NUMBER < 0x30500000L
    CHECK_THROWS_WITH(parse("namedGroups: [X25519MLKEM768]\n"),
                      Catch::Contains("TLS named group \"X25519MLKEM768\" is not supported by the OpenSSL in use"));
#endif
}

TEST_CASE("tls-details: files", "[tls-details]") {
    ScratchDir dir;
    const std::string good = dir.write("good.yaml", "minVersion: \"1.3\"\n");
    CHECK(load_tls_details_file(good).min_version == TlsVersion::tls1_3);
    CHECK(load_tls_details_file(good).source == good);
    CHECK_THAT(describe_tls_details(load_tls_details_file(good)), Catch::Contains("minimum version 1.3"));
    CHECK_THROWS_WITH(load_tls_details_file(dir.file("missing.yaml")), Catch::Contains("missing.yaml"));
    CHECK_THROWS_AS(load_tls_details_file(dir.path()), ConfigError);  // a directory
    const std::string huge = dir.write("huge.yaml", "minVersion: \"1.2\"\n" + std::string(max_tls_details_bytes, '#'));
    CHECK_THROWS_AS(load_tls_details_file(huge), ConfigError);
}
