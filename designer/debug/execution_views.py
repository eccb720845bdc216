"""Every execution view refreshed from the histories: canvas status, Run panel, event table,
timeline and choreography (a part DebugController owns); the selected state's data is
`state_data_view`'s. Each refresh decides one `Shown` first, and every view reads it."""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QScrollArea

from designer.debug.canvas_decorator import CanvasDecorator
from designer.debug.host import Canvas, ViewsHost
from designer.debug.run_menu import RunMenu
from designer.debug.run_state import RunState
from designer.debug.shown import Shown
from designer.debug.state_data_view import StateDataView, segments
from designer.debug.status_glyphs import execution_glyph_html
from designer.debug.unserved import unserved_tasks
from designer.document.project_document import ProjectDocument
from designer.panels.execution_timeline import Bar, event_times
from engine.asl import get_in
from engine.runtime.history_view import FAILED, ExecutionPicture, attempts_of

log = logging.getLogger("statecanvas.designer.debug")
REFRESH_MS = 40
SERVE_LINK = "serve:"  # a link in the Run panel's status: select the state, show its local behaviour
STATUS_TEXT_COLOURS = {"RUNNING": "#0072B2", "PAUSED": "#0072B2", "SUCCEEDED": "#007A5A", "FAILED": "#C24E00"}


