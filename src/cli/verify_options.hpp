// The options verify and serve share: how the policy is found and how
// registries are reached (skopeo's flag names and meanings). Defined in
// verify_command.cpp, so that both commands read them the same way.
#pragma once

#include <CLI/CLI.hpp>

#include <atomic>
#include <memory>
#include <string>

#include "imgtrust/policy.hpp"
#include "imgtrust/system_context.hpp"
#include "imgtrust/verify.hpp"

namespace imgtrust::cli {

struct PolicyAccessOptions {
    std::string policy_path;
    bool insecure_policy = false;
    std::string registries_d;
    // docker:// access, with skopeo's flag names and meanings.
    std::string authfile;
    std::string creds;
    bool creds_given = false;
    bool no_creds = false;
    std::string cert_dir;
    bool tls_verify = true;
    std::string tls_details;
    int retry_times = 3;
    std::string timeout;
    bool debug = false;          // --debug (registered by each command, after its own options)
    std::string openpgp_engine;  // --openpgp-engine (likewise; empty: the default engine)
};

// How verify and serve evaluate: the platform chosen from a manifest list,
// --require-signed and --multi-arch-rule, on top of the access options.
struct PolicyEvaluationOptions : PolicyAccessOptions {
    std::string override_os, override_arch, override_variant;
    bool require_signed = false;               // --require-signed
    std::string multi_arch_rule = "platform";  // --multi-arch-rule
};

// --override-os, --override-arch, --override-variant.
void add_platform_options(CLI::App* command, PolicyEvaluationOptions& options);
// --require-signed, --openpgp-engine, --multi-arch-rule.
void add_evaluation_rule_options(CLI::App* command, PolicyEvaluationOptions& options);

// The EvaluationOptions these flags stand for (debug log, platform, rule,
// OpenPGP engine); `system` is left for the caller's Client.
EvaluationOptions make_evaluation_options(const PolicyEvaluationOptions& options);

// --policy, --insecure-policy, --registries.d, --authfile, --creds, --no-creds,
// --cert-dir, --tls-verify, --tls-details, --retry-times and --timeout, in this order.
void add_policy_access_options(CLI::App* command, PolicyAccessOptions& options);

// After parsing: conflicting options (ConfigError) and whether --creds was given.
void finish_policy_access_options(const CLI::App* command, PolicyAccessOptions& options);

// "DEBU <line>" on stderr.
void debug_line(const std::string& line);

// --insecure-policy stands for an accept-anything policy and says so; otherwise
// the policy file is found as c/image v5.40 finds it (--debug says which and why).
Policy load_policy(const PolicyAccessOptions& options);

// How docker:// images are reached (give it to one Client shared by every image).
SystemContext make_system_context(const PolicyAccessOptions& options, std::shared_ptr<std::atomic<bool>> cancel);

}  // namespace imgtrust::cli
