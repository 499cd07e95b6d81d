"""Inputs of the fuzz harnesses that are not committed as files: seeds taken from
tests/fixtures (plus the hand-made ones in tests/fuzz/seeds/<name>/), and the
deep-nesting inputs of issue 13, generated at replay time because they are
megabytes long and libFuzzer cannot build them within -max_len."""
import base64
import gzip
import hashlib
import io
import json
import pathlib
import tarfile

SOURCE_ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = SOURCE_ROOT / 'tests' / 'fixtures'
MAX_SEED_BYTES = 64 * 1024
COSIGN_SIGNATURE = 'dev.cosignproject.cosign/signature'
COSIGN_BUNDLE = 'dev.sigstore.cosign/bundle'


def store_by_hash(directory, content):
    """Writes content as directory/<sha1>, libFuzzer's corpus naming (so seeds never duplicate)."""
    if len(content) <= MAX_SEED_BYTES:
        (directory / hashlib.sha1(content).hexdigest()).write_bytes(content)


def _files(*patterns, root=FIXTURES):
    for pattern in patterns:
        yield from (p for p in sorted(root.glob(pattern)) if p.is_file())


def _sigstore_signatures():
    """The JSON objects of every sigstore-json signature blob in the fixtures."""
    for path in _files('**/signature-*'):
        blob = path.read_bytes()
        if blob.startswith(b'\0sigstore-json\n'):
            try:
                yield json.loads(blob[len(b'\0sigstore-json\n'):])
            except ValueError:
                continue


def _payload_seeds():
    for path in _files('payloads/**/*.payload', 'payloads/**/*.json'):
        yield path.read_bytes()
    for signature in _sigstore_signatures():
        payload = base64.b64decode(signature.get('payload') or '')
        yield payload
        # verify_sigstore_payload form of fuzz_sigstore_payload: base64 signature, newline, payload
        annotations = signature.get('annotations') or {}
        yield annotations.get(COSIGN_SIGNATURE, '').encode() + b'\n' + payload


def _rekor_seeds():
    for signature in _sigstore_signatures():
        bundle = (signature.get('annotations') or {}).get(COSIGN_BUNDLE)
        if bundle:
            yield bundle.encode()
            try:
                yield json.dumps(json.loads(bundle).get('Payload')).encode()
            except (ValueError, AttributeError):
                continue


def _pem_seeds():
    for path in _files('**/*.pem', '**/*.pub', 'keys/*.asc'):
        yield path.read_bytes()
    for signature in _sigstore_signatures():
        for key, value in (signature.get('annotations') or {}).items():
            if 'BEGIN' in value:
                yield value.encode()


def _manifest_seeds():
    for path in _files('**/manifest.json', '**/index.json', '**/blobs/sha256/*'):
        content = path.read_bytes()
        if content.lstrip().startswith(b'{'):
            yield content


def _policy_seeds():
    yield from (p.read_bytes() for p in _files('policies/**/*'))
    yield from (p.read_bytes() for p in _files('policy/**/*.json', 'policy/**/*.json.in', root=SOURCE_ROOT))


def _timestamp_sct_seeds():
    """DER TimeStampResps and tokens, and DER certificates with (and without) SCT lists."""
    yield from (p.read_bytes() for p in _files('sigstore/**/*.tsr', 'sigstore/*.der', 'sigstore/conformance/*/leaf.der'))
    for path in _files('sigstore/sct-*.pem'):
        body = b''.join(line for line in path.read_bytes().splitlines() if not line.startswith(b'-----'))
        yield base64.b64decode(body)


def _conformance_seeds(file_name):
    """The sigstore-conformance cases' bundles or trusted roots (tests/conformance)."""
    yield from (p.read_bytes() for p in _files('bundle-verify/*/' + file_name, root=SOURCE_ROOT / 'tests' / 'conformance'))


