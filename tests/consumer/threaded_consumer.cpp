// ONE PolicyContext and ONE Client shared by many threads (issue 16 item 7):
// TOTAL verifications spread over THREADS threads, every verdict checked
// against the expected one. Built against the installed files by
// run-consumers.sh (and against a ThreadSanitizer build of the library by
// ./dev test --sanitize); threaded_registry.py runs it against a loopback
// token-auth registry and checks its access log. Usage:
//   threaded-consumer --policy FILE --authfile FILE --registries-d DIR
//                     [--threads N] [--total N] IMAGE=allowed|rejected...
// Prints counts and the time taken; exit 0 when every verdict is as expected.
#include <imgtrust/client.hpp>
#include <imgtrust/errors.hpp>
#include <imgtrust/verify.hpp>
#include <imgtrust/verify_json.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Expectation {
    std::string image;
    bool allowed = false;
};

struct Arguments {
    std::string policy, authfile, registries_d;
    unsigned threads = 16;
    unsigned total = 1000;
    std::vector<Expectation> images;
};

[[noreturn]] void usage(const char* why) {
    std::cerr << "threaded-consumer: " << why
              << "\nusage: threaded-consumer --policy FILE --authfile FILE --registries-d DIR [--threads N] [--total N] "
                 "IMAGE=allowed|rejected...\n";
    std::exit(2);
}

Arguments parse_arguments(int argc, char** argv) {
    Arguments arguments;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) usage("missing value");
            return argv[++i];
        };
        if (arg == "--policy") arguments.policy = value();
        else if (arg == "--authfile") arguments.authfile = value();
        else if (arg == "--registries-d") arguments.registries_d = value();
        else if (arg == "--threads") arguments.threads = static_cast<unsigned>(std::stoul(value()));
        else if (arg == "--total") arguments.total = static_cast<unsigned>(std::stoul(value()));
        else {
            const auto equals = arg.rfind('=');
            if (equals == std::string::npos) usage("an IMAGE needs =allowed or =rejected");
            const std::string expected = arg.substr(equals + 1);
            if (expected != "allowed" && expected != "rejected") usage("expected allowed or rejected");
            arguments.images.push_back({arg.substr(0, equals), expected == "allowed"});
        }
    }
    if (arguments.policy.empty() || arguments.images.empty() || arguments.threads == 0) usage("missing arguments");
    return arguments;
}

imgtrust::SystemContext registry_settings(const Arguments& arguments) {
    imgtrust::SystemContext settings;
    settings.tls_verify = false;  // a plain-HTTP loopback registry
    if (!arguments.authfile.empty()) settings.auth_file = arguments.authfile;
    if (!arguments.registries_d.empty()) settings.registries_d = arguments.registries_d;
    return settings;
}

struct Tally {
    std::atomic<unsigned> allowed{0}, rejected{0}, errors{0}, unexpected{0};
    std::mutex first_problem_lock;
    std::string first_problem;

    void problem(const std::string& text) {
        ++unexpected;
        const std::lock_guard<std::mutex> lock(first_problem_lock);
        if (first_problem.empty()) first_problem = text;
    }
};

// One verification and its check against the expected verdict.
void verify_one(const imgtrust::PolicyContext& context, const imgtrust::Client& client, const Expectation& expected,
                Tally& tally) {
    try {
        const imgtrust::Verdict verdict = context.evaluate(*imgtrust::parse_image_reference(expected.image), client);
        ++(verdict.allowed ? tally.allowed : tally.rejected);
        if (verdict.allowed != expected.allowed)
            tally.problem(expected.image + ": " + (verdict.allowed ? "allowed" : "rejected: " +
                                                   imgtrust::first_rejection_reason(verdict)));
        else if (verdict.manifest_digest.rfind("sha256:", 0) != 0)
            tally.problem(expected.image + ": no manifest digest");
    } catch (const std::exception& e) {
        ++tally.errors;
        tally.problem(expected.image + ": " + imgtrust::error_kind_for(std::current_exception()) + ": " + e.what());
    }
}

}  // namespace

int main(int argc, char** argv) {
    const Arguments arguments = parse_arguments(argc, argv);
    const imgtrust::PolicyContext context(imgtrust::load_policy_file(arguments.policy));
    const imgtrust::Client client(registry_settings(arguments));
    Tally tally;
    std::atomic<unsigned> next{0};
    const auto started = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < arguments.threads; ++t)
        threads.emplace_back([&] {
            for (unsigned i = next++; i < arguments.total; i = next++)
                verify_one(context, client, arguments.images[i % arguments.images.size()], tally);
        });
    for (auto& thread : threads) thread.join();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::cout << arguments.total << " verifications on " << arguments.threads << " threads (one context, one client) in "
              << seconds << " s: " << tally.allowed << " allowed, " << tally.rejected << " rejected, " << tally.errors
              << " errors, " << tally.unexpected << " unexpected\n";
    if (tally.unexpected) std::cout << "first unexpected: " << tally.first_problem << "\n";
    const bool complete = tally.allowed + tally.rejected + tally.errors == arguments.total;
    return tally.unexpected == 0 && complete ? 0 : 1;
}
