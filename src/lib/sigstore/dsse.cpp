#include "sigstore/dsse.hpp"

#include <rapidjson/document.h>

#include "signature/rejection.hpp"
#include "util/untrusted_json.hpp"

namespace imgtrust::sigstore {
namespace {

constexpr std::size_t max_statement_subjects = 1024;

[[noreturn]] void reject(const std::string& reason) { throw signature::SignatureRejected("invalid in-toto statement: " + reason); }

std::string string_member(const rapidjson::Value& object, const char* name) {
    auto member = object.FindMember(name);
    if (member == object.MemberEnd() || !member->value.IsString()) reject(std::string("\"") + name + "\" is missing or not a string");
    return std::string(member->value.GetString(), member->value.GetStringLength());
}

StatementSubject parse_subject(const rapidjson::Value& value, std::size_t index) {
    std::string where = "subject[" + std::to_string(index) + "]";
    if (!value.IsObject()) reject(where + " is not an object");
    StatementSubject subject;
    auto name = value.FindMember("name");
    if (name != value.MemberEnd() && name->value.IsString()) subject.name.assign(name->value.GetString(), name->value.GetStringLength());
    auto digest = value.FindMember("digest");
    if (digest == value.MemberEnd() || !digest->value.IsObject()) reject(where + ".digest is missing or not an object");
    for (auto entry = digest->value.MemberBegin(); entry != digest->value.MemberEnd(); ++entry) {
        std::string algorithm(entry->name.GetString(), entry->name.GetStringLength());
        if (!util::digest_algorithm_named(algorithm)) continue;  // other algorithms are not ours to check
        if (!entry->value.IsString()) reject(where + ".digest." + algorithm + " is not a string");
        std::string text = algorithm + ":" + std::string(entry->value.GetString(), entry->value.GetStringLength());
        auto parsed = util::Digest::parse(text);
        if (!parsed) reject(where + ".digest." + algorithm + " is not a valid lowercase hex digest");
        subject.digests.push_back(*parsed);
    }
    return subject;
}

}  // namespace

std::string dsse_pae(std::string_view payload_type, std::string_view payload) {
    std::string encoded = "DSSEv1 ";
    encoded += std::to_string(payload_type.size());
    encoded += ' ';
    encoded += payload_type;
    encoded += ' ';
    encoded += std::to_string(payload.size());
    encoded += ' ';
    encoded += payload;
    return encoded;
}

InTotoStatement parse_in_toto_statement(std::string_view verified_payload) {
    rapidjson::Document document;
    if (auto error = util::parse_untrusted_json(verified_payload, document)) reject(error->describe());
    if (!document.IsObject()) reject("not a JSON object");
    InTotoStatement statement;
    statement.type = string_member(document, "_type");
    if (statement.type != "https://in-toto.io/Statement/v1" && statement.type != "https://in-toto.io/Statement/v0.1")
        reject("unknown _type \"" + statement.type.substr(0, 80) + "\"");
    statement.predicate_type = string_member(document, "predicateType");
    auto subjects = document.FindMember("subject");
    if (subjects == document.MemberEnd() || !subjects->value.IsArray() || subjects->value.Empty())
        reject("\"subject\" is missing, not an array, or empty");
    if (subjects->value.Size() > max_statement_subjects) reject("more than " + std::to_string(max_statement_subjects) + " subjects");
    for (rapidjson::SizeType i = 0; i < subjects->value.Size(); ++i) statement.subjects.push_back(parse_subject(subjects->value[i], i));
    return statement;
}

}  // namespace imgtrust::sigstore
