#include "signature/certificate_identity.hpp"

#include <re2/re2.h>

#include <algorithm>

#include "imgtrust/errors.hpp"
#include "signature/fulcio.hpp"
#include "signature/rejection.hpp"
#include "util/go_quote.hpp"
#include "util/text.hpp"

namespace imgtrust::signature {

struct IdentityRequirement::Compiled {
    std::unique_ptr<RE2> subject;
    std::unique_ptr<RE2> oidc_issuer;
    std::unique_ptr<RE2> build_signer_uri;
};

namespace {

constexpr std::string_view oid_build_signer_uri = "1.3.6.1.4.1.57264.1.9";

// Go's regexp syntax is RE2's, with two differences this adapts: Go refuses
// `\C` (any byte), and Go (1.22+) also spells a named group `(?<name>…)`,
// which RE2 of Debian 12 knows only as `(?P<name>…)`. Returns the pattern to
// hand to RE2, or sets `error` to Go's complaint.
std::string go_pattern_for_re2(std::string_view pattern, std::string& error) {
    std::string out;
    bool in_class = false;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        char c = pattern[i];
        if (c == '\\' && i + 1 < pattern.size()) {
            if (pattern[i + 1] == 'C') {
                error = "invalid escape sequence: \\C";
                return {};
            }
            out += c;
            out += pattern[++i];
            continue;
        }
        if (in_class) {
            if (c == ']') in_class = false;
        } else if (c == '[') {
            in_class = true;
            out += c;
            if (i + 1 < pattern.size() && pattern[i + 1] == '^') out += pattern[++i];
            if (i + 1 < pattern.size() && pattern[i + 1] == ']') out += pattern[++i];  // a leading ']' is literal
            continue;
        } else if (c == '(' && pattern.substr(i, 3) == "(?<" && i + 3 < pattern.size() && pattern[i + 3] != '=' &&
                   pattern[i + 3] != '!') {
            out += "(?P<";
            i += 2;
            continue;
        }
        out += c;
    }
    return out;
}

// Compiles like Go's regexp.Compile (Perl syntax, UTF-8, ^/$ at the text's ends
// unless (?m)). Returns nullptr and RE2's (or Go's) error text on failure.
std::unique_ptr<RE2> compile_go_regexp(std::string_view pattern, std::string& error) {
    std::string adapted = go_pattern_for_re2(pattern, error);
    if (!error.empty()) return nullptr;
    RE2::Options options;
    options.set_log_errors(false);
    options.set_encoding(RE2::Options::EncodingUTF8);
    auto compiled = std::make_unique<RE2>(adapted, options);
    if (!compiled->ok()) {
        error = compiled->error();
        return nullptr;
    }
    return compiled;
}

std::unique_ptr<RE2> compile_rule(const std::string& pattern, const char* what) {
    if (pattern.empty()) return nullptr;
    std::string error;
    auto compiled = compile_go_regexp(pattern, error);
    if (!compiled) throw ConfigError(std::string("invalid ") + what + " " + util::go_quote(pattern) + ": " + error);
    return compiled;
}

// Go's MatchString: true if the text CONTAINS a match (unanchored). Go reads
// each byte of invalid UTF-8 as one U+FFFD rune; RE2 would match no rune there,
// so the text is given to RE2 with those bytes replaced.
bool matches(const RE2& pattern, std::string_view text) {
    const std::string runes = util::with_invalid_utf8_replaced(text);
    return RE2::PartialMatch(re2::StringPiece(runes.data(), runes.size()), pattern);
}

// ^…$ (or \A…\z) around the whole pattern, no top-level alternation, no (?m).
bool is_fully_anchored(std::string_view pattern) {
    std::size_t start = 0;
    while (pattern.substr(start, 2) == "(?") {  // leading flag groups such as (?i)
        std::size_t close = pattern.find(')', start);
        if (close == std::string_view::npos) return false;
        std::string_view flags = pattern.substr(start + 2, close - start - 2);
        if (flags.find_first_not_of("imsU-") != std::string_view::npos || flags.find('m') != std::string_view::npos) return false;
        start = close + 1;
    }
    std::string_view body = pattern.substr(start);
    bool begins = body.substr(0, 1) == "^" || body.substr(0, 2) == "\\A";
    int depth = 0;
    bool in_class = false, ends = false;
    for (std::size_t i = 0; i < body.size(); ++i) {
        char c = body[i];
        ends = false;
        if (c == '\\') {
            ends = i + 1 < body.size() && body[i + 1] == 'z' && i + 2 == body.size();
            ++i;
            continue;
        }
        if (in_class) {
            if (c == ']') in_class = false;
            continue;
        }
        if (c == '[') in_class = true;
        else if (c == '(') ++depth;
        else if (c == ')') --depth;
        else if (c == '|' && depth == 0) return false;
        else if (c == '$') ends = i + 1 == body.size();
    }
    return begins && ends;
}

std::string quoted_list(const std::vector<std::string>& values) {
    std::string list = "[";
    for (std::size_t i = 0; i < values.size(); ++i) list += (i ? " " : "") + util::go_quote(values[i]);
    return list + "]";
}

std::vector<std::string> values_of_type(const std::vector<SubjectAlternativeName>& sans, SanType type) {
    std::vector<std::string> values;
    for (const auto& san : sans)
        if (san.type == type) values.push_back(san.value);
    return values;
}

std::string found_sans(const std::vector<SubjectAlternativeName>& sans) {
    if (sans.empty()) return "found no subject alternative name";
    std::string text = "found ";
    for (std::size_t i = 0; i < sans.size(); ++i)
        text += (i ? ", " : "") + std::string(san_type_name(sans[i].type)) + " " + util::go_quote(sans[i].value);
    return text;
}

std::string found_value(const std::optional<std::string>& value) { return value ? "found " + util::go_quote(*value) : "found none"; }

}  // namespace

