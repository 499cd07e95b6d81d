// A C++ embedder of libimgtrust's public C++ API (include/imgtrust/verify.hpp),
// built against the installed files with `pkg-config --cflags --libs imgtrust`
// by run-consumers.sh. Usage: consumer-cpp POLICY SIGNED_DIR TAMPERED_DIR
// Checks: dir:SIGNED_DIR is allowed, dir:TAMPERED_DIR is rejected with a
// reason (a digest mismatch), a missing image throws NotFoundError (a FetchError
// the embedder can catch by its public type), the verify JSON of each result.
// Prints one line per check; exit 0 when every check passes.
#include <imgtrust/client.hpp>
#include <imgtrust/errors.hpp>
#include <imgtrust/verify.hpp>
#include <imgtrust/verify_json.hpp>

#include <iostream>
#include <string>

namespace {

int failures = 0;

void check(bool ok, const std::string& what, const std::string& detail = {}) {
    std::cout << (ok ? "pass: " : "FAIL: ") << what << (detail.empty() ? "" : " -- " + detail) << "\n";
    if (!ok) ++failures;
}

imgtrust::Verdict verify(const imgtrust::PolicyContext& context, const imgtrust::Client& client, const std::string& image) {
    return context.evaluate(*imgtrust::parse_image_reference(image), client);
}

void check_verdicts(const imgtrust::PolicyContext& context, const imgtrust::Client& client, const std::string& signed_dir,
                    const std::string& tampered_dir) {
    const imgtrust::Verdict accepted = verify(context, client, "dir:" + signed_dir);
    check(accepted.allowed, "signed image allowed", accepted.allowed ? "" : imgtrust::first_rejection_reason(accepted));
    check(accepted.manifest_digest.rfind("sha256:", 0) == 0, "manifest digest", accepted.manifest_digest);
    const std::string json = imgtrust::image_result_json({"dir:" + signed_dir, accepted, {}, {}});
    check(json.find("\"allowed\":true") != std::string::npos, "verify JSON says allowed", json);

    const imgtrust::Verdict rejected = verify(context, client, "dir:" + tampered_dir);
    const std::string reason = rejected.allowed ? "" : imgtrust::first_rejection_reason(rejected);
    check(!rejected.allowed && !reason.empty(), "tampered image rejected with a reason", reason);
    bool digest_mismatch = false;
    for (const auto& requirement : rejected.requirements)
        for (const auto& signature : requirement.signatures)
            digest_mismatch |= signature.rejection_kind == imgtrust::RejectionKind::digest_mismatch;
    check(digest_mismatch, "the tampered image's signature is a digest mismatch");
}

void check_errors(const imgtrust::PolicyContext& context, const imgtrust::Client& client, const std::string& signed_dir) {
    const std::string missing = "dir:" + signed_dir + "/does-not-exist";
    try {
        verify(context, client, missing);
        check(false, "a missing image throws NotFoundError", "it returned a verdict");
    } catch (const imgtrust::NotFoundError& e) {
        const imgtrust::ImageResult result = imgtrust::image_result_from_exception(missing, std::current_exception());
        check(result.error_kind == "not-found", "a missing image throws NotFoundError", e.what());
    }
    try {
        imgtrust::parse_policy(R"({"default": [{"type": "no-such-type"}]})", "consumer");
        check(false, "an invalid policy throws PolicyFormatError");
    } catch (const imgtrust::PolicyFormatError& e) {
        check(!e.location().empty(), "an invalid policy throws PolicyFormatError", e.what());
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::cerr << "usage: " << argv[0] << " POLICY SIGNED_DIR TAMPERED_DIR\n";
        return 2;
    }
    try {
        imgtrust::EvaluationOptions options;
        options.require_signed = true;
        const imgtrust::PolicyContext context(imgtrust::load_policy_file(argv[1]), options);
        const imgtrust::Client client;
        check_verdicts(context, client, argv[2], argv[3]);
        check_errors(context, client, argv[2]);
    } catch (const imgtrust::Error& e) {
        check(false, "no unexpected imgtrust error", e.what());
    }
    std::cout << (failures ? "FAIL: " : "pass: ") << failures << " failed\n";
    return failures ? 1 : 0;
}
