#!/usr/bin/env python3
"""Vendor lunr.js into the default theme from the npm registry, checked against pinned checksums.

    python3 themes/default/vendor/update_lunr.py            # download, verify, write the files
    python3 themes/default/vendor/update_lunr.py --check    # only verify the committed files (offline)

`lunr.lock.json` pins the version, the tarball URL and the registry's `dist.integrity` (sha512 of the
tarball; `npm view lunr@2.3.9 dist.integrity`). The tarball is rejected unless it matches; the files
taken from it (`lunr.min.js` and its LICENSE) are written beside the theme's JS and their sha256 is
recorded in the lock file, which `tests/test_vendor.py` checks. Nothing runs at build or test time
over the network: the vendored files are committed. To move to another version, edit `version`,
`tarball` and `integrity` in the lock file (from `npm view lunr@X dist`), then run this script.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import sys
import tarfile
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOCK = HERE / "lunr.lock.json"


def check_integrity(data: bytes, integrity: str) -> None:
    """Raise unless `data` matches a Subresource-Integrity string such as `sha512-…`."""
    algorithm, _, expected = integrity.partition("-")
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if actual != expected:
        raise SystemExit(f"checksum mismatch: expected {integrity}, got {algorithm}-{actual}")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def update(lock: dict[str, object]) -> None:
    url = str(lock["tarball"])
    if not url.startswith("https://registry.npmjs.org/"):
        raise SystemExit(f"refusing a tarball that is not on the npm registry: {url}")
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - pinned https URL
        tarball = response.read()
    check_integrity(tarball, str(lock["integrity"]))
    files = lock["files"]
    assert isinstance(files, dict)
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        for member, entry in files.items():
            extracted = archive.extractfile(member)
            if extracted is None:
                raise SystemExit(f"{member} is not a file in {url}")
            data = extracted.read()
            (HERE / entry["to"]).resolve().write_bytes(data)
            entry["sha256"] = sha256(data)
            print(f"wrote {entry['to']} ({len(data)} bytes, sha256 {entry['sha256']})")
    LOCK.write_text(json.dumps(lock, indent=1) + "\n", encoding="utf-8")


def check(lock: dict[str, object]) -> list[str]:
    """Problems with the committed vendored files (empty when they match the lock file)."""
    problems = []
    files = lock["files"]
    assert isinstance(files, dict)
    for entry in files.values():
        path = (HERE / entry["to"]).resolve()
        if not path.is_file():
            problems.append(f"{path}: missing")
        elif sha256(path.read_bytes()) != entry["sha256"]:
            problems.append(f"{path}: sha256 differs from lunr.lock.json")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="verify the committed files; no network")
    args = parser.parse_args()
    lock = json.loads(LOCK.read_text(encoding="utf-8"))
    if not args.check:
        update(lock)
    problems = check(lock)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