def _tlog_part_seeds():
    """From the conformance bundles: checkpoints, decoded entry bodies and DSSE payloads."""
    for raw in _conformance_seeds('bundle.sigstore.json'):
        try:
            bundle = json.loads(raw)
            for entry in bundle.get('verificationMaterial', {}).get('tlogEntries', []):
                checkpoint = entry.get('inclusionProof', {}).get('checkpoint', {}).get('envelope')
                if checkpoint:
                    yield checkpoint.encode()
                if entry.get('canonicalizedBody'):
                    yield base64.b64decode(entry['canonicalizedBody'])
            if bundle.get('dsseEnvelope', {}).get('payload'):
                yield base64.b64decode(bundle['dsseEnvelope']['payload'])
        except (ValueError, AttributeError, TypeError):
            continue


def _layout_tar(layout, prefix=''):
    """The OCI layout directory `layout` as an uncompressed tar (as skopeo writes oci-archive:), built in memory."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode='w', format=tarfile.PAX_FORMAT) as tar:
        for path in sorted(layout.rglob('*')):
            info = tar.gettarinfo(str(path), prefix + path.relative_to(layout).as_posix())
            info.uid = info.gid = 0
            info.uname = info.gname = ''
            info.mtime = 0
            with (path.open('rb') if path.is_file() else io.BytesIO()) as content:
                tar.addfile(info, content if path.is_file() else None)
    return out.getvalue()


def _oci_archive_seeds():
    """The oci-archive fixtures, and the signed oci: layouts of the fixtures as tars (plain and gzip)."""
    yield from (p.read_bytes() for p in _files('archives/*.tar'))
    for marker in _files('images/oci-*/oci-layout', 'keyless/images/oci-*/oci-layout'):
        archive = _layout_tar(marker.parent, './' if 'save' in marker.parent.name else '')
        yield archive
        if 'other-then-valid' in marker.parent.name:
            yield gzip.compress(archive, mtime=0)
    yield _hostile_tar()


def _hostile_tar():
    """Entries the reader must refuse or skip: a symlinked index.json, a hard link, a name given twice."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode='w', format=tarfile.GNU_FORMAT) as tar:
        for name, kind, target, content in (('oci-layout', tarfile.REGTYPE, '', b'{"imageLayoutVersion": "1.0.0"}'),
                                             ('index.json', tarfile.SYMTYPE, '/etc/passwd', b''),
                                             ('blobs/sha256/a', tarfile.LNKTYPE, 'oci-layout', b''),
                                             ('index.json', tarfile.REGTYPE, '', b'{"schemaVersion": 2, "manifests": []}')):
            info = tarfile.TarInfo(name)
            info.type, info.linkname, info.size = kind, target, len(content)
            tar.addfile(info, io.BytesIO(content))
    return out.getvalue()


def _extension_signature_seeds():
    """OpenShift signature-API lists holding the simple signing blobs of the GPG fixtures."""
    for path in _files('images/gpg-*/signature-*'):
        content = base64.b64encode(path.read_bytes()).decode()
        entry = {'schemaVersion': 2, 'name': 'sha256:' + '0' * 64 + '@fuzz', 'type': 'atomic', 'content': content}
        yield json.dumps({'signatures': [entry]}).encode()


def _serve_seeds():
    """serve --stdio request lines: verify-preloaded with the signed fixtures and a bundle, the other methods."""
    def b64(path):
        return base64.b64encode(path.read_bytes()).decode()
    images = FIXTURES / 'images'
    for image, signatures in (('sigstore-ecdsa-p256-app-v1', ['signature-1']), ('gpg-valid-app-v1', ['signature-1']),
                              ('unsigned', [])):
        yield json.dumps({'id': image, 'method': 'verify-preloaded', 'identity': 'docker://registry.example.com/app:v1',
                          'manifest': b64(images / image / 'manifest.json'),
                          'signatures': [b64(images / image / s) for s in signatures]}).encode()
    yield json.dumps({'id': 1, 'method': 'verify-preloaded', 'identity': 'docker://registry.example.com/app:v1',
                      'manifest': b64(images / 'unsigned' / 'manifest.json'), 'manifestType': 'application/vnd.oci.image.manifest.v1+json',
                      'signatures': [b64(FIXTURES / 'bundles' / 'keyed' / 'valid-image-rekor.sigstore.json')]}).encode()
    yield b'{"id": 2, "method": "verify", "image": "docker://registry.example.com/app:v1"}'
    yield b'{"id": 3, "method": "validate", "line": "registry.example.com/app:v1"}'
    yield b'{"id": null, "method": "shutdown"}'


