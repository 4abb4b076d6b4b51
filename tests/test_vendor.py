"""The vendored lunr.js is the pinned release, byte for byte (themes/default/vendor/update_lunr.py)."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import REPO

VENDOR = REPO / "themes" / "default" / "vendor"


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("update_lunr", VENDOR / "update_lunr.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_vendor_lunr_files_match_the_pinned_checksums() -> None:
    lock = json.loads((VENDOR / "lunr.lock.json").read_text(encoding="utf-8"))
    assert lock["version"] == "2.3.9"
    assert lock["integrity"].startswith("sha512-")
    for entry in lock["files"].values():
        data = (VENDOR / entry["to"]).resolve().read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["to"]
    lunr_js = (VENDOR / "../static/js/vendor/lunr.min.js").resolve().read_text(encoding="utf-8")
    assert lunr_js.startswith("/**\n * lunr - http://lunrjs.com") and " - 2.3.9\n" in lunr_js.split("\n")[1] + "\n"
    assert "Permission is hereby granted" in (VENDOR / "../static/js/vendor/lunr.LICENSE.txt").read_text("utf-8")
    assert load_script().check(lock) == []


def test_vendor_script_rejects_a_tarball_with_another_checksum() -> None:
    script = load_script()
    good = b"tarball bytes"
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(good).digest()).decode()
    script.check_integrity(good, integrity)
    with pytest.raises(SystemExit, match="checksum mismatch"):
        script.check_integrity(good + b"!", integrity)


def test_vendor_script_reports_a_changed_file(tmp_path: Path) -> None:
    lock = {"files": {"x": {"to": str(tmp_path / "lunr.min.js"), "sha256": "0" * 64}}}
    (tmp_path / "lunr.min.js").write_text("changed", encoding="utf-8")
    assert load_script().check(lock) == [f"{tmp_path / 'lunr.min.js'}: sha256 differs from lunr.lock.json"]
