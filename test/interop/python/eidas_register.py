"""An eIDAS TPP registering at a bank as the published eIDAS registration
walkthrough does, written only against RFC 7591 / RFC 7515 / RFC 6749 with
python3's standard library and `cryptography` — it shares no code with obmock.

  1. discovery (https, the bank's server certificate checked against the CA);
  2. a software statement self-signed RS256 with the QSeal key:
     iss = the organisation identifier, the PSD2 roles as scope objects;
  3. an RFC 7591 JSON registration body over mutual TLS with the QWAC,
     token_endpoint_auth_method client_secret_post;
  4. a client-credentials token with client_secret_post, scope `accounts`.

Input: one JSON object on stdin. Output: one JSON object on stdout.
"""

import base64
import http.client
import json
import ssl
import sys
import time
import urllib.parse
import uuid

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def sign_rs256(claims: dict, key_pem: bytes, kid: str) -> str:
    key = serialization.load_pem_private_key(key_pem, password=None)
    header = {"alg": "RS256", "kid": kid, "typ": "JWT"}
    signing_input = (
        b64url(json.dumps(header, separators=(",", ":")).encode())
        + "."
        + b64url(json.dumps(claims, separators=(",", ":")).encode())
    )
    signature = key.sign(signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
    return signing_input + "." + b64url(signature)


def tls_context(cfg: dict, client_cert: bool) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=cfg["ca_file"])
    if client_cert:
        ctx.load_cert_chain(cfg["qwac_cert_file"], cfg["qwac_key_file"])
    return ctx


def call(method: str, url: str, ctx: ssl.SSLContext, body: bytes | None = None, headers: dict | None = None):
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPSConnection(u.hostname, u.port or 443, context=ctx, timeout=15)
    path = u.path + ("?" + u.query if u.query else "")
    conn.request(method, path, body=body, headers=headers or {})
    res = conn.getresponse()
    text = res.read().decode("utf-8")
    conn.close()
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = text
    return res.status, parsed


def main() -> None:
    cfg = json.load(sys.stdin)
    plain = tls_context(cfg, client_cert=False)
    mtls = tls_context(cfg, client_cert=True)

    status, discovery = call("GET", cfg["discovery_url"], plain)
    if status != 200:
        print(json.dumps({"step": "discovery", "status": status, "body": discovery}))
        return

    now = int(time.time())
    statement = sign_rs256(
        {
            "iss": cfg["organisation_identifier"],
            "iat": now,
            "exp": now + 300,
            "jti": str(uuid.uuid4()),
            "software_id": cfg["software_id"],
            "software_client_name": "Walkthrough TPP",
            "software_jwks_endpoint": cfg["jwks_url"],
            "software_redirect_uris": [cfg["redirect_uri"]],
            "scope": [
                {"role": "AIS", "authorities": ["GB-FCA"]},
                {"role": "PIS", "authorities": ["GB-FCA"]},
            ],
        },
        open(cfg["qseal_key_file"], "rb").read(),
        cfg["qseal_kid"],
    )
    registration_body = {
        "software_statement": statement,
        "redirect_uris": [cfg["redirect_uri"]],
        "token_endpoint_auth_method": "client_secret_post",
        "grant_types": ["authorization_code", "client_credentials", "refresh_token"],
        "response_types": ["code"],
        "application_type": "web",
    }
    reg_status, registration = call(
        "POST",
        discovery["registration_endpoint"],
        mtls,
        json.dumps(registration_body).encode(),
        {"Content-Type": "application/json", "Accept": "application/json"},
    )
    out = {"registration": {"status": reg_status, "body": registration}}
    if reg_status in (200, 201):
        form = urllib.parse.urlencode(
            {
                "grant_type": "client_credentials",
                "scope": "accounts",
                "client_id": registration["client_id"],
                "client_secret": registration["client_secret"],
            }
        ).encode()
        tok_status, token = call(
            "POST",
            discovery["token_endpoint"],
            mtls,
            form,
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        out["token"] = {"status": tok_status, "body": token}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
