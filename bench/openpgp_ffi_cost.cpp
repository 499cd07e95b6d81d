// How to make the RNP engine safe from several threads: one ffi per call
// (a keyring made and its keys parsed for each verification) or one ffi per
// key set behind a mutex (what rnp_verifier.cpp does). Prints the cost of
// each, per verification, for both engines. Not a test; see bench/README.md.
//   openpgp_ffi_cost KEYS SIGNATURE [ITERATIONS]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "signature/openpgp_verifier.hpp"

namespace {

std::string read_all(const char* path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

imgtrust::signature::PayloadAcceptanceRules accept_all() {
    return {[](const std::string&) {}, [](const std::string&) {}};
}

template <typename Body>
double microseconds_per_call(int iterations, Body body) {
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < iterations; ++i) body();
    const std::chrono::duration<double, std::micro> spent = std::chrono::steady_clock::now() - started;
    return spent.count() / iterations;
}

// `threads` threads share one engine, each verifying `iterations` times.
double shared_engine_per_call(const std::string& engine, const std::string& keys, const std::string& signature,
                              int threads, int iterations) {
    auto verifier = imgtrust::signature::make_openpgp_verifier(engine, {keys});
    const auto started = std::chrono::steady_clock::now();
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
        workers.emplace_back([&] {
            for (int i = 0; i < iterations; ++i) verifier->verify(signature, accept_all());
        });
    for (auto& worker : workers) worker.join();
    const std::chrono::duration<double, std::micro> spent = std::chrono::steady_clock::now() - started;
    return spent.count() / (threads * iterations);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s KEYS SIGNATURE [ITERATIONS]\n", argv[0]);
        return 2;
    }
    const std::string keys = read_all(argv[1]), signature = read_all(argv[2]);
    const int iterations = argc > 3 ? std::atoi(argv[3]) : 200;
    for (const std::string engine : {"rnp", "gpgme"}) {
        const int n = engine == "gpgme" ? iterations / 10 : iterations;
        auto verifier = imgtrust::signature::make_openpgp_verifier(engine, {keys});
        const double reuse = microseconds_per_call(n, [&] { verifier->verify(signature, accept_all()); });
        const double fresh = microseconds_per_call(n, [&] {
            imgtrust::signature::make_openpgp_verifier(engine, {keys})->verify(signature, accept_all());
        });
        const double shared = shared_engine_per_call(engine, keys, signature, 4, n);
        std::printf("%-6s one engine, one thread: %8.0f us/verify; new engine per call: %8.0f us/verify; "
                    "one engine, 4 threads (mutex): %8.0f us/verify\n", engine.c_str(), reuse, fresh, shared);
    }
    return 0;
}