IdentityRequirement::IdentityRequirement(IdentityRequirementSpec spec) : spec_(std::move(spec)) {
    const auto& s = spec_;
    if (!s.subject.empty() && !s.subject_regexp.empty())
        throw ConfigError("the certificate identity and the certificate identity regexp cannot both be given (cosign's legacy "
                          "verifier would ignore the exact value, its bundle verifier would require both)");
    if (!s.oidc_issuer.empty() && !s.oidc_issuer_regexp.empty())
        throw ConfigError("the OIDC issuer and the OIDC issuer regexp cannot both be given");
    if (!s.build_signer_uri.empty() && !s.build_signer_uri_regexp.empty())
        throw ConfigError("the build signer URI and the build signer URI regexp cannot both be given");
    if (s.subject.empty() && s.subject_regexp.empty() && s.subject_email.empty() && s.subject_uri.empty() &&
        s.build_signer_uri.empty() && s.build_signer_uri_regexp.empty())
        throw ConfigError("a certificate identity requirement needs a subject (exact, regexp, email or URI) or a build signer URI");
    auto compiled = std::make_shared<Compiled>();
    compiled->subject = compile_rule(s.subject_regexp, "subject regexp");
    compiled->oidc_issuer = compile_rule(s.oidc_issuer_regexp, "OIDC issuer regexp");
    compiled->build_signer_uri = compile_rule(s.build_signer_uri_regexp, "build signer URI regexp");
    if (!s.oidc_issuer.empty() || !s.oidc_issuer_regexp.empty()) spec_.require_fulcio_issuer = true;
    compiled_ = std::move(compiled);
}

IdentityRequirement::~IdentityRequirement() = default;
IdentityRequirement::IdentityRequirement(const IdentityRequirement&) = default;
IdentityRequirement& IdentityRequirement::operator=(const IdentityRequirement&) = default;
IdentityRequirement::IdentityRequirement(IdentityRequirement&&) noexcept = default;
IdentityRequirement& IdentityRequirement::operator=(IdentityRequirement&&) noexcept = default;