class ExecutionViews:
    """The views of the run shown; `refresh` recomputes them from the session's histories."""

    def __init__(
        self,
        run: RunState,
        ui: RunMenu,
        decorator: CanvasDecorator,
        document: ProjectDocument,
        canvas: Canvas,
        host: ViewsHost,
        parent: QObject,
    ) -> None:
        self.run, self.ui, self.decorator, self.document, self.host = run, ui, decorator, document, host
        self.state_data = StateDataView(run, ui, canvas, host, self)
        self._timer = QTimer(parent)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)

    # views ------------------------------------------------------------------------------------

    def schedule(self) -> None:
        """Refresh soon: events stream in faster than the views need to follow them."""
        if not self._timer.isActive():
            self._timer.start()

    def show_execution(self, arn: str) -> None:
        self.run.shown_arn = arn
        self.run.cursor = None
        self.run.focus = {}
        self.refresh()

    def travel_to(self, event_count: int | None) -> None:
        """Show the execution as it was after its first `event_count` events (None: now)."""
        self.run.cursor = event_count
        self.refresh()

    def set_focus(self, container: str, index: int | None) -> None:
        self.run.focus[container] = index
        self.refresh()

    def _iterations(self, picture: ExecutionPicture) -> tuple[dict[str, int | None], set[str]]:
        iterations: dict[str, int | None] = {}
        dimmed: set[str] = set()
        types = picture.state_types()
        for container, index in self.run.focus.items():
            if index is None:
                continue
            if types.get(container) == "Map":
                iterations[container.rsplit("/States/", 1)[-1]] = index
            elif types.get(container) == "Parallel":
                keep = f"{container}/Branches[{index}]/"
                dimmed |= {
                    p for p in types if p.startswith(f"{container}/Branches[") and not p.startswith(keep)
                }
        return iterations, dimmed

    def refresh(self, canvas_only: bool = False) -> None:
        self._timer.stop()
        session = self.run.session
        if session is None:
            self.host.update_actions()
            return
        arn = self.run.shown_arn or session.main_arn
        if arn is None:
            arns = list(session.store.histories)
            arn = arns[-1] if arns else None
        if arn is None:
            self.refresh_choreography()
            return
        shown = self._shown_for(arn)
        picture, machine, events = shown.picture, shown.machine, session.history(arn)
        self.run.picture, self.run.shown = picture, shown
        iterations, dimmed, paused_path = shown.iterations, shown.dimmed, shown.paused_path
        taken = picture.edges_taken(iterations)
        started = picture.started_scopes()
        if paused_path is not None:  # the transition into the paused state is taken already
            thread = shown.pause_thread
            scope = paused_path.rsplit("/States/", 1)[0]
            last = picture.last_visit_in(thread, scope)
            if last is not None and last.path is not None:
                taken.add((last.path, paused_path, last.final_failure is not None))
            else:
                started.add(scope)
        unserved = unserved_tasks(
            picture, self.document.project, machine, self.document.definitions.get(machine)
        )
        self.decorator.show_statuses(
            machine, picture.statuses(iterations), paused=paused_path, dimmed=dimmed, hints=unserved
        )
        self.decorator.show_edges(machine, taken, started)
        for other_machine, other_arn in self.latest_per_machine().items():
            if other_machine == machine:
                continue
            other = self.run.pictures.live(
                other_arn,
                session.history(other_arn),
                session.definition_of(other_arn),
                session.notes(other_arn),
            )
            hints = unserved_tasks(
                other, self.document.project, other_machine, self.document.definitions.get(other_machine)
            )
            self.decorator.show_statuses(other_machine, other.statuses(), hints=hints)
            self.decorator.show_edges(other_machine, other.edges_taken(), other.started_scopes())
        if canvas_only:
            return
        self._refresh_run_panel(picture, events, machine, paused_path, unserved)
        self._refresh_events(picture, arn)
        self._refresh_timeline(picture)
        self.ui.callbacks.set_tasks(session.pending_tasks())
        self.refresh_choreography()
        self.state_data.refresh()
        self.host.update_actions()

    def _shown_for(self, arn: str) -> Shown:
        """The one answer every view reads: which execution, which moment, which iterations,
        and whether the pause lies in what is shown."""
        session = self.run.session
        events, definition, notes = session.history(arn), session.definition_of(arn), session.notes(arn)
        if self.run.cursor is None:
            picture = self.run.pictures.live(arn, events, definition, notes)
        else:
            picture = self.run.pictures.at(arn, events, definition, notes, self.run.cursor)
        iterations, dimmed = self._iterations(picture)
        shown = Shown(arn, session.machine_of(arn), picture, self.run.cursor, iterations, dimmed)
        shown.focus = dict(self.run.focus)
        if self.run.cursor is None and self.run.pause is not None and arn == session.main_arn:
            shown.pause = self.run.pause
            shown.pause_thread = thread = self.host.pause_thread(self.run.pause)
            path = picture.resolve(self.run.pause.state, thread)
            in_branch = path is not None and path not in dimmed
            if in_branch and all(iterations.get(name) in (None, index) for name, index in thread):
                shown.paused_path = path
        return shown

    def latest_per_machine(self) -> dict[str, str]:
        out: dict[str, str] = {}
        if self.run.session is not None:
            for arn in self.run.session.store.histories:
                out[self.run.session.machine_of(arn)] = arn
        return out

    def _refresh_run_panel(
        self,
        picture: ExecutionPicture,
        events: list[dict[str, Any]],
        machine: str,
        paused: str | None,
        unserved: dict[str, str] | None = None,
    ) -> None:
        shown = self.run.shown
        status = "PAUSED" if shown is not None and shown.paused else picture.status
        mark = execution_glyph_html(status)  # drawn: a font may have no pause character
        colour = STATUS_TEXT_COLOURS.get(status, "#2F3A48")
        word = status.replace("_", " ").title()
        text = f"<span style='color:{colour}'><b>{mark} {word}</b></span> · {html.escape(machine)}"
        if shown is not None and shown.pause is not None:
            pause = shown.pause
            reason = {
                "run-to": "run to",
                "error": "on an error",
                "halt": "held while another branch paused",
                "switch": "the stepped branch is done",
            }.get(pause.reason, pause.reason)
            branch = pause.label if getattr(pause, "thread", 1) != 1 else ""  # "Parallel Fan/branch 2"
            where = shown.where(shown.pause_thread) or branch
            inside = f" in {where}" if where else ""
            text += f" · paused at <b>{html.escape(pause.state)}</b>{inside} ({reason})"
            if shown.pause_elsewhere:  # the pickers show another iteration or branch: say which
                text += f" · showing {html.escape(shown.shown_choice() or 'another branch')}"
        elif self.run.cursor is not None:
            text += f" · as it was after event {self.run.cursor}"
            if self.run.pause is not None:
                text += f" (now paused at {html.escape(self.run.pause.state)})"
        else:
            current = picture.current()
            if current and picture.status == "RUNNING":
                text += " · in " + ", ".join(html.escape(v.name) for v in current[:3])
        if picture.status == "FAILED" and picture.error:
            failing = next(
                (v for v in reversed([picture.visits[i] for i in picture.order]) if v.status == FAILED), None
            )
            where = f" in state <b>{html.escape(failing.name)}</b>" if failing else ""
            cause = html.escape(str(picture.cause or ""))[:300]
            error = html.escape(picture.error)
            text += f"<br><span style='color:#C24E00'>error <b>{error}</b>{where}: {cause}</span>"
        for path, hint in (unserved or {}).items():  # how to serve what stopped the run
            link = f"<a href='{SERVE_LINK}{html.escape(path)}'>Inspector &gt; Local behaviour</a>"
            text += (
                "<br><span style='color:#C24E00'>⚠ "
                + html.escape(hint).replace("Inspector &gt; Local behaviour", link, 1)
                + "</span>"
            )
        if picture.status == "SUCCEEDED" and self.run.cursor is None:
            text += "<br>output: <code>" + html.escape(json.dumps(picture.output)[:200]) + "</code>"
        waiting = self.run.session.pending_tasks() if self.run.session is not None else []
        if waiting:
            text += f"<br>{len(waiting)} task(s) wait for a callback: answer them in Callbacks."
        self.ui.run_panel.set_status(text)
        self.ui.run_panel.set_progress(picture.progress())
        all_events = (
            self.run.session.history(picture.execution_arn) if self.run.session is not None else events
        )

        def describe(count: int) -> str:
            event = all_events[count - 1] if 0 < count <= len(all_events) else {}
            name = event.get("stateEnteredEventDetails", event.get("stateExitedEventDetails", {})).get("name")
            return f"{event.get('type', '')}{f' {name}' if name else ''}"

        self.ui.run_panel.set_history_length(len(all_events), self.run.cursor is None, describe)
        self.ui.run_panel.set_containers(self._containers(picture))

    def _containers(self, picture: ExecutionPicture) -> list[tuple[str, str, list[tuple[str, Any]]]]:
        out: list[tuple[str, str, list[tuple[str, Any]]]] = []
        for vids in picture.by_path.values():  # each state once, in the order it first ran
            visit = picture.visits[vids[0]]
            if visit.state_type not in ("Map", "Parallel"):
                continue
            if visit.state_type == "Map":
                iterations: dict[int, str] = {}
                for run in picture.map_runs(visit.name):
                    for index in range(run.length or 0):  # every item, started or not
                        iterations.setdefault(index, "not started")
                    iterations.update(run.iterations)
                choices: list[tuple[str, Any]] = [("All iterations", None)]
                choices += [(f"Iteration {i} · {s}", i) for i, s in sorted(iterations.items())]
                out.append((visit.path, f"Map {visit.name}", choices))
            else:
                branches = get_in(picture.definition, (*segments(visit.path), "Branches")) or []
                choices = [("All branches", None)]
                for b, branch in enumerate(branches):
                    start = branch.get("StartAt", "") if isinstance(branch, dict) else ""
                    choices.append((f"Branch {b + 1}: {start}", b))
                out.append((visit.path, f"Parallel {visit.name}", choices))
        return out

    def _refresh_events(self, picture: ExecutionPicture, arn: str) -> None:
        session = self.run.session
        assert session is not None
        labels = []
        for other in session.store.histories:
            record = session.store.records.get(other)
            status = record.status if record is not None else ""
            labels.append((other, f"{session.machine_of(other)} · {other.rsplit(':', 1)[-1][:8]} · {status}"))
        self.ui.events_panel.set_executions(labels, arn)
        self.ui.events_panel.set_events(picture.events, picture.event_states)

    def _refresh_timeline(self, picture: ExecutionPicture) -> None:
        bars = []
        last = picture.events[-1]["id"] if picture.events else 1
        for vid in picture.order[:400]:
            visit = picture.visits[vid]
            label = visit.name + (f" #{visit.thread[-1][1]}" if visit.thread else "")
            attempts = attempts_of(picture, visit) if visit.failures and visit.attempt_ids else []
            bars.append(Bar(label, visit.path, vid, visit.exited_id or last, visit.status, attempts))
        session, arn = self.run.session, picture.execution_arn
        if session is None:
            self.ui.timeline.canvas.set_bars(bars, last, self.run.cursor, event_times(picture.events))
            return
        history = session.history(arn)
        wall = None
        if session.clock_kind == "virtual":  # the events' times are virtual: the wall clock's too
            wall = self.run.pictures.wall_times(arn, session.store.arrivals.get(arn, {}))
        self.ui.timeline.canvas.set_bars(
            bars, len(history), self.run.cursor, self.run.pictures.times(arn, history), wall
        )

    def refresh_choreography(self) -> None:
        session = self.run.session
        if session is None:
            return
        self.ui.choreography.set_trace(session.runtime.trace.entries)
        rows = []
        dlq_of = {
            name: spec.redrive_policy.dead_letter_queue.split(":")[-1]
            for name, spec in self.document.project.queues.items()
            if spec.redrive_policy is not None
        }
        for name in sorted(self.document.project.queues):
            try:
                depth = session.queue_depth(name)
            except Exception:
                continue
            dlq_name = dlq_of.get(name)
            dlq = session.queue_depth(dlq_name).visible if dlq_name else None
            samples = [v + f for v, f, _d in session.queue_samples.get(name, [])]
            rows.append((name, depth.visible, depth.in_flight, dlq, samples))
            self.decorator.show_queue(name, depth.visible, depth.in_flight, dlq, samples)
        self.ui.choreography.set_queues(rows)

    def tell_unserved(self, say: Callable[[str], None]) -> None:
        """A run stopped by a Task nothing serves: say how to serve it where the eye is (the
        status bar), and bring the Run panel's status, which links to the remedy, into view."""
        session, picture = self.run.session, self.run.picture
        if session is None or picture is None or picture.execution_arn != session.main_arn:
            return
        machine = session.machine_of(picture.execution_arn)
        hints = unserved_tasks(
            picture, self.document.project, machine, self.document.definitions.get(machine)
        )
        if not hints:
            return
        say(next(iter(hints.values())))
        status = self.ui.run_panel.status
        parent = status.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        if parent is not None:
            parent.ensureWidgetVisible(status)
