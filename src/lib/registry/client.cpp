// imgtrust::Client (include/imgtrust/client.hpp): the public owner of one
// RegistryPool, created once and shared by every image opened through it.
#include "imgtrust/client.hpp"

#include "registry/registry_pool.hpp"

namespace imgtrust {

Client::Client(SystemContext settings) : context_(std::move(settings)) {
    if (!context_.cancel) context_.cancel = std::make_shared<std::atomic<bool>>(false);
    context_.pool = registry::RegistryPool::for_context(context_);
}

Client::~Client() = default;

const SystemContext& Client::system_context() const noexcept { return context_; }

void Client::cancel() const noexcept { context_.cancel->store(true); }

bool Client::cancelled() const noexcept { return context_.cancel->load(); }

}  // namespace imgtrust
