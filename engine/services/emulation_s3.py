"""One S3 for a run: the local object store (ItemReader, ResultWriter) and the emulated account.

A Distributed Map reads its items from the local S3 store, and a workflow's `aws-sdk:s3:*`
Tasks reach the emulated account. Both must see the same buckets: the store holds the buckets
a project mounts or a test loads, and any other bucket is looked up in the run's emulated
account, read and written through it, so an object a Task put is an object a Map can read and
a Map's results can be fetched by a Task.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from engine.integrations import StoredObject, TaskRequest
from engine.runtime.api import DEFAULT_ACCOUNT, DEFAULT_REGION
from engine.services.emulation import emulation_of


def _account(registry: Any) -> Any:
    """The run's emulated account, if it has one (or a seed that makes one)."""
    current = getattr(registry, "emulation", None)
    if current is not None and not current.closed:
        return current
    if not getattr(registry, "emulation_seed", None):
        return None
    return emulation_of(registry, account=DEFAULT_ACCOUNT, region=DEFAULT_REGION)


class EmulatedBucket:
    """A bucket of the emulated account, with the store's bucket interface."""

    def __init__(self, account: Any, name: str) -> None:
        self.account = account
        self.name = name
        self.folder = None

    def get(self, key: str) -> Any:
        client = self.account.client("s3")
        try:
            found = client.get_object(Bucket=self.name, Key=key)
        except client.exceptions.NoSuchKey:
            return None
        modified = found.get("LastModified") or datetime.now(UTC)
        content_type = found.get("ContentType") or "binary/octet-stream"
        return StoredObject(key, found["Body"].read(), modified, content_type=content_type)

    def put(self, obj: Any) -> None:
        self.account.client("s3").put_object(
            Bucket=self.name, Key=obj.key, Body=obj.body, ContentType=obj.content_type
        )

    def sorted_keys(self) -> list[str]:
        keys: list[str] = []
        for page in self.account.client("s3").get_paginator("list_objects_v2").paginate(Bucket=self.name):
            keys.extend(entry["Key"] for entry in page.get("Contents", []))
        return sorted(keys)


class EmulatedBuckets:
    """The store's fallback: buckets it does not hold, found in the run's emulated account."""

    def __init__(self, registry: Any) -> None:
        self.registry = registry

    def bucket(self, name: str) -> EmulatedBucket | None:
        account = _account(self.registry)
        if account is None:
            return None
        client = account.client("s3")
        try:
            client.head_bucket(Bucket=name)
        except Exception:
            return None
        return EmulatedBucket(account, name)


def s3_tasks(registry: Any, store: Any) -> Any:
    """The `s3` service for Tasks: the store for its own buckets, the emulated account for the rest."""

    async def serve(request: TaskRequest) -> Any:
        payload = request.payload if isinstance(request.payload, dict) else {}
        bucket = payload.get("Bucket")
        if isinstance(bucket, str) and bucket in store.buckets():
            return await store.invoke(request)
        if request.kind in ("aws-sdk", "service"):
            account = emulation_of(registry, account=request.account, region=request.region)
            if account is not None:
                return await account.invoke(request)
        return await store.invoke(request)

    return serve
