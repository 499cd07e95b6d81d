'use strict';
// @sigstore/verify 3.1.1 on a bundle `imgtrust sign --bundle` made: keyed,
// offline (no transparency log entry, no timestamp), so the thresholds are 0,
// as `cosign verify --key K --insecure-ignore-tlog` accepts such a bundle. The
// trusted material is the public key alone (an empty trusted root).
//   node verify_signed_bundle.js BUNDLE_FILE PUBLIC_KEY_PEM
// Prints "verified" and exits 0, or prints the reason and exits 1.
const crypto = require('crypto');
const fs = require('fs');
const { bundleFromJSON } = require('@sigstore/bundle');
const { TrustedRoot } = require('@sigstore/protobuf-specs');
const { toSignedEntity, toTrustMaterial, Verifier } = require('@sigstore/verify');

const [bundlePath, keyPath] = process.argv.slice(2);
try {
  const root = TrustedRoot.fromJSON({ mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] });
  const material = toTrustMaterial(root);
  const publicKey = crypto.createPublicKey(fs.readFileSync(keyPath));
  material.publicKey = () => ({ publicKey, validFor: () => true });
  const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(bundlePath, 'utf8')));
  const verifier = new Verifier(material, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
  verifier.verify(toSignedEntity(bundle));
  console.log('verified');
} catch (error) {
  console.log(String(error && error.message || error));
  process.exit(1);
}
