"""Shared fixtures for the queue tests: a virtual clock at a fixed start and a queue service on it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.messaging.sqs import SqsService
from engine.runtime.clock import VirtualClock

QUEUE_TEST_START = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(QUEUE_TEST_START)


@pytest.fixture
def sqs(clock: VirtualClock) -> SqsService:
    return SqsService(clock=clock)
