"""Events matched per second against 10, 100, 1,000 and 10,000 EventBridge rules: StateCanvas's
`RuleSet` side by side with moto's pattern matcher, in the same run.

The rules are what a busy bus carries: each names a ``source`` (exact, sometimes a prefix) and a
``detail-type`` (exact, a list, equals-ignore-case or a prefix), plus two or three ``detail``
fields with mixed operators (numeric ranges, anything-but, prefix, nested exact values, exists,
cidr, wildcard). Sources grow with the rule count (about five rules per application), as they do
when more applications share a bus. Events are drawn from the same applications, so each one is
matched by a few rules and looked at by many.

StateCanvas compiles all rules into one `RuleSet` and calls ``matches(event)`` once per event;
passes over the events alternate between the four sizes, so that load from elsewhere on the
machine does not skew the comparison between sizes; the table gives each size's best and median
pass in events per second, and as rule checks per second (events/s times the rule count: the
rate at which a matcher trying every rule would have to test patterns to keep up).
moto has no rule set: its ``EventPattern.load(text).matches_event(event)`` is called for every
rule, which is how its EventBridge routes an event. Both get the same dict events; the script
checks that both select the same rules and reports any disagreement (moto's semantics differ in
corners: numbers by value, arrays).

    python benchmarks/pattern_matching.py            # about a minute
    python benchmarks/pattern_matching.py --quick    # fewer events, shorter timing windows
    python benchmarks/pattern_matching.py --profile  # adds cProfile's top entries at 1,000 rules

Nothing here asserts the figures; the targets are 100,000 events/s at 1,000 rules and 10,000
rules costing under 3x what 10 rules cost.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.bus import RuleSet

SIZES = (10, 100, 1_000, 10_000)
DETAIL_TYPES = [
    "Order Placed",
    "Order Shipped",
    "Order Cancelled",
    "Payment Captured",
    "Payment Failed",
    "Customer Created",
    "Invoice Issued",
    "Stock Low",
]
STATUSES = ["new", "pending", "paid", "cancelled", "failed", "shipped"]
REGIONS = ["eu-west-1", "eu-central-1", "us-east-1", "us-west-2", "ap-south-1"]
TIERS = ["bronze", "silver", "gold", "platinum"]


def _apps(rule_count: int) -> int:
    return max(2, rule_count // 5)


def make_rules(rule_count: int, seed: int = 7) -> dict[str, str]:
    rng = random.Random(seed)
    apps = _apps(rule_count)
    rules: dict[str, str] = {}
    for index in range(rule_count):
        app = rng.randrange(apps)
        pattern: dict[str, Any] = {}
        pattern["source"] = (
            [{"prefix": f"com.acme.app{app}."}] if rng.random() < 0.15 else [f"com.acme.app{app}.svc"]
        )
        roll = rng.random()
        if roll < 0.6:
            pattern["detail-type"] = [rng.choice(DETAIL_TYPES)]
        elif roll < 0.8:
            pattern["detail-type"] = rng.sample(DETAIL_TYPES, 2)
        elif roll < 0.9:
            pattern["detail-type"] = [{"equals-ignore-case": rng.choice(DETAIL_TYPES).upper()}]
        else:
            pattern["detail-type"] = [{"prefix": rng.choice(["Order", "Payment"])}]
        options: list[tuple[str, Any]] = [
            ("amount", [{"numeric": [">=", rng.choice([0, 10, 50]), "<", rng.choice([100, 500, 1000])]}]),
            ("status", [{"anything-but": ["cancelled", "failed"]}]),
            ("region", [{"prefix": rng.choice(["eu-", "us-"])}]),
            ("customer", {"tier": rng.sample(TIERS, 2)}),
            ("coupon", [{"exists": rng.random() < 0.5}]),
            ("clientIp", [{"cidr": "10.0.0.0/16"}]),
            ("note", [{"wildcard": "*priority*"}]),
        ]
        detail: dict[str, Any] = {}
        for key, spec in rng.sample(options, rng.choice([2, 3])):
            detail[key] = spec
        pattern["detail"] = detail
        rules[f"rule-{index}"] = json.dumps(pattern)
    return rules


def make_events(rule_count: int, count: int, seed: int = 11) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    apps = _apps(rule_count)
    events = []
    for index in range(count):
        detail: dict[str, Any] = {
            "orderId": f"o-{index}",
            "amount": rng.choice([5, 25, 75.5, 250, 750, 2000]),
            "status": rng.choice(STATUSES),
            "region": rng.choice(REGIONS),
            "customer": {"id": f"c-{rng.randrange(1000)}", "tier": rng.choice(TIERS)},
            "clientIp": rng.choice(["10.0.3.7", "192.168.1.4"]),
            "note": rng.choice(["high priority", "routine"]),
            "items": [{"sku": f"sku-{rng.randrange(100)}", "qty": rng.randrange(1, 5)} for _ in range(3)],
        }
        if rng.random() < 0.5:
            detail["coupon"] = "SAVE10"
        events.append(
            {
                "version": "0",
                "id": f"e-{index}",
                "account": "123456789012",
                "time": "2024-07-11T13:55:46Z",
                "region": "us-east-1",
                "resources": [],
                "source": f"com.acme.app{rng.randrange(apps)}.svc",
                "detail-type": rng.choice(DETAIL_TYPES),
                "detail": detail,
            }
        )
    return events


def time_ours(sets: list[tuple[RuleSet, list[dict[str, Any]]]], window: float) -> list[list[float]]:
    """Events/s of every pass per rule set: passes over the events, taken in turns across the sets
    so that a burst of load on the machine hits every size alike."""
    rates: list[list[float]] = [[] for _ in sets]
    deadline = time.perf_counter() + window * len(sets)
    while time.perf_counter() < deadline or len(rates[0]) < 3:
        for index, (rules, events) in enumerate(sets):
            matches = rules.matches
            start = time.perf_counter()
            for event in events:
                matches(event)
            rates[index].append(len(events) / (time.perf_counter() - start))
    return rates


def profile(rules: RuleSet, events: list[dict[str, Any]], top: int = 15) -> None:
    """cProfile's top entries (by own time) for matching the events a few times."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(10):
        for event in events:
            rules.matches(event)
    profiler.disable()
    print(f"\ncProfile of RuleSet.matches, {len(rules):,} rules, {10 * len(events):,} events:")
    pstats.Stats(profiler).strip_dirs().sort_stats("tottime").print_stats(top)


