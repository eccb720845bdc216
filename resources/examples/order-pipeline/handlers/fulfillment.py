"""Fulfillment domain's functions, run locally with the Lambda convention handler(event, context)."""

from __future__ import annotations

from typing import Any


class PoisonMessage(Exception):
    """A message this consumer can never process: it must end up in the dead-letter queue."""


def pick_item(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {"sku": event["sku"], "quantity": event["quantity"], "bin": f"B-{abs(hash(event['sku'])) % 97:02d}"}


def create_shipment(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {"trackingNumber": f"TRK-{event['orderId']}"}


def inspect_return(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {"condition": "resellable" if event.get("reason") != "damaged" else "damaged"}


def notify_warehouse(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """SQS consumer: one message per record; an order flagged as poison always fails."""
    failures = []
    for record in event["Records"]:
        import json

        body = json.loads(record["body"])
        detail = body.get("detail", body)
        if detail.get("poison"):
            failures.append({"itemIdentifier": record["messageId"]})
    if failures and len(failures) == len(event["Records"]):
        raise PoisonMessage(f"cannot route order {detail.get('orderId')} to any warehouse")
    return {"batchItemFailures": failures}
