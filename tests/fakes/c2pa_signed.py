"""Files signed with real C2PA content credentials, made by the reference SDK (c2pa-python) with a
certificate chain the tests create: what a provider's signed output looks like."""

from __future__ import annotations

import datetime
import io
import json
from functools import lru_cache

import c2pa
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

MIME = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp", "mp4": "video/mp4"}
MANIFEST = {
    "claim_generator_info": [{"name": "batch-studio-tests", "version": "1"}],
    "title": "a provider's signed output",
    "assertions": [{"label": "c2pa.actions", "data": {"actions": [{
        "action": "c2pa.created",
        "digitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"}]}}],
}


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Batch Studio tests"),
                      x509.NameAttribute(NameOID.COUNTRY_NAME, "KR")])


def _usage(signs_certificates: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=signs_certificates,
                         crl_sign=signs_certificates, encipher_only=False, decipher_only=False)


@lru_cache(maxsize=1)
def _credentials() -> tuple[bytes, bytes]:
    """(certificate chain PEM, private key PEM): a CA and a signer with the usages C2PA requires."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())

    def certificate(subject, issuer, public_key, signing_key, is_ca):
        builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
                   .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
                   .not_valid_after(now + datetime.timedelta(days=30))
                   .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
                   .add_extension(_usage(is_ca), critical=True))
        if not is_ca:
            builder = (builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]),
                                             critical=False)
                       .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
                       .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                                      critical=False))
        return builder.sign(signing_key, hashes.SHA256())

    ca = certificate(_name("Test CA"), _name("Test CA"), ca_key.public_key(), ca_key, True)
    signer = certificate(_name("Test signer"), ca.subject, key.public_key(), ca_key, False)
    chain = signer.public_bytes(serialization.Encoding.PEM) + ca.public_bytes(serialization.Encoding.PEM)
    return chain, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())


def sign(kind: str, data: bytes) -> bytes:
    """``data`` (a PNG, JPEG, WebP or MP4) with a signed C2PA manifest embedded by the SDK."""
    chain, key = _credentials()
    signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(alg=b"es256", sign_cert=chain, private_key=key,
                                                       ta_url=None))
    out = io.BytesIO()
    with c2pa.Builder(MANIFEST) as builder:
        builder.sign(signer, MIME[kind], io.BytesIO(data), out)
    return out.getvalue()


def validation_state(kind: str, data: bytes) -> str:
    """What the reference reader says of the file's credentials: "Valid" while untouched."""
    reader = c2pa.Reader(MIME[kind], io.BytesIO(data))
    return json.loads(reader.json()).get("validation_state", "")
