"""Draw the debugger's screenshots offscreen (QWidget.grab) into docs/.

    QT_QPA_PLATFORM=offscreen python scripts/debug_screenshots.py [--out docs]

1. docs/screenshot-debug-paused.png: RetailOrder paused at a breakpoint on ChargePayment, its
   data-flow pipeline shown;
2. docs/screenshot-debug-failed.png: a declined card: ChargePayment's error caught, OrderRejected
   failed, the event table filtered to the failure;
3. docs/screenshot-choreography.png: a poison OrderCreated put on the bus: rules matched and not,
   deliveries, the warehouse queue redriving into its dead-letter queue.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

EXAMPLE = REPO / "resources" / "examples" / "order-pipeline" / "order-pipeline.statecanvas.json"


async def until(condition, timeout: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise TimeoutError("the run did not get there")
        await asyncio.sleep(0.02)


def window():
    from PySide6.QtCore import QSettings

    from designer.app.main_window import MainWindow

    folder = Path(tempfile.mkdtemp())
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(EXAMPLE, settings=settings, recovery_dir=folder / "recovery", offer_recovery=False)
    win.ask_before_close = False
    win.resize(1680, 1050)
    win.show()
    return win


async def focus_on(win, machine: str, bottom: int = 420) -> None:
    from PySide6.QtCore import Qt

    win.resizeDocks([win.debug.docks["Run"]], [bottom], Qt.Orientation.Vertical)
    await asyncio.sleep(0.05)  # let the layout settle before fitting the view
    frame = win.scene.machines[machine].frame
    win.view.fitInView(
        frame.sceneBoundingRect().adjusted(-30, -30, 30, 30), Qt.AspectRatioMode.KeepAspectRatio
    )


async def paused(out: Path) -> None:
    win = window()
    d = win.debug
    d.run_panel.machine.setCurrentText("RetailOrder")
    d.set_breakpoint("RetailOrder", "/States/ChargePayment", None)
    d.set_breakpoint(
        "RetailOrder", "/States/PublishOrderCreated", "{% $states.input.validation.total > 100 %}"
    )
    d.debug()
    await until(lambda: d.pause is not None)
    d.docks["State Data"].raise_()
    await focus_on(win, "RetailOrder")
    await until(lambda: d.state_panel.pipeline.steps)
    await asyncio.sleep(0.1)
    win.grab().save(str(out / "screenshot-debug-paused.png"))
    d.stop()
    await d.session.wait()
    win.close()


async def failed(out: Path) -> None:
    from PySide6.QtCore import Qt

    win = window()
    d = win.debug
    d.run_panel.machine.setCurrentText("RetailOrder")
    d.run_panel.input.set_value(
        {
            "orderId": "o-2002",
            "customer": {"id": "c-9"},
            "items": [{"sku": "TV-85", "quantity": 1, "price": 6400}],
        }
    )
    d.run()
    await until(lambda: d.session.done)
    d.refresh()
    d.events_panel.filter_to(kind="Fail")
    d.docks["Events"].raise_()
    run = d.docks["Run"]  # the run's status (error and failing state) beside the canvas
    win.removeDockWidget(run)
    win.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, run)
    win.tabifyDockWidget(win.code_dock, run)
    run.show()
    run.raise_()
    await focus_on(win, "RetailOrder")
    item = win.scene.state_item("RetailOrder", "/States/OrderRejected")
    win.editor.select_item(item)
    await asyncio.sleep(0.1)
    win.grab().save(str(out / "screenshot-debug-failed.png"))
    win.close()


async def choreography(out: Path) -> None:
    from PySide6.QtCore import Qt

    win = window()
    d = win.debug
    d.choreography.entries.set_value(
        [
            {
                "EventBusName": "orders",
                "Source": "retail.orders",
                "DetailType": "OrderCreated",
                "Detail": {
                    "orderId": "o-9",
                    "customer": {"id": "c-1"},
                    "items": [{"sku": "X", "quantity": 1}],
                    "poison": True,
                },
            }
        ]
    )
    d.choreography.put.click()
    await until(lambda: d.session is not None and d.session.done)
    d.refresh()
    d.docks["Choreography"].raise_()
    win.resizeDocks([d.docks["Run"]], [360], Qt.Orientation.Vertical)
    await asyncio.sleep(0.05)
    area = None
    for key in (
        "bus:orders",
        "rule:OrderCreatedToFulfillment",
        "queue:warehouse-notifications",
        "queue:warehouse-dlq",
        "queue:fulfillment-orders",
        "function:notify-warehouse",
        "rule:OrderShippedToRetail",
    ):
        item = win.scene.item_for_key(key)
        if item is not None:
            box = item.sceneBoundingRect().adjusted(0, 0, 0, 40)
            area = box if area is None else area.united(box)
    framed = area.adjusted(-20, -20, 240, 120)  # room at the bottom right, clear of the minimap
    d.select_key("queue:warehouse-dlq")
    win.view.fitInView(framed, Qt.AspectRatioMode.KeepAspectRatio)
    await asyncio.sleep(0.1)
    win.grab().save(str(out / "screenshot-choreography.png"))
    win.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(REPO / "docs"))
    parser.add_argument("--only", choices=["paused", "failed", "choreography"])
    args = parser.parse_args()
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    async def all_of_them() -> None:
        for name, scenario in (("paused", paused), ("failed", failed), ("choreography", choreography)):
            if args.only in (None, name):
                await scenario(out)
                print(f"wrote {out}/screenshot-{'debug-' if name != 'choreography' else ''}{name}.png")

    with loop:
        loop.run_until_complete(all_of_them())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
