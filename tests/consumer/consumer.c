/* A C embedder of libimgtrust (include/imgtrust/imgtrust.h), built against the
 * installed files with `pkg-config --cflags --libs imgtrust` by
 * run-consumers.sh. Usage:
 *   consumer POLICY SIGNED_DIR TAMPERED_DIR DOCKER_REFERENCE
 * POLICY accepts SIGNED_DIR (dir:) and DOCKER_REFERENCE's repository (docker:);
 * TAMPERED_DIR is a copy of SIGNED_DIR with an altered manifest. Checks:
 *   dir:SIGNED_DIR is allowed (digest, JSON), dir:TAMPERED_DIR is rejected with
 *   a reason, SIGNED_DIR's manifest and signature handed over as pre-downloaded
 *   content under DOCKER_REFERENCE are allowed and the tampered manifest is not,
 *   an invalid policy is IMGTRUST_E_POLICY with a message, a missing image is
 *   IMGTRUST_E_FETCH with an error result. Prints one line per check; exit 0
 *   when every check passes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <imgtrust/imgtrust.h>

static int failures = 0;

static void check(int ok, const char *what, const char *detail) {
    printf("%s: %s%s%s\n", ok ? "pass" : "FAIL", what, detail && *detail ? " -- " : "", detail ? detail : "");
    if (!ok) failures++;
}

/* The whole file into a malloc'ed buffer (*len bytes); NULL on failure. */
static char *read_file(const char *path, size_t *len) {
    FILE *file = fopen(path, "rb");
    char *data = NULL;
    long size;
    if (!file) return NULL;
    if (fseek(file, 0, SEEK_END) == 0 && (size = ftell(file)) >= 0 && fseek(file, 0, SEEK_SET) == 0) {
        data = malloc((size_t)size + 1);
        if (data && fread(data, 1, (size_t)size, file) != (size_t)size) {
            free(data);
            data = NULL;
        }
        if (data) {
            data[size] = '\0';
            *len = (size_t)size;
        }
    }
    fclose(file);
    return data;
}

static char *join(const char *directory, const char *name) {
    size_t len = strlen(directory) + strlen(name) + 2;
    char *path = malloc(len);
    if (path) snprintf(path, len, "%s/%s", directory, name);
    return path;
}

static void check_dir_images(const imgtrust_context *context, const char *signed_dir, const char *tampered_dir) {
    char image[4096];
    imgtrust_result *result = NULL;
    imgtrust_status status;

    snprintf(image, sizeof image, "dir:%s", signed_dir);
    status = imgtrust_verify(context, NULL, image, &result);
    check(status == IMGTRUST_OK && result && imgtrust_result_allowed(result), "signed image allowed",
          result ? imgtrust_result_reason(result) : imgtrust_last_error());
    if (result) {
        check(strncmp(imgtrust_result_manifest_digest(result), "sha256:", 7) == 0, "manifest digest",
              imgtrust_result_manifest_digest(result));
        check(strstr(imgtrust_result_json(result), "\"allowed\":true") != NULL, "JSON says allowed",
              imgtrust_result_json(result));
    }
    imgtrust_result_free(result);

    snprintf(image, sizeof image, "dir:%s", tampered_dir);
    result = NULL;
    status = imgtrust_verify(context, NULL, image, &result);
    check(status == IMGTRUST_REJECTED && result && !imgtrust_result_allowed(result) &&
              imgtrust_result_reason(result)[0] != '\0',
          "tampered image rejected with a reason", result ? imgtrust_result_reason(result) : imgtrust_last_error());
    if (result)
        check(strstr(imgtrust_result_json(result), "\"rejectionKind\":\"digest-mismatch\"") != NULL,
              "JSON names the rejection kind", "digest-mismatch");
    imgtrust_result_free(result);

    snprintf(image, sizeof image, "dir:%s/does-not-exist", signed_dir);
    result = NULL;
    status = imgtrust_verify(context, NULL, image, &result);
    check(status == IMGTRUST_E_FETCH && result && strcmp(imgtrust_result_error_kind(result), "not-found") == 0 &&
              imgtrust_last_error()[0] != '\0',
          "missing image is a fetch error", imgtrust_last_error());
    imgtrust_result_free(result);
}