def _fixture_seeds(name):
    if name == 'fuzz_policy':
        yield from _policy_seeds()
    elif name == 'fuzz_manifest':
        yield from _manifest_seeds()
    elif name == 'fuzz_signature_blob':
        yield from (p.read_bytes() for p in _files('**/signature-*'))
    elif name == 'fuzz_sigstore_payload':
        yield from _payload_seeds()
    elif name == 'fuzz_rekor':
        yield from _rekor_seeds()
    elif name == 'fuzz_pem':
        yield from _pem_seeds()
    elif name == 'fuzz_timestamp_sct':
        yield from _timestamp_sct_seeds()
    elif name == 'fuzz_bundle':
        yield from _conformance_seeds('bundle.sigstore.json')
    elif name == 'fuzz_tlog_parts':
        yield from _tlog_part_seeds()
    elif name == 'fuzz_trusted_root':
        yield from _conformance_seeds('trusted_root.json')
        yield (SOURCE_ROOT / 'data' / 'sigstore' / 'public-good-trusted-root.json').read_bytes()
    elif name == 'fuzz_registries_d':
        yield from (p.read_bytes() for p in _files('policy/**/*.yaml.in', root=SOURCE_ROOT))
    elif name == 'fuzz_signing_key':
        yield from (p.read_bytes() for p in _files('signing-keys/*.key', 'keys/*.key'))
    elif name == 'fuzz_oci_archive':
        yield from _oci_archive_seeds()
    elif name == 'fuzz_extension_signatures':
        yield from _extension_signature_seeds()
    elif name == 'fuzz_serve_request':
        yield from _serve_seeds()
    elif name == 'fuzz_untrusted_json':
        for source in (_policy_seeds(), _manifest_seeds(), _payload_seeds(), _rekor_seeds()):
            yield from source


def seeds(name):
    """Every seed of harness `name`: its fixture seeds, then tests/fuzz/seeds/<name>/*."""
    yield from _fixture_seeds(name)
    yield from (p.read_bytes() for p in _files(f'tests/fuzz/seeds/{name}/*', root=SOURCE_ROOT))


def _nested_arrays(levels):
    return b'[' * levels + b']' * levels


def _nested_objects(levels):
    return b'{"a":' * levels + b'1' + b'}' * levels


def _deep_json_cases():
    return {
        'arrays-1e6.json': _nested_arrays(1_000_000),
        'arrays-2e5.json': _nested_arrays(200_000),
        'objects-1e5.json': _nested_objects(100_000),
    }


def deep_inputs(name):
    """name -> bytes: the hostile nesting of issue 13 in the form this harness reads."""
    json_cases = _deep_json_cases()
    if name in ('fuzz_untrusted_json', 'fuzz_manifest', 'fuzz_policy', 'fuzz_registry_protocol',
                'fuzz_sigstore_payload', 'fuzz_auth_file'):
        return json_cases
    if name == 'fuzz_rekor':
        return {f'set-payload-{k}': b'{"SignedEntryTimestamp":"","Payload":' + v + b'}' for k, v in json_cases.items()}
    if name == 'fuzz_signature_blob':
        return {f'annotations-{k}': b'\0sigstore-json\n{"mimeType":"x","payload":"","annotations":' + v + b'}'
                for k, v in json_cases.items()}
    if name == 'fuzz_registries_d':
        return {'flow-sequences-1e5.yaml': b'docker: ' + _nested_arrays(100_000),
                'block-maps-1e3.yaml': b''.join(b'  ' * i + b'a:\n' for i in range(1_000))}
    return {}


def write_deep_inputs(directory, name):
    """Writes deep_inputs(name) into directory (once) and returns their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for file_name, content in deep_inputs(name).items():
        path = directory / file_name
        if not path.exists() or path.stat().st_size != len(content):
            path.write_bytes(content)
        paths.append(path)
    return paths
