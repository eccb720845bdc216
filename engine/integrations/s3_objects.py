"""A local S3 object store: the buckets a Distributed Map reads its items from and writes results to.

Step Functions reaches S3 in three places: an ItemReader (`s3:getObject`, `s3:listObjectsV2`),
a ResultWriter (`s3:putObject`) and `aws-sdk:s3:*` Tasks. Running offline, all of them must see
the same objects, so the store hangs off the execution's ServiceRegistry (`registry.s3`, see
`attach_s3`) and also serves the `s3` service for Tasks.

A bucket lives in memory, or is mounted on a folder on disk: then every file under the folder is
an object (its key is the path relative to the folder, with `/`), read when asked for, and
objects put into the bucket are written back as files, so a project can keep its data sets and
see its map results as plain files.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from engine.integrations.request import TaskError, TaskRequest

# listObjectsV2 returns at most this many keys a page, whatever MaxKeys asks for.
MAX_KEYS_PER_PAGE = 1000
STANDARD = "STANDARD"


class S3Error(Exception):
    """An S3 error response: its code (NoSuchKey...), message and HTTP status."""

    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status

    def described(self) -> str:
        """The message as AWS SDK clients word it, which is what Step Functions puts in causes."""
        request_id = uuid.uuid4().hex[:16].upper()
        return (
            f"{self.message} (Service: S3, Status Code: {self.status}, Request ID: {request_id}, "
            f"Extended Request ID: {uuid.uuid4().hex})"
        )


def no_such_bucket(bucket: str) -> S3Error:
    return S3Error("NoSuchBucket", "The specified bucket does not exist", 404)


def no_such_key(key: str) -> S3Error:
    return S3Error("NoSuchKey", "The specified key does not exist.", 404)


@dataclass
class StoredObject:
    """One object: its bytes and the metadata S3 reports about it."""

    key: str
    body: bytes
    last_modified: datetime
    storage_class: str = STANDARD
    content_type: str = "binary/octet-stream"

    @property
    def etag(self) -> str:
        """S3's ETag of a single-part upload: the MD5 of the bytes, in double quotes."""
        return '"' + hashlib.md5(self.body, usedforsecurity=False).hexdigest() + '"'

    @property
    def size(self) -> int:
        return len(self.body)

    def text(self) -> str:
        """The body as text; a UTF-8 byte order mark is not part of the data."""
        return self.body.decode("utf-8-sig", errors="replace")


class _Bucket:
    """Objects of one bucket, in memory or on a folder."""

    def __init__(self, name: str, folder: Path | None = None) -> None:
        self.name = name
        self.folder = folder
        self.objects: dict[str, StoredObject] = {}

    def _file(self, key: str) -> Path | None:
        if self.folder is None:
            return None
        path = (self.folder / key).resolve()
        root = self.folder.resolve()
        if path != root and root not in path.parents:
            return None  # a key with `..` must not escape the folder
        return path

    def get(self, key: str) -> StoredObject | None:
        if key in self.objects:
            return self.objects[key]
        path = self._file(key)
        if path is None or not path.is_file():
            return None
        stamp = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        return StoredObject(key, path.read_bytes(), stamp)

    def put(self, obj: StoredObject) -> None:
        path = self._file(obj.key)
        if path is not None:  # whole or not at all: a killed run never leaves half an object
            # Imported here for start-up time: runs load engine.export only when a bucket on disk is written.
            from engine.export import write_output_bytes

            write_output_bytes(path, obj.body)
        self.objects[obj.key] = obj

    def sorted_keys(self) -> list[str]:
        keys = set(self.objects)
        if self.folder is not None and self.folder.is_dir():
            for path in self.folder.rglob("*"):
                if path.is_file():
                    keys.add(path.relative_to(self.folder).as_posix())
        return sorted(keys)  # S3 lists keys in UTF-8 binary order; for str this is code point order


