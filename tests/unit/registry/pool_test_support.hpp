// What the RegistryPool tests share: a test SystemContext (plain HTTP, no
// credentials, optional debug capture), fast retries, and fake-registry
// routes and auth configurations.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "imgtrust/reference.hpp"
#include "imgtrust/system_context.hpp"
#include "registry/fake_registry.hpp"
#include "registry/registry_pool.hpp"

namespace imgtrust::registry::testing {

struct DebugLines {
    std::mutex mutex;
    std::vector<std::string> lines;
    bool contains(const std::string& text) {
        std::lock_guard lock(mutex);
        for (const auto& line : lines) {
            if (line.find(text) != std::string::npos) return true;
        }
        return false;
    }
};

inline SystemContext test_context(DebugLines* debug = nullptr) {
    SystemContext context;
    context.no_creds = true;
    context.cert_dir = "/nonexistent-imgtrust-certs";
    context.retry_times = 2;
    context.tls_verify = false;  // the fake registry speaks plain HTTP: https fails once, then http is remembered
    context.request_timeout = std::chrono::seconds(10);
    if (debug) {
        context.debug_log = [debug](const std::string& line) {
            std::lock_guard lock(debug->mutex);
            debug->lines.push_back(line);
        };
    }
    return context;
}

inline const RetryPolicy fast_retries{std::chrono::milliseconds(50), std::chrono::seconds(2)};

inline DockerReference repo(const FakeRegistry& server, const std::string& path = "team/app") {
    return DockerReference{server.host(), path, "", ""};
}

inline std::string manifest_route(const std::string& path, const std::string& reference) {
    return "/v2/" + path + "/manifests/" + reference;
}

inline std::string bearer_auth(const FakeRegistry& server, const std::string& token = "T0K3N", const std::string& users = "") {
    return R"({"type":"bearer","realm":")" + server.url("/token") + R"(","service":"fake","token":")" + token + "\"" +
           (users.empty() ? "" : ",\"users\":" + users) + "}";
}

}  // namespace imgtrust::registry::testing
