"""Fetch pinned front-end dependencies (htmx) from the npm registry, without Node.

The registry is the one npm is configured with ($NPM_CONFIG_REGISTRY, else `npm config
get registry`); the tarball is checked against the integrity hash pinned here, so a mirror
or a proxy cannot change what we serve.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tarfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"

# package, version, sha512 integrity published by the registry, file in the tarball, target
PINNED = [
    (
        "htmx.org",
        "2.0.8",
        "sha512-fm297iru0iWsNJlBrjvtN7V9zjaxd+69Oqjh4F/Vq9Wwi2kFisLcrLCiv5oBX0KLfOX/zG8AUo9ROMU5XUB44Q==",
        "package/dist/htmx.min.js",
        "htmx.min.js",
    ),
]


def registry_url() -> str:
    url = os.environ.get("NPM_CONFIG_REGISTRY") or os.environ.get("npm_config_registry")
    if not url and shutil.which("npm"):
        url = subprocess.run(
            ["npm", "config", "get", "registry"], capture_output=True, text=True, check=False
        ).stdout.strip()
    if not url:
        sys.exit("Set NPM_CONFIG_REGISTRY to the npm registry URL to fetch htmx.")
    return url.rstrip("/") + "/"


def fetch(package: str, version: str, integrity: str, member: str, target: str) -> None:
    destination = VENDOR / target
    stamp = VENDOR / f".{target}.{version}"
    if destination.exists() and stamp.exists():
        return
    name = package.split("/")[-1]
    url = f"{registry_url()}{package}/-/{name}-{version}.tgz"
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - https registry
        data = response.read()
    algorithm, _, expected = integrity.partition("-")
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if actual != expected:
        sys.exit(f"{package}@{version}: integrity mismatch, refusing to install it")
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        content = archive.extractfile(member).read()
    VENDOR.mkdir(parents=True, exist_ok=True)
    destination.write_bytes(content)
    for old in VENDOR.glob(f".{target}.*"):
        old.unlink()
    stamp.write_text(integrity)
    print(f"fetched {package}@{version} -> static/vendor/{target}")


def main() -> None:
    for entry in PINNED:
        fetch(*entry)


if __name__ == "__main__":
    main()