class S3ObjectStore:
    """Buckets by name. Not thread-safe: executions share one event loop."""

    def __init__(self) -> None:
        self._buckets: dict[str, _Bucket] = {}
        # Buckets this store does not hold, looked up elsewhere (the run's emulated account).
        self.fallback: Any = None

    # Building the store ----------------------------------------------------------------------

    @classmethod
    def from_dict(cls, spec: Mapping[str, Any]) -> S3ObjectStore:
        store = cls()
        store.load(spec)
        return store

    def load(self, spec: Mapping[str, Any]) -> None:
        """Buckets from `{bucket: {key: body}}`, or `{bucket: "path/to/folder"}` to mount a folder.

        A body that is not text or bytes is stored as its JSON text, so a test can write the
        items of a JSON data set as Python values.
        """
        for bucket, content in spec.items():
            if isinstance(content, (str, Path)):
                self.mount(bucket, content)
                continue
            self.create_bucket(bucket)
            for key, body in (content or {}).items():
                self.put_object(bucket, key, body)

    def create_bucket(self, bucket: str) -> None:
        self._buckets.setdefault(bucket, _Bucket(bucket))

    def mount(self, bucket: str, folder: str | Path) -> None:
        """Serve `bucket` from a folder on disk (created if missing); objects put there become files."""
        path = Path(folder).expanduser()
        path.mkdir(parents=True, exist_ok=True)
        existing = self._buckets.get(bucket)
        mounted = _Bucket(bucket, path)
        if existing is not None:
            mounted.objects.update(existing.objects)
        self._buckets[bucket] = mounted

    def buckets(self) -> list[str]:
        return sorted(self._buckets)

    # The S3 API ------------------------------------------------------------------------------

    def put_object(
        self, bucket: str, key: str, body: bytes | str | Any, *, content_type: str | None = None
    ) -> dict[str, Any]:
        """Store an object; like S3, only in a bucket that exists."""
        if isinstance(body, str):
            data = body.encode("utf-8")
        elif isinstance(body, (bytes, bytearray)):
            data = bytes(body)
        else:
            data = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        target = self._bucket(bucket)
        obj = StoredObject(key, data, datetime.now(UTC), content_type=content_type or "binary/octet-stream")
        target.put(obj)
        return {"ETag": obj.etag}

    def get_object(self, bucket: str, key: str) -> StoredObject:
        found = self._bucket(bucket).get(key)
        if found is None:
            raise no_such_key(key)
        return found

    def list_objects_v2(
        self,
        bucket: str,
        *,
        prefix: str = "",
        delimiter: str | None = None,
        max_keys: int = MAX_KEYS_PER_PAGE,
        continuation_token: str | None = None,
        start_after: str | None = None,
    ) -> dict[str, Any]:
        """One page of ListObjectsV2, shaped as the S3 API returns it.

        The continuation token is the last key of the page (opaque to callers, as in S3); keys
        rolled up under a delimiter come back once as CommonPrefixes.
        """
        store = self._bucket(bucket)
        limit = max(0, min(int(max_keys), MAX_KEYS_PER_PAGE))
        after = continuation_token if continuation_token is not None else start_after
        contents: list[dict[str, Any]] = []
        common: list[str] = []
        truncated = False
        last: str | None = None
        for key in store.sorted_keys():
            if not key.startswith(prefix) or (after is not None and key <= after):
                continue
            rolled = None
            if delimiter:
                rest = key[len(prefix) :]
                cut = rest.find(delimiter)
                if cut >= 0:
                    rolled = prefix + rest[: cut + len(delimiter)]
            if rolled is not None and rolled in common:
                last = key
                continue
            if len(contents) + len(common) >= limit:
                truncated = True
                break
            if rolled is not None:
                common.append(rolled)
            else:
                obj = store.get(key)
                if obj is None:
                    continue
                contents.append(
                    {
                        "Key": key,
                        "LastModified": obj.last_modified,
                        "ETag": obj.etag,
                        "Size": obj.size,
                        "StorageClass": obj.storage_class,
                    }
                )
            last = key
        page: dict[str, Any] = {
            "IsTruncated": truncated,
            "Name": bucket,
            "Prefix": prefix,
            "MaxKeys": int(max_keys),
            "KeyCount": len(contents) + len(common),
        }
        if contents:
            page["Contents"] = contents
        if common:
            page["CommonPrefixes"] = [{"Prefix": p} for p in common]
        if delimiter:
            page["Delimiter"] = delimiter
        if continuation_token is not None:
            page["ContinuationToken"] = continuation_token
        if start_after is not None:
            page["StartAfter"] = start_after
        if truncated and last is not None:
            page["NextContinuationToken"] = last
        return page

    def _bucket(self, bucket: str) -> _Bucket:
        found = self._buckets.get(bucket)
        if found is None and self.fallback is not None:
            found = self.fallback.bucket(bucket)
        if found is None:
            raise no_such_bucket(bucket)
        return found

    # The `s3` service for Tasks (aws-sdk:s3:*) --------------------------------------------------

    async def invoke(self, request: TaskRequest) -> Any:
        """Serve `arn:aws:states:::aws-sdk:s3:<action>` with the SDK response's shape."""
        payload = request.payload if isinstance(request.payload, dict) else {}
        action = request.action.split(".")[0]
        try:
            if action == "getObject":
                obj = self.get_object(_required(payload, "Bucket"), _required(payload, "Key"))
                return {
                    "Body": obj.text(),
                    "ContentLength": obj.size,
                    "ContentType": obj.content_type,
                    "ETag": obj.etag,
                    "LastModified": _iso(obj.last_modified),
                    "Metadata": {},
                }
            if action == "putObject":
                body = payload.get("Body", "")
                return self.put_object(
                    _required(payload, "Bucket"),
                    _required(payload, "Key"),
                    body if isinstance(body, str) else json.dumps(body),
                    content_type=payload.get("ContentType"),
                )
            if action == "listObjectsV2":
                page = self.list_objects_v2(
                    _required(payload, "Bucket"),
                    prefix=payload.get("Prefix") or "",
                    delimiter=payload.get("Delimiter"),
                    max_keys=payload.get("MaxKeys", MAX_KEYS_PER_PAGE),
                    continuation_token=payload.get("ContinuationToken"),
                    start_after=payload.get("StartAfter"),
                )
                for entry in page.get("Contents", []):
                    entry["LastModified"] = _iso(entry["LastModified"])
                return page
        except S3Error as exc:
            raise TaskError(f"S3.{exc.code}Exception", exc.described()) from None
        raise TaskError("S3.S3Exception", f"The local S3 store does not implement {request.action}")


def _required(payload: dict[str, Any], name: str) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not value:
        raise TaskError("S3.S3Exception", f"Missing required parameter: {name}")
    return value


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def attach_s3(registry: Any, store: S3ObjectStore | None = None) -> S3ObjectStore:
    """The registry's S3 store (created if it has none), also serving the `s3` service for Tasks."""
    current = getattr(registry, "s3", None)
    if store is None:
        store = current if isinstance(current, S3ObjectStore) else S3ObjectStore()
    # Imported here: the S3 emulation reads this store's objects (cycle s3_objects <-> emulation_s3),
    # and it loads only once a run uses S3.
    from engine.services import EmulatedBuckets, s3_tasks

    registry.s3 = store
    store.fallback = EmulatedBuckets(registry)  # one S3 with the run's emulated account
    registry.register_service("s3", s3_tasks(registry, store))
    return store


def store_of(registry: Any) -> S3ObjectStore:
    """The store a running execution uses; an execution with none gets an empty one."""
    current = getattr(registry, "s3", None)
    return current if isinstance(current, S3ObjectStore) else attach_s3(registry)
