// The verify JSON document (stable; documented in docs/verify-json.md), one
// owner for the CLI, serve --stdio and the C ABI (include/imgtrust/verify_json.hpp):
// {"complete","interruptedBy" (only when interrupted),"images":[{"image","allowed","manifestDigest","platform","listDigest",
//   "multiArchRule","satisfiedBy","index":{"allowed","reason","requirements"} (index-or-platform, when evaluated),"policy","scope","reason",
//   "requirements":[{"index","type","location","result","reason","rejectionKind",
//     "signatures":[{"index","format","accepted","reason","rejectionKind","signedIdentity","keyFingerprint","hint",
//       "certificate":{"subject","issuer","subjectAlternativeNames","oidcIssuer"} (fulcio/pki only),
//       "integratedTime" (Rekor SET, only when verified),
//       "foundIn", "signingTimes":[{"source","time","authority"}] (Sigstore bundles only)}]}],
//   "error":{"kind","message"}}]}
#include "imgtrust/verify_json.hpp"

#include <rapidjson/ostreamwrapper.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "imgtrust/errors.hpp"

namespace imgtrust {
namespace {

// Every writer below is a template over the RapidJSON writer: PrettyWriter for
// the whole document, the compact Writer for one image (NDJSON, the C ABI).
template <typename Writer>
void write_string(Writer& w, const char* key, const std::string& value) {
    w.Key(key);
    w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

const char* result_name(RequirementOutcome::State state) {
    switch (state) {
        case RequirementOutcome::State::accepted: return "accepted";
        case RequirementOutcome::State::rejected: return "rejected";
        default: return "not-evaluated";
    }
}

template <typename Writer>
void write_signature(Writer& w, const SignatureOutcome& sig) {
    w.StartObject();
    w.Key("index");
    w.Uint64(sig.index);
    write_string(w, "format", sig.format);
    w.Key("accepted");
    w.Bool(sig.accepted);
    write_string(w, "reason", sig.reason);
    write_string(w, "rejectionKind", rejection_kind_name(sig.rejection_kind));
    write_string(w, "signedIdentity", sig.signed_identity);
    write_string(w, "keyFingerprint", sig.key_fingerprint);
    write_string(w, "hint", sig.hint);
    if (!sig.certificate_subject.empty() || !sig.certificate_sans.empty()) {
        w.Key("certificate");
        w.StartObject();
        write_string(w, "subject", sig.certificate_subject);
        write_string(w, "issuer", sig.certificate_issuer);
        w.Key("subjectAlternativeNames");
        w.StartArray();
        for (const auto& name : sig.certificate_sans) w.String(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
        w.EndArray();
        write_string(w, "oidcIssuer", sig.certificate_oidc_issuer);
        write_string(w, "matchedSubjectAlternativeName", sig.certificate_matched_san);
        if (!sig.certificate_extensions.empty()) {
            w.Key("fulcioExtensions");  // {"githubWorkflowRepository": "o/r", …}: hangar's and sigstore-go's names
            w.StartObject();
            for (const auto& extension : sig.certificate_extensions) write_string(w, extension.name.c_str(), extension.value);
            w.EndObject();
        }
        w.EndObject();
    }
    if (sig.integrated_time) {
        w.Key("integratedTime");
        w.Int64(*sig.integrated_time);
    }
    if (!sig.found_in.empty()) write_string(w, "foundIn", sig.found_in);
    if (!sig.signing_times.empty()) {
        w.Key("signingTimes");
        w.StartArray();
        for (const SigningTime& time : sig.signing_times) {
            w.StartObject();
            write_string(w, "source", time.source);
            w.Key("time");
            w.Int64(time.time);
            write_string(w, "authority", time.authority);
            w.EndObject();
        }
        w.EndArray();
    }
    w.EndObject();
}

template <typename Writer>
void write_requirement(Writer& w, const RequirementOutcome& req) {
    w.StartObject();
    w.Key("index");
    w.Uint64(req.index);
    write_string(w, "type", req.type);
    write_string(w, "location", req.location);
    write_string(w, "result", result_name(req.state));
    write_string(w, "reason", req.reason);
    write_string(w, "rejectionKind", rejection_kind_name(req.rejection_kind));
    w.Key("signatures");
    w.StartArray();
    for (const auto& sig : req.signatures) write_signature(w, sig);
    w.EndArray();
    w.EndObject();
}

template <typename Writer>
void write_result(Writer& w, const ImageResult& result) {
    w.StartObject();
    write_string(w, "image", result.image);
    w.Key("allowed");
    w.Bool(result.verdict && result.verdict->allowed);
    if (result.verdict) {
        const Verdict& v = *result.verdict;
        write_string(w, "manifestDigest", v.manifest_digest);
        write_string(w, "platform", v.platform);
        write_string(w, "listDigest", v.list_digest);
        write_string(w, "multiArchRule", v.multi_arch_rule);
        write_string(w, "satisfiedBy", v.satisfied_by);
        if (v.index_evaluated) {
            w.Key("index");
            w.StartObject();
            write_string(w, "manifestDigest", v.list_digest);
            w.Key("allowed");
            w.Bool(v.index_allowed);
            write_string(w, "reason", v.index_reason);
            w.Key("requirements");
            w.StartArray();
            for (const auto& req : v.index_requirements) write_requirement(w, req);
            w.EndArray();
            w.EndObject();
        }
        write_string(w, "policy", v.policy_source);
        write_string(w, "scope", v.transport_scope);
        write_string(w, "reason", v.reason);
        w.Key("requirements");
        w.StartArray();
        for (const auto& req : v.requirements) write_requirement(w, req);
        w.EndArray();
    } else {
        w.Key("error");
        w.StartObject();
        write_string(w, "kind", result.error_kind);
        write_string(w, "message", result.error_message);
        w.EndObject();
    }
    w.EndObject();
}

}  // namespace

void write_verify_json(std::ostream& out, const std::vector<ImageResult>& results, const std::string& interrupted_by) {
    rapidjson::OStreamWrapper stream(out);
    rapidjson::PrettyWriter<rapidjson::OStreamWrapper> w(stream);
    w.SetIndent(' ', 2);
    w.StartObject();
    w.Key("complete");
    w.Bool(interrupted_by.empty());
    if (!interrupted_by.empty()) write_string(w, "interruptedBy", interrupted_by);
    w.Key("images");
    w.StartArray();
    for (const auto& result : results) write_result(w, result);
    w.EndArray();
    w.EndObject();
    out << "\n";
}

std::string image_result_json(const ImageResult& result) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    write_result(w, result);
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::string first_rejection_reason(const Verdict& verdict) {
    if (!verdict.reason.empty()) return verdict.reason;
    for (const auto& requirement : verdict.requirements)
        if (requirement.state == RequirementOutcome::State::rejected) return requirement.type + ": " + requirement.reason;
    return "rejected by policy";
}

std::string error_kind_for(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const PolicyFormatError&) {
        return "policy";
    } catch (const ConfigError&) {
        return "config";
    } catch (const NotFoundError&) {
        return "not-found";
    } catch (const FetchError&) {
        return "fetch";
    } catch (...) {
        return "internal";  // bad_alloc, a bug: never an accept
    }
}

ImageResult image_result_from_exception(std::string image, const std::exception_ptr& error) {
    ImageResult result;
    result.image = std::move(image);
    result.error_kind = error_kind_for(error);
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        result.error_message = e.what();
    } catch (...) {
        result.error_message = "unknown error";
    }
    return result;
}

}  // namespace imgtrust