std::string IdentityRequirement::describe() const {
    std::vector<std::string> parts;
    auto add = [&](const std::string& value, const char* label) {
        if (!value.empty()) parts.push_back(std::string(label) + " " + util::go_quote(value));
    };
    add(spec_.subject, "subject (any SAN)");
    add(spec_.subject_regexp, "subject (any SAN) matching");
    add(spec_.subject_email, "email");
    add(spec_.subject_uri, "URI");
    add(spec_.oidc_issuer, "OIDC issuer");
    add(spec_.oidc_issuer_regexp, "OIDC issuer matching");
    add(spec_.build_signer_uri, "build signer URI");
    add(spec_.build_signer_uri_regexp, "build signer URI matching");
    add(spec_.github_workflow.trigger, "GitHub workflow trigger");
    add(spec_.github_workflow.sha, "GitHub workflow sha");
    add(spec_.github_workflow.name, "GitHub workflow name");
    add(spec_.github_workflow.repository, "GitHub workflow repository");
    add(spec_.github_workflow.ref, "GitHub workflow ref");
    std::string text;
    for (std::size_t i = 0; i < parts.size(); ++i) text += (i ? ", " : "") + parts[i];
    return text;
}

std::vector<std::string> IdentityRequirement::unanchored_pattern_warnings() const {
    std::vector<std::string> warnings;
    auto check = [&](const std::string& pattern, const char* what) {
        if (pattern.empty() || is_fully_anchored(pattern)) return;
        warnings.push_back(std::string(what) + " " + util::go_quote(pattern) +
                           " is not anchored: RE2 matching is unanchored (Go's MatchString), so any value that merely "
                           "contains a match is accepted (\"github.com/org\" also matches \"https://evil.example/?github.com/org\"); "
                           "write ^…$");
    };
    check(spec_.subject_regexp, "subject regexp");
    check(spec_.oidc_issuer_regexp, "OIDC issuer regexp");
    check(spec_.build_signer_uri_regexp, "build signer URI regexp");
    return warnings;
}

bool go_regexp_match_string(std::string_view pattern, std::string_view text) {
    std::string error;
    auto compiled = compile_go_regexp(pattern, error);
    if (!compiled) throw ConfigError("invalid regexp " + util::go_quote(pattern) + ": " + error);
    return matches(*compiled, text);
}

bool go_regexp_is_anchored(std::string_view pattern) { return is_fully_anchored(pattern); }

std::string go_regexp_compile_error(std::string_view pattern) {
    std::string error;
    compile_go_regexp(pattern, error);
    return error;
}

