// verify_embedded_scts: leaves whose SCTs were written by the RFC 6962 writer
// of tests/fixtures/sigstore/generate_timestamps_scts.py (python3-cryptography),
// then the certificates of the sigstore-conformance cases that exercise SCTs.
#include <catch2/catch.hpp>
#include <openssl/ct.h>
#include <openssl/err.h>
#include <stdlib.h>
#include <unistd.h>

#include "signature/rejection.hpp"
#include "sigstore/sct.hpp"
#include "timestamp_sct_test_support.hpp"

using namespace imgtrust::sigstore;
using imgtrust::signature::SignatureRejected;
using namespace timestamp_sct_test;

namespace {

constexpr std::time_t kSctSecond = 1748736000;  // the fixtures' SCTs are at 2025-06-01T00:00:00.123Z

TrustedRoot root_with_logs(std::vector<TransparencyLog> logs) {
    TrustedRoot root;
    root.ctlogs = std::move(logs);
    return root;
}

TrustedRoot test_root() { return root_with_logs({ct_log(key_pem("ct-log.pub")), ct_log(key_pem("ct-log-rsa.pub"))}); }

std::string rejection(const TrustedRoot& root, const std::string& leaf, const std::string& issuer = "sct-issuer.pem") {
    try {
        verify_embedded_scts(root, certificate_pem(leaf), certificate_pem(issuer));
    } catch (const SignatureRejected& rejected) {
        return rejected.what();
    }
    return "";
}

}  // namespace

TEST_CASE("an SCT from a trusted log over the precertificate verifies") {
    CHECK(rejection(test_root(), "sct-good.pem").empty());
    CHECK(rejection(test_root(), "sct-rsa-log.pem").empty());
    CHECK(rejection(test_root(), "sct-with-extensions.pem").empty());  // the extensions are signed too
}

TEST_CASE("one verifying SCT is enough") {
    CHECK(rejection(test_root(), "sct-second-of-two-valid.pem").empty());
}

TEST_CASE("an SCT from a log the root does not list is not counted") {
    CHECK_THAT(rejection(test_root(), "sct-unknown-log.pem"),
               Catch::StartsWith("no valid SCT among the 1 the certificate embeds") && Catch::Contains("is not a ctlog of the trusted root"));
    // Listed under another log id, the same key does not make it known.
    TransparencyLog renamed = ct_log(key_pem("ct-log-other.pub"));
    renamed.log_id = std::string(32, 'x');
    CHECK_THAT(rejection(root_with_logs({renamed}), "sct-unknown-log.pem"), Catch::Contains("is not a ctlog of the trusted root"));
}

TEST_CASE("an SCT whose signature does not verify with the log's key is not counted") {
    CHECK_THAT(rejection(test_root(), "sct-wrong-log-key.pem"), Catch::Contains("has a signature that its key does not verify"));
    CHECK_THAT(rejection(test_root(), "sct-tampered-signature.pem"), Catch::Contains("has a signature that its key does not verify"));
    // The root's log id with another log's key.
    TransparencyLog wrong_key = ct_log(key_pem("ct-log.pub"));
    wrong_key.key = key_pem("ct-log-other.pub");
    CHECK_THAT(rejection(root_with_logs({wrong_key}), "sct-good.pem"), Catch::Contains("has a signature that its key does not verify"));
}

TEST_CASE("the issuer key hash binds the SCT to the issuing certificate") {
    CHECK_THAT(rejection(test_root(), "sct-good.pem", "tsa-root.pem"), Catch::Contains("has a signature that its key does not verify"));
}

TEST_CASE("an SCT counts only inside its log's validFor, both ends inclusive at millisecond precision") {
    auto with_window = [](std::optional<std::time_t> start, std::optional<std::time_t> end) {
        TransparencyLog log = ct_log(key_pem("ct-log.pub"));
        log.valid_for = {start, end};
        return rejection(root_with_logs({log}), "sct-good.pem");
    };
    CHECK(with_window(kSctSecond, kSctSecond + 1).empty());
    CHECK_THAT(with_window(std::nullopt, kSctSecond), Catch::Contains("outside the log's validFor window"));  // .123 s after end
    CHECK_THAT(with_window(kSctSecond + 1, std::nullopt), Catch::Contains("outside the log's validFor window"));
}

TEST_CASE("a leaf without SCTs is rejected when the root lists CT logs, and not checked otherwise") {
    CHECK_THAT(rejection(test_root(), "sct-none.pem"), Catch::Contains("no valid SCT: the certificate embeds no SCT list"));
    CHECK(rejection(TrustedRoot{}, "sct-none.pem").empty());
    CHECK(rejection(TrustedRoot{}, "sct-wrong-log-key.pem").empty());
}

TEST_CASE("conformance: embedded SCTs of real Fulcio certificates") {
    for (const char* name : {"bundle-with-sct-with-extensions", "rekor2-happy-path", "rekor2-timestamp-with-embedded-cert"}) {
        INFO(name);
        ConformanceCase loaded = conformance_case(name);
        REQUIRE_FALSE(loaded.issuer_der.empty());
        CHECK_NOTHROW(verify_embedded_scts(loaded.root, certificate_der(loaded.leaf_der), certificate_der(loaded.issuer_der)));
    }
}

