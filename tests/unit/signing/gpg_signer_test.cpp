// gpg_sign_payload in a temporary GNUPGHOME with keys made by gpg in the test;
// the result is checked by `gpg --decrypt` (gpg's own verification) and by
// this repo's OpenPGP verifier (every built engine).
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "imgtrust/errors.hpp"
#include "signature/openpgp_verifier.hpp"
#include "signing/gpg_signer.hpp"

using namespace imgtrust;

namespace {

std::string run(const std::string& command) {
    std::string out;
    FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe);
    char buffer[4096];
    std::size_t got = 0;
    while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, got);
    int status = ::pclose(pipe);
    INFO(command);
    REQUIRE(status == 0);
    return out;
}

// A throwaway GNUPGHOME with a passphrase-less key and a passphrase-protected one.
struct TemporaryGnupgHome {
    std::string home;
    std::string plain_fingerprint, protected_fingerprint;

    TemporaryGnupgHome() {
        char pattern[] = "/tmp/imgtrust-gpgsign-XXXXXX";
        REQUIRE(::mkdtemp(pattern));
        home = pattern;
        plain_fingerprint = generate("plain <plain@example.test>", "");
        protected_fingerprint = generate("protected <protected@example.test>", "key-passphrase");
    }
    ~TemporaryGnupgHome() {
        std::system(("gpgconf --homedir " + home + " --kill gpg-agent >/dev/null 2>&1").c_str());
        std::filesystem::remove_all(home);
    }
    std::string gpg() const { return "gpg --homedir " + home + " --batch --no-tty --quiet "; }

    std::string generate(const std::string& uid, const std::string& passphrase) {
        run(gpg() + "--pinentry-mode loopback --passphrase '" + passphrase + "' --quick-gen-key '" + uid +
            "' ed25519 sign never 2>/dev/null");
        std::string listing = run(gpg() + "--with-colons --list-secret-keys '" + uid + "'");
        auto at = listing.find("\nfpr:");
        REQUIRE(at != std::string::npos);
        std::string line = listing.substr(at + 1, listing.find('\n', at + 1) - at - 1);
        return line.substr(line.rfind(':', line.size() - 2) + 1, 40);
    }
};

std::string write_temporary(const std::string& dir, const std::string& name, const std::string& bytes) {
    std::string path = dir + "/" + name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}

}  // namespace

TEST_CASE("gpg_sign_payload: an opaque signed message gpg and imgtrust's verifiers accept") {
    TemporaryGnupgHome keys;
    const std::string payload = R"({"critical":{"identity":{"docker-reference":"r.example/a:1"}}})";
    std::string signature = signing::gpg_sign_payload(keys.plain_fingerprint, payload, keys.home);
    REQUIRE_FALSE(signature.empty());
    CHECK((static_cast<unsigned char>(signature[0]) & 0x80) != 0);  // binary OpenPGP packets, not ASCII armor
    std::string path = write_temporary(keys.home, "signature", signature);
    CHECK(run(keys.gpg() + "--decrypt " + path + " 2>/dev/null") == payload);
    std::string public_key = run(keys.gpg() + "--export " + keys.plain_fingerprint);
    for (std::string_view engine : {signature::openpgp_engine_gpgme, signature::openpgp_engine_rnp}) {
        try {
            signature::check_openpgp_engine(engine);
        } catch (const ConfigError&) {
            continue;  // not built in
        }
        auto verifier = signature::make_openpgp_verifier(engine, {public_key});
        signature::OpenPgpVerifiedMessage verified = verifier->verify_message(signature);
        CHECK(verified.signed_content == payload);
        CHECK(verified.signing_primary == keys.plain_fingerprint);
    }
}

TEST_CASE("gpg_sign_payload: a passphrase through loopback; wrong passphrase, unknown key are ConfigErrors") {
    TemporaryGnupgHome keys;
    const std::string payload = "payload";
    std::string signature =
        signing::gpg_sign_payload(keys.protected_fingerprint, payload, keys.home, [] { return std::string("key-passphrase"); });
    std::string path = write_temporary(keys.home, "signature", signature);
    CHECK(run(keys.gpg() + "--decrypt " + path + " 2>/dev/null") == payload);
    run("gpgconf --homedir " + keys.home + " --kill gpg-agent");  // forget the cached passphrase
    CHECK_THROWS_WITH(signing::gpg_sign_payload(keys.protected_fingerprint, payload, keys.home, [] { return std::string("wrong"); }),
                      Catch::Contains("wrong passphrase"));
    CHECK_THROWS_WITH(signing::gpg_sign_payload("0000000000000000000000000000000000000000", payload, keys.home),
                      Catch::Contains("no secret key 0000000000000000000000000000000000000000"));
}