namespace {

struct MatchState {
    const IdentityRequirement& requirement;
    IdentityMatch match;
    std::vector<std::string> failures;
};

void check_issuer(const Certificate& certificate, MatchState& state) {
    const auto& spec = state.requirement.spec();
    if (!spec.require_fulcio_issuer) {
        try {
            state.match.oidc_issuer = fulcio_issuer_in_certificate(certificate);
        } catch (const SignatureRejected&) {  // pki certificates carry no issuer; nothing requires one
        }
        return;
    }
    state.match.oidc_issuer = fulcio_issuer_in_certificate(certificate);  // missing or inconsistent: c/image's rejection
    const std::string& issuer = state.match.oidc_issuer;
    if (!spec.oidc_issuer.empty() && issuer != spec.oidc_issuer)
        state.failures.push_back("Unexpected Fulcio OIDC issuer " + util::go_quote(issuer) + " (the policy requires " +
                                 util::go_quote(spec.oidc_issuer) + ")");
    if (const RE2* pattern = state.requirement.compiled().oidc_issuer.get(); pattern && !matches(*pattern, issuer))
        state.failures.push_back("Unexpected Fulcio OIDC issuer " + util::go_quote(issuer) +
                                 " (the policy requires a match of the RE2 pattern " + util::go_quote(spec.oidc_issuer_regexp) + ")");
}

// Sets matched_san to the first SAN accepted by `accept`; false if none is.
template <typename Accept>
bool find_san(MatchState& state, Accept accept) {
    for (const auto& san : state.match.subject_alternative_names) {
        if (!accept(san)) continue;
        if (!state.match.matched_san) state.match.matched_san = san;
        return true;
    }
    return false;
}

void check_subjects(MatchState& state) {
    const auto& spec = state.requirement.spec();
    const auto& sans = state.match.subject_alternative_names;
    // The any-SAN rules first, so that matched_san names what cosign would have matched.
    if (!spec.subject.empty() && !find_san(state, [&](const SubjectAlternativeName& san) { return san.value == spec.subject; }))
        state.failures.push_back("Certificate subject: no subject alternative name equals " + util::go_quote(spec.subject) + " (" +
                                 found_sans(sans) + ")");
    if (const RE2* pattern = state.requirement.compiled().subject.get();
        pattern && !find_san(state, [&](const SubjectAlternativeName& san) { return matches(*pattern, san.value); }))
        state.failures.push_back("Certificate subject: no subject alternative name matches the RE2 pattern " +
                                 util::go_quote(spec.subject_regexp) + " (" + found_sans(sans) + ")");
    if (!spec.subject_uri.empty() && !find_san(state, [&](const SubjectAlternativeName& san) {
            return san.type == SanType::uri && san.value == spec.subject_uri;
        }))
        state.failures.push_back("Certificate subject: no URI subject alternative name equals " + util::go_quote(spec.subject_uri) +
                                 " (got URIs " + quoted_list(values_of_type(sans, SanType::uri)) + ")");
    if (!spec.subject_email.empty() && !find_san(state, [&](const SubjectAlternativeName& san) {
            return san.type == SanType::email && san.value == spec.subject_email;
        }))
        state.failures.push_back(required_email_not_found(spec.subject_email, values_of_type(sans, SanType::email)));
}

void check_extension(MatchState& state, const std::string& expected, const RE2* pattern, const std::string& pattern_text,
                     const std::optional<std::string>& found, const char* name, const std::string& oid) {
    if (expected.empty() && !pattern) return;
    const auto& malformed = state.match.extensions.malformed;
    std::string label = "Certificate extension " + std::string(name) + " (" + oid + "): ";
    if (std::find(malformed.begin(), malformed.end(), oid) != malformed.end()) {
        state.failures.push_back(label + "malformed (not one DER string)");
    } else if (!expected.empty() && (!found || *found != expected)) {
        state.failures.push_back(label + "expected " + util::go_quote(expected) + ", " + found_value(found));
    } else if (pattern && (!found || !matches(*pattern, *found))) {
        state.failures.push_back(label + "expected a match of the RE2 pattern " + util::go_quote(pattern_text) + ", " + found_value(found));
    }
}

void check_extensions(MatchState& state) {
    const auto& spec = state.requirement.spec();
    const FulcioExtensions& found = state.match.extensions;
    check_extension(state, spec.build_signer_uri, state.requirement.compiled().build_signer_uri.get(), spec.build_signer_uri_regexp,
                    found.build_signer_uri, "buildSignerURI", std::string(oid_build_signer_uri));
    const auto& github = spec.github_workflow;
    const std::string arc = "1.3.6.1.4.1.57264.1.";
    check_extension(state, github.trigger, nullptr, "", found.github_workflow_trigger, "githubWorkflowTrigger", arc + "2");
    check_extension(state, github.sha, nullptr, "", found.github_workflow_sha, "githubWorkflowSha", arc + "3");
    check_extension(state, github.name, nullptr, "", found.github_workflow_name, "githubWorkflowName", arc + "4");
    check_extension(state, github.repository, nullptr, "", found.github_workflow_repository, "githubWorkflowRepository", arc + "5");
    check_extension(state, github.ref, nullptr, "", found.github_workflow_ref, "githubWorkflowRef", arc + "6");
}

}  // namespace

IdentityMatch match_certificate_identity(const Certificate& verified_certificate, const IdentityRequirement& requirement) {
    MatchState state{requirement, {}, {}};
    state.match.subject_alternative_names = certificate_subject_alternative_names(verified_certificate);
    state.match.extensions = read_fulcio_extensions(verified_certificate);
    check_issuer(verified_certificate, state);
    check_subjects(state);
    check_extensions(state);
    if (!state.failures.empty()) {
        std::string reason;
        for (std::size_t i = 0; i < state.failures.size(); ++i) reason += (i ? "; " : "") + state.failures[i];
        throw SignatureRejected(RejectionKind::untrusted_signer, reason);  // the certificate does not make the signer trusted
    }
    return std::move(state.match);
}

}  // namespace imgtrust::signature
