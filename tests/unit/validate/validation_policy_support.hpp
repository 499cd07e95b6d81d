// Helpers for the tests of validate's in-memory policy (validation_policy.cpp).
#pragma once

#include <string>
#include <variant>

#include "imgtrust/errors.hpp"
#include "validate/validation_policy.hpp"

// The sigstoreSigned requirement of transports.docker[""].
inline const imgtrust::SigstoreSignedRequirement& docker_requirement(const imgtrust::Policy& policy) {
    return std::get<imgtrust::SigstoreSignedRequirement>(policy.transports.at("docker").at("").at(0).value);
}

// The ConfigError message of an option set that must be refused, or "(accepted)".
inline std::string refusal(const imgtrust::validate::TrustOptions& options) {
    try {
        imgtrust::validate::build_validation_policy(options);
    } catch (const imgtrust::ConfigError& e) {
        return e.what();
    }
    return "(accepted)";
}