def time_moto(
    rule_texts: dict[str, str], events: list[dict[str, Any]], window: float
) -> tuple[float | None, list[list[str]], int]:
    try:
        from moto.events.models import EventPattern
    except ImportError:
        return None, [], 0
    patterns = [(name, EventPattern.load(text)) for name, text in rule_texts.items()]
    answers: list[list[str]] = []
    start = time.perf_counter()
    for event in events:
        answers.append([name for name, pattern in patterns if pattern.matches_event(event)])
        if time.perf_counter() - start > window:
            break
    elapsed = time.perf_counter() - start
    return len(answers) / elapsed, answers, len(answers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer events and shorter timing windows")
    parser.add_argument("--events", type=int, default=500, help="events per timing pass")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top entries at 1,000 rules")
    parser.add_argument("--no-moto", action="store_true", help="time StateCanvas only")
    args = parser.parse_args()
    window = 0.5 if args.quick else 2.0
    count = 200 if args.quick else args.events

    built = []
    for size in SIZES:
        texts = make_rules(size)
        events = make_events(size, count)
        start = time.perf_counter()
        rules = RuleSet(texts)
        built.append((size, texts, events, rules, time.perf_counter() - start))
    rates = time_ours([(rules, events) for _, _, events, rules, _ in built], window)
    rows = []
    for (size, texts, events, rules, build), passes in zip(built, rates, strict=True):
        our_answers = [rules.matches(e) for e in events]
        if args.no_moto:
            moto_rate, moto_answers, moto_events = None, [], 0
        else:
            moto_rate, moto_answers, moto_events = time_moto(texts, events, window)
        differ = sum(1 for a, b in zip(our_answers, moto_answers, strict=False) if a != b)
        matched = statistics.mean(len(a) for a in our_answers)
        rows.append(
            (size, build, max(passes), statistics.median(passes), moto_rate, moto_events, differ, matched)
        )

    print(
        f"{'rules':>7} {'build s':>8} {'best ev/s':>10} {'median ev/s':>12} {'us/event':>9} "
        f"{'moto ev/s':>10} {'x moto':>8} {'rule checks/s':>14} {'matched/ev':>10} {'moto differs':>13}"
    )
    for size, build, best, median, moto_rate, moto_events, differ, matched in rows:
        moto_text = f"{moto_rate:10.0f}" if moto_rate else f"{'n/a':>10}"
        ratio = f"{best / moto_rate:8.0f}" if moto_rate else f"{'n/a':>8}"
        print(
            f"{size:>7,} {build:8.2f} {best:10,.0f} {median:12,.0f} {1e6 / best:9.1f} {moto_text} {ratio} "
            f"{best * size:14,.0f} {matched:10.1f} {f'{differ}/{moto_events}':>13}"
        )
    print("(us/event and rule checks/s from the best pass; x moto compares the best pass with moto's run)")
    print()
    for size, _, best, median, *_ in rows[1:]:
        print(
            f"cost of {size:,} rules vs {SIZES[0]}: {rows[0][2] / best:.2f}x (best), "
            f"{rows[0][3] / median:.2f}x (median)"
        )
    if args.profile:
        _, _, events, rules, _ = built[SIZES.index(1_000)]
        profile(rules, events)


if __name__ == "__main__":
    main()
