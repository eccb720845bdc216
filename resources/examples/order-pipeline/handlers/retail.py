"""Retail domain's functions, run locally with the Lambda convention handler(event, context)."""

from __future__ import annotations

from typing import Any


class CardDeclined(Exception):
    """The payment provider refused the card."""


def validate_order(event: dict[str, Any], context: Any) -> dict[str, Any]:
    items = event.get("items") or []
    if not event.get("orderId") or not items:
        return {"valid": False, "total": 0, "reason": "an order needs an id and at least one item"}
    total = round(sum(item.get("quantity", 1) * item.get("price", 0) for item in items), 2)
    return {"valid": total > 0, "total": total, "reason": None if total > 0 else "the order is free"}


def charge_payment(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if event["amount"] > 5000:
        raise CardDeclined(f"charge of {event['amount']} declined for order {event['orderId']}")
    return {"paymentId": f"pay-{event['orderId']}"}


def complete_order(event: dict[str, Any], context: Any) -> None:
    """OrderShipped reached Retail: answer the waiting order with the task token it carries.

    Orders placed by another channel (or replayed from an archive) carry no token: no RetailOrder
    waits for them, so there is nobody to answer."""
    detail = event["detail"]
    if not detail.get("replyTo"):
        return
    context.stepfunctions.send_task_success(
        detail["replyTo"], {"orderId": detail["orderId"], "trackingNumber": detail["trackingNumber"]}
    )
