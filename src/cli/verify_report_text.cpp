#include "cli/verify_report.hpp"

namespace imgtrust::cli {
namespace {

const char* state_name(RequirementOutcome::State state) {
    switch (state) {
        case RequirementOutcome::State::accepted: return "accepted";
        case RequirementOutcome::State::rejected: return "rejected";
        default: return "not evaluated";
    }
}

void print_signature(std::ostream& out, const SignatureOutcome& sig) {
    out << "    signature " << sig.index << " (" << sig.format << "): ";
    if (sig.accepted) {
        out << "accepted";
        if (!sig.signed_identity.empty()) out << ", identity " << sig.signed_identity;
        if (!sig.key_fingerprint.empty()) out << ", key " << sig.key_fingerprint;
        out << "\n";
    } else {
        out << sig.reason << "\n";
    }
    if (!sig.hint.empty()) out << "      hint: " << sig.hint << "\n";
    if (sig.accepted && (!sig.certificate_subject.empty() || !sig.certificate_sans.empty())) {
        out << "      certificate: subject \"" << sig.certificate_subject << "\", issuer \"" << sig.certificate_issuer << "\"";
        for (const auto& name : sig.certificate_sans) out << ", " << name;
        if (!sig.certificate_oidc_issuer.empty()) out << ", OIDC issuer " << sig.certificate_oidc_issuer;
        out << "\n";
        if (!sig.certificate_matched_san.empty()) out << "      identity matched: " << sig.certificate_matched_san << "\n";
        for (const auto& extension : sig.certificate_extensions)
            out << "      " << extension.name << " (" << extension.oid << "): " << extension.value << "\n";
    }
    if (sig.accepted && sig.integrated_time) out << "      Rekor integrated time: " << *sig.integrated_time << "\n";
    if (!sig.found_in.empty()) out << "      found in: " << sig.found_in << "\n";
    for (const SigningTime& time : sig.signing_times)
        out << "      signing time (" << time.source << "): " << time.time << " from " << time.authority << "\n";
}

// The first reason the index was denied (index-or-platform).
std::string index_reason(const Verdict& verdict) {
    if (!verdict.index_reason.empty()) return verdict.index_reason;
    for (const auto& req : verdict.index_requirements)
        if (req.state == RequirementOutcome::State::rejected) return req.type + ": " + req.reason;
    return "rejected by policy";
}

void print_verdict(std::ostream& out, const Verdict& verdict) {
    out << verdict.image << ": " << (verdict.allowed ? "accepted" : "rejected") << "\n";
    out << "  manifest digest: " << verdict.manifest_digest << "\n";
    if (!verdict.platform.empty()) out << "  platform: " << verdict.platform << "\n";
    if (!verdict.list_digest.empty()) out << "  instance of manifest list: " << verdict.list_digest << "\n";
    if (!verdict.list_digest.empty() && verdict.multi_arch_rule != "platform")
        out << "  multi-arch rule: " << verdict.multi_arch_rule << "\n";
    if (verdict.satisfied_by == "index") {
        out << "  accepted by the index's signatures (" << verdict.list_digest << "); the instance's own evaluation follows\n";
        for (const auto& req : verdict.index_requirements) {
            out << "  index requirement " << req.index << " (" << req.type << "): " << state_name(req.state) << "\n";
            for (const auto& sig : req.signatures)
                if (sig.accepted) print_signature(out, sig);
        }
    }
    if (verdict.index_evaluated && !verdict.index_allowed)
        out << "  the index " << verdict.list_digest << " is not allowed either"
            << (verdict.index_requirements.empty() ? std::string() : ": " + index_reason(verdict)) << "\n";
    out << "  policy: " << verdict.policy_source << ", scope " << verdict.transport_scope << "\n";
    if (!verdict.reason.empty()) out << "  " << verdict.reason << "\n";
    for (const auto& req : verdict.requirements) {
        out << "  requirement " << req.index << " (" << req.type << "): " << state_name(req.state);
        if (!req.reason.empty()) out << ": " << req.reason;
        out << "\n";
        // On acceptance show only the accepted signature; on rejection every reason.
        for (const auto& sig : req.signatures)
            if (!verdict.allowed || sig.accepted) print_signature(out, sig);
    }
    if (verdict.allowed)
        out << "  consume it by digest (verification is time-of-check): @" << verdict.manifest_digest << "\n";
}

// With --all, the instances of one list are consecutive results: the image is
// accepted only if every one of them is.
bool same_list(const ImageResult& a, const ImageResult& b) {
    return a.verdict && b.verdict && a.image == b.image && !a.verdict->list_digest.empty() &&
           a.verdict->list_digest == b.verdict->list_digest;
}

void print_list_summary(std::ostream& out, const std::vector<ImageResult>& results, std::size_t first, std::size_t end) {
    std::size_t rejected = 0;
    for (std::size_t i = first; i < end; ++i) rejected += results[i].verdict->allowed ? 0 : 1;
    out << results[first].image << ": " << (rejected == 0 ? "accepted" : "rejected") << " (" << end - first - rejected
        << " of " << end - first << " instances of " << results[first].verdict->list_digest << " accepted)\n";
}

}  // namespace

void print_text_report(std::ostream& out, std::ostream& err, const std::vector<ImageResult>& results) {
    std::size_t group_start = 0;
    for (std::size_t i = 0; i < results.size(); ++i) {
        const ImageResult& result = results[i];
        if (result.verdict)
            print_verdict(out, *result.verdict);
        else
            err << "Error: " << result.image << ": " << result.error_message << "\n";
        const bool group_ends = i + 1 == results.size() || !same_list(result, results[i + 1]);
        if (group_ends && i > group_start) print_list_summary(out, results, group_start, i + 1);
        if (group_ends) group_start = i + 1;
    }
}

}  // namespace imgtrust::cli