TEST_CASE("conformance: invalid-ct-key_fail (the SCT's log is not a ctlog of the root)") {
    ConformanceCase loaded = conformance_case("invalid-ct-key_fail");
    REQUIRE_FALSE(loaded.issuer_der.empty());
    try {
        verify_embedded_scts(loaded.root, certificate_der(loaded.leaf_der), certificate_der(loaded.issuer_der));
        FAIL("accepted");
    } catch (const SignatureRejected& rejected) {
        CHECK_THAT(rejected.what(), Catch::Contains("is not a ctlog of the trusted root"));
    }
}

// OpenSSL's own SCT_validate as a second opinion on the signature rule. It
// takes logs only from a CT log list file, so the test writes one; it knows
// nothing of validFor, so only logs without a window are compared.
namespace {

struct CtlogStoreDeleter {
    void operator()(CTLOG_STORE* store) const { CTLOG_STORE_free(store); }
};
struct PolicyDeleter {
    void operator()(CT_POLICY_EVAL_CTX* context) const { CT_POLICY_EVAL_CTX_free(context); }
};

bool openssl_accepts(const TrustedRoot& root, const Certificate& leaf, const Certificate& issuer) {
    char path[] = "/tmp/imgtrust-ctlogs-XXXXXX";
    int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    std::string list = "enabled_logs = ";
    for (std::size_t i = 0; i < root.ctlogs.size(); ++i) list += (i ? ",log" : "log") + std::to_string(i);
    list += "\n";
    for (std::size_t i = 0; i < root.ctlogs.size(); ++i)
        list += "[log" + std::to_string(i) + "]\ndescription = log " + std::to_string(i) +
                "\nkey = " + imgtrust::util::base64_encode(root.ctlogs[i].key.subject_public_key_info_der()) + "\n";
    REQUIRE(write(fd, list.data(), list.size()) == static_cast<ssize_t>(list.size()));
    close(fd);
    std::unique_ptr<CTLOG_STORE, CtlogStoreDeleter> store(CTLOG_STORE_new());
    int loaded = CTLOG_STORE_load_file(store.get(), path);
    unlink(path);
    REQUIRE(loaded == 1);
    std::unique_ptr<CT_POLICY_EVAL_CTX, PolicyDeleter> context(CT_POLICY_EVAL_CTX_new());
    CT_POLICY_EVAL_CTX_set1_cert(context.get(), leaf.get());
    CT_POLICY_EVAL_CTX_set1_issuer(context.get(), issuer.get());
    CT_POLICY_EVAL_CTX_set_shared_CTLOG_STORE(context.get(), store.get());
    auto* scts = static_cast<STACK_OF(SCT)*>(X509_get_ext_d2i(leaf.get(), NID_ct_precert_scts, nullptr, nullptr));
    bool any_valid = false;
    for (int i = 0; scts && i < sk_SCT_num(scts); ++i)
        any_valid |= SCT_validate(sk_SCT_value(scts, i), context.get()) == 1;
    SCT_LIST_free(scts);
    ERR_clear_error();
    return any_valid;
}

bool imgtrust_accepts(const TrustedRoot& root, const Certificate& leaf, const Certificate& issuer) {
    try {
        verify_embedded_scts(root, leaf, issuer);
        return true;
    } catch (const SignatureRejected&) {
        return false;
    }
}

}  // namespace

TEST_CASE("differential: OpenSSL's SCT_validate agrees on every fixture leaf and issuer") {
    TrustedRoot root = test_root();
    REQUIRE(openssl_accepts(root, certificate_pem("sct-good.pem"), certificate_pem("sct-issuer.pem")));  // not a vacuous oracle
    REQUIRE_FALSE(openssl_accepts(root, certificate_pem("sct-tampered-signature.pem"), certificate_pem("sct-issuer.pem")));
    for (const char* leaf_name : {"sct-good.pem", "sct-rsa-log.pem", "sct-with-extensions.pem", "sct-second-of-two-valid.pem",
                                  "sct-unknown-log.pem", "sct-wrong-log-key.pem", "sct-tampered-signature.pem", "sct-none.pem"}) {
        for (const char* issuer_name : {"sct-issuer.pem", "tsa-root.pem"}) {
            INFO(leaf_name << " issued by " << issuer_name);
            Certificate leaf = certificate_pem(leaf_name), issuer = certificate_pem(issuer_name);
            CHECK(imgtrust_accepts(root, leaf, issuer) == openssl_accepts(root, leaf, issuer));
        }
    }
}

TEST_CASE("differential: OpenSSL's SCT_validate agrees on the conformance certificates") {
    for (const char* name : {"bundle-with-sct-with-extensions", "rekor2-happy-path", "invalid-ct-key_fail"}) {
        INFO(name);
        ConformanceCase loaded = conformance_case(name);
        for (auto& log : loaded.root.ctlogs) log.valid_for = {};
        Certificate leaf = certificate_der(loaded.leaf_der), issuer = certificate_der(loaded.issuer_der);
        CHECK(openssl_accepts(loaded.root, leaf, issuer) == (std::string(name) != "invalid-ct-key_fail"));
        CHECK(imgtrust_accepts(loaded.root, leaf, issuer) == openssl_accepts(loaded.root, leaf, issuer));
    }
}
