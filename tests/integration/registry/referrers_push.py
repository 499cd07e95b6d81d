"""Pushing OCI 1.1 referrers into a test registry, shaped as cosign v3 writes
them (sigstore/cosign pkg/oci/remote/write.go, WriteReferrer and
WriteAttestationNewBundleFormat): an OCI image manifest with artifactType, the
empty config (application/vnd.oci.empty.v1+json, "{}"), one layer, `subject`
naming the image, and for bundles the dev.sigstore.bundle.content and
dev.sigstore.bundle.predicateType annotations. The manifest is PUT by digest.

For a registry without the referrers API (Debian's docker-registry 2.8),
set_referrers_tag() writes what go-containerregistry's fallback writes: an OCI
index of the referrers' descriptors (artifactType and annotations copied from
each manifest) under the tag "sha256-<hex>" of the subject.
"""
import hashlib
import json

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
EMPTY_CONFIG = "application/vnd.oci.empty.v1+json"
BUNDLE_V03 = "application/vnd.dev.sigstore.bundle.v0.3+json"
COSIGN_SIGN_PREDICATE = "https://sigstore.dev/cosign/sign/v1"
SLSA_PREDICATE = "https://slsa.dev/provenance/v1"
SPDX = "application/spdx+json"


def digest_of(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def compact(document):
    return json.dumps(document, separators=(",", ":")).encode()


def referrer_manifest(subject, artifact_type, layer, annotations, config=None):
    """The manifest bytes; subject is {"mediaType", "digest", "size"} of the image."""
    if config is None:
        config = {"mediaType": EMPTY_CONFIG, "digest": digest_of(b"{}"), "size": 2, "artifactType": artifact_type}
    manifest = {"schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": config, "layers": [layer],
                "subject": subject, "annotations": annotations, "artifactType": artifact_type}
    return compact(manifest)


def listed_descriptor(manifest_bytes):
    """The descriptor the referrers API (or the tag schema) lists for a referrer manifest."""
    manifest = json.loads(manifest_bytes)
    descriptor = {"mediaType": OCI_MANIFEST, "digest": digest_of(manifest_bytes), "size": len(manifest_bytes),
                  "artifactType": manifest.get("artifactType") or manifest["config"]["mediaType"]}
    if manifest.get("annotations"):
        descriptor["annotations"] = manifest["annotations"]
    return descriptor


def push_referrer(target, subject, artifact_type, content, layer_media_type, annotations, layer_override=None):
    """Uploads the layer and the empty config, PUTs the manifest by digest;
    returns (listed descriptor, layer descriptor)."""
    layer = {"mediaType": layer_media_type}
    layer.update(target.upload_blob(content))
    if layer_override:
        layer.update(layer_override)
    target.upload_blob(b"{}")
    manifest = referrer_manifest(subject, artifact_type, layer, annotations)
    target.put_manifest(digest_of(manifest), manifest, OCI_MANIFEST)
    return listed_descriptor(manifest), layer


def push_bundle(target, subject, bundle_bytes, predicate_type=COSIGN_SIGN_PREDICATE, layer_override=None):
    """A cosign v3 bundle referrer (sign.go signDigestBundle → WriteAttestationNewBundleFormat)."""
    annotations = {"org.opencontainers.image.created": "2026-12-05T00:00:00Z",
                   "dev.sigstore.bundle.content": "dsse-envelope",
                   "dev.sigstore.bundle.predicateType": predicate_type}
    return push_referrer(target, subject, BUNDLE_V03, bundle_bytes, BUNDLE_V03, annotations, layer_override)


def push_sbom(target, subject, content=b'{"spdxVersion":"SPDX-2.3"}'):
    """A non-bundle artifact: an SPDX document as a referrer."""
    return push_referrer(target, subject, SPDX, content, SPDX, {"org.opencontainers.image.created": "2026-12-05T00:00:00Z"})


def referrers_index(descriptors):
    return compact({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": list(descriptors)})


def referrers_tag(subject_digest):
    algorithm, _, encoded = subject_digest.partition(":")
    return "%s-%s" % (algorithm, encoded)


def set_referrers_tag(target, subject_digest, descriptors):
    """The referrers tag schema: the OCI index of descriptors under "sha256-<hex>"."""
    return target.put_manifest(referrers_tag(subject_digest), referrers_index(descriptors), OCI_INDEX)


def subject_of(manifest_bytes, media_type):
    return {"mediaType": media_type, "digest": digest_of(manifest_bytes), "size": len(manifest_bytes)}
