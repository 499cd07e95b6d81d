// The RepositoryClient of RegistryPool::repository: the per-request flow of
// c/image's dockerClient without its /v2/ ping (send, learn the challenge from
// a 401, authenticate, resend; the challenge is kept per host so later images
// authenticate pre-emptively).
#pragma once

#include <memory>

#include "imgtrust/reference.hpp"
#include "registry/registry_pool.hpp"

namespace imgtrust::registry {

std::unique_ptr<RepositoryClient> make_repository_client(RegistryPool::Impl& pool, const DockerReference& ref);

}  // namespace imgtrust::registry
