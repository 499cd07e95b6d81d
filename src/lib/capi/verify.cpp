// imgtrust_verify, imgtrust_verify_preloaded and the result accessors: one
// image's verdict (or error) as the CLI reports it, JSON included.
#include <string>
#include <vector>

#include "capi/handles.hpp"
#include "imgtrust/errors.hpp"
#include "imgtrust/preloaded.hpp"

namespace {

using imgtrust::capi::guarded;
using imgtrust::capi::invalid_argument;

// Fills the result's status, JSON, reason and digest from its ImageResult;
// an error result also becomes the thread's last error.
imgtrust_status finish(imgtrust_result& result) {
    const imgtrust::ImageResult& image = result.image;
    if (image.verdict) {
        result.status = image.verdict->allowed ? IMGTRUST_OK : IMGTRUST_REJECTED;
        result.manifest_digest = image.verdict->manifest_digest;
        if (!image.verdict->allowed) result.reason = imgtrust::first_rejection_reason(*image.verdict);
    } else {
        const std::string& kind = image.error_kind;
        result.status = kind == "policy" ? IMGTRUST_E_POLICY
                        : kind == "config" ? IMGTRUST_E_CONFIG
                        : kind == "fetch" || kind == "not-found" ? IMGTRUST_E_FETCH
                        : IMGTRUST_E_INTERNAL;
        result.reason = image.error_message;
        imgtrust::capi::set_last_error(image.error_message.c_str());
    }
    result.json = imgtrust::image_result_json(image);
    return result.status;
}

// Runs evaluate() (which returns a Verdict) for `image_name` into a new result:
// a failure of the image is an error result; only out of memory is not.
template <typename Evaluate>
imgtrust_status verify_into(std::string image_name, imgtrust_result** out_result, Evaluate&& evaluate) {
    auto result = std::make_unique<imgtrust_result>();
    try {
        result->image.verdict = evaluate();
        result->image.image = std::move(image_name);
    } catch (const std::bad_alloc&) {
        throw;
    } catch (...) {
        result->image = imgtrust::image_result_from_exception(std::move(image_name), std::current_exception());
    }
    const imgtrust_status status = finish(*result);
    *out_result = result.release();
    return status;
}

std::vector<imgtrust::UntrustedSignature> parse_signatures(const void* const* signatures, const size_t* lengths,
                                                           size_t count) {
    if (count > imgtrust::max_signatures)
        throw imgtrust::ConfigError(std::to_string(count) + " signatures: more than the " +
                                    std::to_string(imgtrust::max_signatures) + " an image may have");
    std::vector<imgtrust::UntrustedSignature> parsed;
    parsed.reserve(count);
    for (size_t i = 0; i < count; ++i)
        parsed.push_back(imgtrust::parse_signature_file(
            std::string_view(static_cast<const char*>(signatures[i]), lengths[i])));
    return parsed;
}

}  // namespace

extern "C" {

imgtrust_status imgtrust_verify(const imgtrust_context* context, const imgtrust_client* client, const char* image,
                                imgtrust_result** out_result) {
    if (!out_result) return invalid_argument("imgtrust_verify: out_result is NULL");
    *out_result = nullptr;
    if (!context) return invalid_argument("imgtrust_verify: context is NULL");
    if (!image) return invalid_argument("imgtrust_verify: image is NULL");
    return guarded([&] {
        return verify_into(image, out_result, [&] {
            const auto reference = imgtrust::parse_image_reference(image);
            // No client: the context's own, made once from the default settings.
            return client ? context->policy->evaluate(*reference, client->client) : context->policy->evaluate(*reference);
        });
    });
}

imgtrust_status imgtrust_verify_preloaded(const imgtrust_context* context, const char* docker_reference,
                                          const void* manifest, size_t manifest_len, const char* media_type,
                                          const void* const* signatures, const size_t* signature_lens,
                                          size_t signature_count, imgtrust_result** out_result) {
    if (!out_result) return invalid_argument("imgtrust_verify_preloaded: out_result is NULL");
    *out_result = nullptr;
    if (!context) return invalid_argument("imgtrust_verify_preloaded: context is NULL");
    if (!docker_reference) return invalid_argument("imgtrust_verify_preloaded: docker_reference is NULL");
    if (!manifest && manifest_len > 0) return invalid_argument("imgtrust_verify_preloaded: manifest is NULL");
    if (signature_count > 0 && (!signatures || !signature_lens))
        return invalid_argument("imgtrust_verify_preloaded: signatures or signature_lens is NULL");
    for (size_t i = 0; i < signature_count; ++i)
        if (!signatures[i] && signature_lens[i] > 0)
            return invalid_argument("imgtrust_verify_preloaded: a signature is NULL");
    return guarded([&] {
        const std::string reference = docker_reference;
        const std::string image_name = reference.rfind("docker://", 0) == 0 ? reference : "docker://" + reference;
        return verify_into(image_name, out_result, [&] {
            if (manifest_len > imgtrust::max_manifest_bytes)
                throw imgtrust::ConfigError("manifest of " + std::to_string(manifest_len) + " bytes: more than " +
                                            std::to_string(imgtrust::max_manifest_bytes));
            imgtrust::ManifestBlob blob{std::string(static_cast<const char*>(manifest), manifest_len),
                                        media_type ? media_type : ""};
            return imgtrust::evaluate_preloaded(*context->policy, reference, blob,
                                                parse_signatures(signatures, signature_lens, signature_count));
        });
    });
}

int imgtrust_result_allowed(const imgtrust_result* result) {
    return result && result->image.verdict && result->image.verdict->allowed ? 1 : 0;
}

imgtrust_status imgtrust_result_status(const imgtrust_result* result) {
    return result ? result->status : IMGTRUST_E_INVALID_ARGUMENT;
}

const char* imgtrust_result_manifest_digest(const imgtrust_result* result) {
    return result ? result->manifest_digest.c_str() : "";
}

const char* imgtrust_result_json(const imgtrust_result* result) { return result ? result->json.c_str() : ""; }

const char* imgtrust_result_reason(const imgtrust_result* result) { return result ? result->reason.c_str() : ""; }

const char* imgtrust_result_error_kind(const imgtrust_result* result) {
    return result ? result->image.error_kind.c_str() : "";
}

const char* imgtrust_result_error_message(const imgtrust_result* result) {
    return result ? result->image.error_message.c_str() : "";
}

void imgtrust_result_free(imgtrust_result* result) { delete result; }

}  // extern "C"
