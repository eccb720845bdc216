"""Lambda zip files from a project's handler files, byte for byte the same each time.

A function's handler (`handlers/retail.py:charge_payment`) names a file; the zip holds that
file's directory (Lambda's CodeUri), without caches and hidden files, with fixed timestamps
and permissions so that unchanged code gives the same zip, the same CodeSha256, and no update.
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from engine.export import code_file_wanted, lambda_parts
from engine.project import OutsideProjectError, confined_path

ZIP_LIMIT = 50 * 1024 * 1024  # Lambda's limit for a zip uploaded directly


@dataclass(frozen=True)
class Package:
    zip_bytes: bytes
    handler: str  # Lambda's: module.function
    runtime: str

    @property
    def sha256(self) -> str:
        """CodeSha256 as Lambda reports it: base64 of the SHA-256 digest."""
        return base64.b64encode(hashlib.sha256(self.zip_bytes).digest()).decode("ascii")


class PackagingError(Exception):
    """Why a function's code cannot be packaged (the plan skips the function)."""


def package_function(base_dir: Path, handler: str) -> Package:
    path_text, sep, _ = handler.partition(":")
    if not sep or not path_text:
        raise PackagingError(f"handler {handler!r} is not FILE:FUNCTION")

    try:  # a project's code is what it holds: never a folder above it
        file = confined_path(base_dir, path_text, "the handler file")
        code_uri, lambda_handler, runtime = lambda_parts(handler)
        root = confined_path(base_dir, code_uri, "the handler's folder").resolve()
    except OutsideProjectError as exc:
        raise PackagingError(str(exc)) from None
    if not file.is_file():
        raise PackagingError(f"handler file {path_text} not found")
    files = sorted(p for p in root.rglob("*") if p.is_file() and code_file_wanted(p.relative_to(root)))
    buffer = io.BytesIO()
    total = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in files:
            data = item.read_bytes()
            total += len(data)
            if total > ZIP_LIMIT:
                raise PackagingError(f"{code_uri} holds more than {ZIP_LIMIT // 2**20} MiB of code")
            info = zipfile.ZipInfo(item.relative_to(root).as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return Package(buffer.getvalue(), lambda_handler, runtime)
