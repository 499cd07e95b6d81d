"""An OCI layout as `cosign save` (v3) writes one for an image with bundle
referrers, made from what a test registry serves (a writer independent of
imgtrust). What cosign does (cmd/cosign/cli/save.go, pkg/oci/layout/write.go):
for each referrer with an artifactType it calls WriteSignedImage, which writes
the referrer's manifest, config and layers into blobs/ and rewrites index.json;
then WriteSignedImage for the image itself rewrites index.json once more. So the
final index.json names only the image (annotated kind=dev.cosignproject.cosign/image)
and the referrers stay in blobs/, linked to the image by their `subject`.
"""
import hashlib
import json
import os
import urllib.error
import urllib.request

ACCEPT = ", ".join(["application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.index.v1+json",
                    "application/vnd.docker.distribution.manifest.v2+json"])


def _get(url, accept=None):
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


def _write_blob(directory, data):
    digest = hashlib.sha256(data).hexdigest()
    path = os.path.join(directory, "blobs", "sha256", digest)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as out:
        out.write(data)
    return "sha256:" + digest


def _save_manifest_and_blobs(base, directory, reference):
    """Writes the manifest named by reference (tag or digest), its config and layers; returns its bytes."""
    manifest = _get(base + "/manifests/" + reference, ACCEPT)
    _write_blob(directory, manifest)
    document = json.loads(manifest)
    for descriptor in [document.get("config")] + document.get("layers", []):
        if descriptor:
            _write_blob(directory, _get(base + "/blobs/" + descriptor["digest"]))
    return manifest


def save(registry_url, repository, tag, directory):
    """The layout for registry_url/repository:tag and its referrers (listed under the
    referrers tag schema, as on a registry without the referrers API)."""
    base = "%s/v2/%s" % (registry_url, repository)
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "oci-layout"), "w") as out:
        out.write('{"imageLayoutVersion":"1.0.0"}')
    image = _save_manifest_and_blobs(base, directory, tag)
    digest = "sha256:" + hashlib.sha256(image).hexdigest()
    try:
        listed = json.loads(_get(base + "/manifests/sha256-" + digest.split(":", 1)[1], "application/vnd.oci.image.index.v1+json"))
    except urllib.error.HTTPError as error:
        if error.code != 404:
            raise
        listed = {"manifests": []}
    for referrer in listed.get("manifests", []):
        if referrer.get("artifactType"):
            _save_manifest_and_blobs(base, directory, referrer["digest"])
    media_type = json.loads(image).get("mediaType", "application/vnd.oci.image.manifest.v1+json")
    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
             "manifests": [{"mediaType": media_type, "size": len(image), "digest": digest,
                            "annotations": {"kind": "dev.cosignproject.cosign/image"}}]}
    with open(os.path.join(directory, "index.json"), "w") as out:
        json.dump(index, out)
    return digest
