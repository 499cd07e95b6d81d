// imgtrust policy show [--policy FILE] [--registries.d DIR] [--json | --raw]:
// the policy's scopes, requirement types, keys and identities, as podman image
// trust show prints them (one row per requirement, "default" first), plus the
// lookaside registries.d gives each docker scope. The JSON document is stable
// and documented in imgtrust-policy(1):
// {"policy": FILE, "scopes": [{"transport", "scope", "default", "lookaside",
//   "lookasideSource", "requirements": [{"type", "description", "keyType",
//   "keys": [...], "identity", "certificateIdentity": [...]}]}]}
#include <rapidjson/ostreamwrapper.h>
#include <rapidjson/prettywriter.h>

#include <algorithm>
#include <array>
#include <iostream>
#include <memory>
#include <optional>

#include "cli/exit_codes.hpp"
#include "cli/policy_show.hpp"
#include "imgtrust/errors.hpp"
#include "imgtrust/policy.hpp"
#include "imgtrust/policy_summary.hpp"

namespace imgtrust::cli {
namespace {

struct ShowOptions {
    std::string policy_path;
    std::string registries_d;
    bool json = false;
    bool raw = false;
    bool no_heading = false;
};

using Writer = rapidjson::PrettyWriter<rapidjson::OStreamWrapper>;

void write_string(Writer& w, const char* key, const std::string& value) {
    w.Key(key);
    w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

void write_strings(Writer& w, const char* key, const std::vector<std::string>& values) {
    w.Key(key);
    w.StartArray();
    for (const auto& value : values) w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
    w.EndArray();
}

void write_json(const PolicySummary& summary) {
    rapidjson::OStreamWrapper stream(std::cout);
    Writer w(stream);
    w.SetIndent(' ', 2);
    w.StartObject();
    write_string(w, "policy", summary.source);
    w.Key("scopes");
    w.StartArray();
    for (const auto& scope : summary.scopes) {
        w.StartObject();
        write_string(w, "transport", scope.transport);
        write_string(w, "scope", scope.scope);
        w.Key("default");
        w.Bool(scope.is_default);
        write_string(w, "lookaside", scope.lookaside);
        write_string(w, "lookasideSource", scope.lookaside_source);
        w.Key("requirements");
        w.StartArray();
        for (const auto& requirement : scope.requirements) {
            w.StartObject();
            write_string(w, "type", requirement.type);
            write_string(w, "description", requirement.description);
            write_string(w, "keyType", requirement.key_type);
            write_strings(w, "keys", requirement.keys);
            write_string(w, "identity", requirement.identity);
            write_strings(w, "certificateIdentity", requirement.certificate_identity);
            w.EndObject();
        }
        w.EndArray();
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    std::cout << "\n";
}

std::string joined(const std::vector<std::string>& values, const std::string& none) {
    std::string text;
    for (const auto& value : values) text += (text.empty() ? "" : ", ") + value;
    return text.empty() ? none : text;
}

// podman's columns (TRANSPORT NAME TYPE ID STORE) with imgtrust's names:
// the keys column lists key files and data, IDENTITY the signedIdentity and
// certificate rules; "-" where a column does not apply.
void write_table(const PolicySummary& summary, bool heading) {
    std::vector<std::array<std::string, 6>> rows;
    if (heading) rows.push_back({"TRANSPORT", "SCOPE", "TYPE", "KEYS", "IDENTITY", "LOOKASIDE"});
    for (const auto& scope : summary.scopes)
        for (const auto& requirement : scope.requirements) {
            std::vector<std::string> identity;
            if (!requirement.identity.empty()) identity.push_back(requirement.identity);
            identity.insert(identity.end(), requirement.certificate_identity.begin(), requirement.certificate_identity.end());
            rows.push_back({scope.is_default ? "all" : scope.transport,
                            scope.is_default ? "default" : (scope.scope.empty() ? "*" : scope.scope),
                            requirement.description, joined(requirement.keys, "-"), joined(identity, "-"),
                            scope.lookaside.empty() ? "-" : scope.lookaside});
        }
    std::array<std::size_t, 6> widths{};
    for (const auto& row : rows)
        for (std::size_t column = 0; column < row.size(); ++column) widths[column] = std::max(widths[column], row[column].size());
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t column = 0; column < row.size(); ++column)
            line += column + 1 == row.size() ? row[column] : row[column] + std::string(widths[column] - row[column].size() + 2, ' ');
        std::cout << line << "\n";
    }
}

int run_show(const ShowOptions& options) {
    if (options.json && options.raw) throw ConfigError("--json and --raw cannot be used together");
    std::optional<std::string> explicit_path;
    if (!options.policy_path.empty()) explicit_path = options.policy_path;
    const std::string path = locate_policy_file(explicit_path).path;
    if (options.raw) {  // podman prints the file as it is, valid or not, with a newline after it
        std::cout << read_policy_file_text(path) << "\n";
        return exit_accepted;
    }
    const Policy policy = load_policy_file(path);
    std::optional<std::string> registries_dir;
    if (!options.registries_d.empty()) registries_dir = options.registries_d;
    const PolicySummary summary = summarize_policy(policy, registries_dir);
    if (options.json)
        write_json(summary);
    else
        write_table(summary, !options.no_heading);
    return exit_accepted;
}

}  // namespace

std::function<int()> register_policy_show(CLI::App& policy) {
    auto options = std::make_shared<ShowOptions>();
    CLI::App* show = policy.add_subcommand("show", "Show the policy's scopes, requirement types, keys and identities");
    show->add_option("--policy", options->policy_path, "Path to the trust policy file (default: as skopeo finds it)");
    show->add_option("--registries.d", options->registries_d, "Directory of registries.d configuration (lookaside column)");
    show->add_flag("--json,-j", options->json, "Print the summary as JSON");
    show->add_flag("--raw", options->raw, "Print the policy file as it is");
    show->add_flag("--noheading,-n", options->no_heading, "Do not print the column headings");
    return [options]() -> int { return run_show(*options); };
}

}  // namespace imgtrust::cli
