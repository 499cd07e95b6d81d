// A Client: how images are reached (the SystemContext settings) plus what
// every image reached through it shares: HTTP/2 connections, the bearer-token
// cache, per-host auth and TLS state, and the manifest cache. Make one per
// process (or per set of registry settings) and pass it to every evaluation
// (PolicyContext::evaluate(image, client)); a PolicyContext given none makes
// its own once, at construction, from EvaluationOptions::system.
//
// Thread safety: every member function is const and a Client is safe to use
// from many threads at once, by any number of PolicyContexts; the pool's
// caches are locked inside. cancel() may be called from any thread (it sets
// an atomic flag).
#pragma once

#include <memory>

#include "imgtrust/export.hpp"
#include "imgtrust/system_context.hpp"

namespace imgtrust {

class IMGTRUST_API Client {
public:
    // Takes the settings; creates the registry pool now (settings.pool, when
    // already set, is shared instead). Throws ConfigError for unusable settings.
    explicit Client(SystemContext settings = {});
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // The settings, with `pool` set to this client's pool: what ImageReference::open takes.
    const SystemContext& system_context() const noexcept;

    // Aborts requests in flight and refuses new ones (FetchError "cancelled"),
    // as SIGINT does in the CLI. Cannot be undone.
    void cancel() const noexcept;
    bool cancelled() const noexcept;

private:
    SystemContext context_;
};

}  // namespace imgtrust