/* SIGNED_DIR's manifest.json and signature-1 as pre-downloaded content. */
static void check_preloaded(const imgtrust_context *context, const char *signed_dir, const char *tampered_dir,
                            const char *reference) {
    char *manifest_path = join(signed_dir, "manifest.json"), *signature_path = join(signed_dir, "signature-1");
    char *tampered_path = join(tampered_dir, "manifest.json");
    size_t manifest_len = 0, signature_len = 0, tampered_len = 0;
    char *manifest = manifest_path ? read_file(manifest_path, &manifest_len) : NULL;
    char *signature = signature_path ? read_file(signature_path, &signature_len) : NULL;
    char *tampered = tampered_path ? read_file(tampered_path, &tampered_len) : NULL;
    const void *signatures[1];
    size_t lens[1];
    imgtrust_result *result = NULL;
    imgtrust_status status;

    check(manifest && signature && tampered, "read the signed image's files", manifest_path);
    if (manifest && signature && tampered) {
        signatures[0] = signature;
        lens[0] = signature_len;
        status = imgtrust_verify_preloaded(context, reference, manifest, manifest_len, NULL, signatures, lens, 1, &result);
        check(status == IMGTRUST_OK && imgtrust_result_allowed(result), "pre-downloaded signed manifest allowed",
              result ? imgtrust_result_json(result) : imgtrust_last_error());
        imgtrust_result_free(result);
        result = NULL;
        status = imgtrust_verify_preloaded(context, reference, tampered, tampered_len, NULL, signatures, lens, 1, &result);
        check(status == IMGTRUST_REJECTED && !imgtrust_result_allowed(result), "pre-downloaded tampered manifest rejected",
              result ? imgtrust_result_reason(result) : imgtrust_last_error());
        imgtrust_result_free(result);
    }
    free(manifest);
    free(signature);
    free(tampered);
    free(manifest_path);
    free(signature_path);
    free(tampered_path);
}

static void check_policies(const char *policy_path) {
    static const char invalid[] = "{\"default\": [{\"type\": \"no-such-type\"}]}";
    size_t len = 0;
    char *json = read_file(policy_path, &len);
    imgtrust_context *context = NULL;
    imgtrust_status status = imgtrust_context_new_from_json(invalid, strlen(invalid), NULL, &context);
    check(status == IMGTRUST_E_POLICY && context == NULL && imgtrust_last_error()[0] != '\0',
          "invalid policy JSON is IMGTRUST_E_POLICY", imgtrust_last_error());
    status = imgtrust_context_new_from_file("/nonexistent/policy.json", NULL, &context);
    check(status == IMGTRUST_E_CONFIG && context == NULL, "missing policy file is IMGTRUST_E_CONFIG",
          imgtrust_last_error());
    check(json != NULL, "read the policy", policy_path);
    if (json) {
        status = imgtrust_context_new_from_json(json, len, NULL, &context);
        check(status == IMGTRUST_OK && context != NULL, "policy from JSON", imgtrust_last_error());
        imgtrust_context_free(context);
    }
    free(json);
    check(imgtrust_verify(NULL, NULL, "dir:/x", NULL) == IMGTRUST_E_INVALID_ARGUMENT,
          "NULL arguments are IMGTRUST_E_INVALID_ARGUMENT", imgtrust_last_error());
}

int main(int argc, char **argv) {
    imgtrust_context_options *options = NULL;
    imgtrust_context *context = NULL;
    imgtrust_status status;
    if (argc != 5) {
        fprintf(stderr, "usage: %s POLICY SIGNED_DIR TAMPERED_DIR DOCKER_REFERENCE\n", argv[0]);
        return 2;
    }
    printf("libimgtrust %s\n", imgtrust_version());
    check(imgtrust_context_options_new(&options) == IMGTRUST_OK &&
              imgtrust_context_options_set_require_signed(options, 1) == IMGTRUST_OK,
          "context options", imgtrust_last_error());
    status = imgtrust_context_new_from_file(argv[1], options, &context);
    imgtrust_context_options_free(options);
    check(status == IMGTRUST_OK, "policy from file", imgtrust_last_error());
    if (status != IMGTRUST_OK) return 1;
    check_dir_images(context, argv[2], argv[3]);
    check_preloaded(context, argv[2], argv[3], argv[4]);
    imgtrust_context_free(context);
    check_policies(argv[1]);
    printf("%s: %d failed\n", failures ? "FAIL" : "pass", failures);
    return failures ? 1 : 0;
}
