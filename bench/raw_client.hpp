// What the raw-floor benchmark clients share: a bare libcurl GET, SHA-256 in
// hex, the first "digest" after a JSON key, and the driver that runs
// check_one over the list on N threads, each keeping one connection open.
// Usage of every client: CLIENT BASE_URL LIST JOBS; LIST holds one
// "repository:tag" per line; prints "images=N failures=F seconds=S".
#pragma once

#include <curl/curl.h>
#include <openssl/sha.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace raw_client {

inline size_t append_body(char* data, size_t size, size_t count, void* target) {
    static_cast<std::string*>(target)->append(data, size * count);
    return size * count;
}

// GET url into body; the HTTP status, or 0 on a transport failure.
inline long get(CURL* curl, const std::string& url, std::string& body) {
    static const char* accept =
        "Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json, "
        "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json";
    curl_slist* headers = curl_slist_append(nullptr, accept);
    body.clear();
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    long status = 0;
    const bool ok = curl_easy_perform(curl) == CURLE_OK;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    return ok ? status : 0;
}

inline std::string sha256_hex(const std::string& bytes) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
    std::string hex;
    char two[3];
    for (unsigned char byte : digest) {
        std::snprintf(two, sizeof two, "%02x", byte);
        hex += two;
    }
    return hex;
}

// The first "digest" value after `section` ("manifests" or "layers").
inline std::string first_digest_in(const std::string& document, const char* section) {
    const auto start = document.find(std::string("\"") + section + "\"");
    const auto key = document.find("\"digest\"", start == std::string::npos ? 0 : start);
    if (start == std::string::npos || key == std::string::npos) return {};
    const auto open = document.find('"', document.find(':', key) + 1);
    const auto close = document.find('"', open + 1);
    return document.substr(open + 1, close - open - 1);
}

// check_one(curl, base, "repository:tag", scratch body) -> true when every request succeeded.
template <typename CheckOne>
int run(int argc, char** argv, CheckOne check_one) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: %s BASE_URL LIST JOBS\n", argv[0]);
        return 2;
    }
    const std::string base = argv[1];
    std::vector<std::string> images;
    std::ifstream list(argv[2]);
    for (std::string line; std::getline(list, line);)
        if (!line.empty()) images.push_back(line);
    const int jobs = std::stoi(argv[3]);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    std::atomic<size_t> next{0}, failures{0};
    const auto started = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (int t = 0; t < jobs; ++t)
        threads.emplace_back([&] {
            CURL* curl = curl_easy_init();  // one connection per thread, reused
            std::string body;
            for (size_t i = next++; i < images.size(); i = next++)
                if (!check_one(curl, base, images[i], body)) ++failures;
            curl_easy_cleanup(curl);
        });
    for (auto& thread : threads) thread.join();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("images=%zu failures=%zu seconds=%.3f\n", images.size(), failures.load(), seconds);
    curl_global_cleanup();
    return failures ? 1 : 0;
}

}  // namespace raw_client
