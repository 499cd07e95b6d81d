// containers-tls-details.yaml(5) for --tls-details: strict YAML through the
// untrusted-YAML gateway, then minVersion / cipherSuites / namedGroups mapped to
// OpenSSL names and checked against the OpenSSL in use.
#include "fuzz_support.hpp"

#include "config/tls_details.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view untrusted_yaml = imgtrust::fuzz::as_text(data, size);
    imgtrust::fuzz::ignore_rejection([&] {
        const auto details = imgtrust::config::parse_tls_details(untrusted_yaml, "fuzz.yaml");
        (void)imgtrust::config::describe_tls_details(details);
    });
    return 0;
}
