"""The selected state's data in a run (a part ExecutionViews owns): its input and output,
variables, context object, retry attempts and data-flow pipeline, all as the one `Shown` has
them (the same execution, moment and iteration as the status line and canvas).
"""

from __future__ import annotations

import copy
import html
import json
from typing import Any, Protocol

import shiboken6

from designer.canvas.items.state_item import StateItem
from designer.debug.dataflow import mock_for, pipeline_for
from designer.debug.host import Canvas, ViewsHost
from designer.debug.run_menu import RunMenu
from designer.debug.run_state import RunState
from designer.panels.execution_state import RUN_FROM_NESTED
from designer.panels.execution_timeline import duration_text
from engine.asl import StateAddress, get_in, parse_location
from engine.runtime.history_view import ExecutionPicture, Visit, attempts_of


def run_from_refusal(address: StateAddress) -> str | None:
    """Why Run from here cannot start at this state (None: it can): only a top-level state can
    be an execution's StartAt."""
    if not address.scope:
        return None
    parts = list(address.scope)
    last = len(parts) - 1 - parts[::-1].index("States") if "States" in parts else -1
    container = str(parts[last + 1]) if 0 <= last < len(parts) - 1 else "a Map or Parallel"
    return RUN_FROM_NESTED.format(name=address.name, container=container)


def retry_rows(picture: ExecutionPicture, visit: Visit) -> list[tuple[str, int, str, str, str, str]]:
    """The Retries table: each attempt of a run that failed at least once (attempt, event, error,
    cause, what followed, the back-off before the next attempt)."""
    if not visit.failures:
        return []
    if not visit.attempt_ids:  # failed without attempts (a Pass, a Choice): the failures alone
        return [
            (
                str(n),
                f.event_id,
                f.error or "",
                (f.cause or "")[:300],
                "retried" if f.retried else "final",
                "",
            )
            for n, f in enumerate(visit.failures, start=1)
        ]
    rows = []
    for attempt in attempts_of(picture, visit):
        then = {"retried": "retried", "failed": "final"}.get(attempt.outcome, attempt.outcome)
        backoff = duration_text(attempt.backoff) if attempt.backoff is not None else ""
        event = attempt.ended_id if attempt.ended_id is not None else attempt.started_id
        rows.append(
            (str(attempt.number), event, attempt.error or "", (attempt.cause or "")[:300], then, backoff)
        )
    return rows


def segments(path: str) -> tuple[Any, ...]:
    return tuple(parse_location(path))


class ShownViews(Protocol):
    """The views around the state data: a selection in another machine shows that machine's run."""

    def refresh(self, canvas_only: bool = False) -> None: ...

    def latest_per_machine(self) -> dict[str, str]: ...


class StateDataView:
    """The State Data panel's side of the debugger: what is selected, and its data."""

    def __init__(
        self,
        run: RunState,
        ui: RunMenu,
        canvas: Canvas,
        host: ViewsHost,
        views: ShownViews,
    ) -> None:
        self.run, self.ui, self.canvas, self.host, self.views = run, ui, canvas, host, views
        self._pipeline_key: Any = None  # what the data-flow tab shows: computed again only when it changes

    def selected_item(self) -> StateItem | None:
        items = self.canvas.selected_states()
        return items[0] if items else None

    def forget_pipeline(self) -> None:
        self._pipeline_key = None

    def selection_changed(self) -> None:
        try:
            item = self.selected_item()
        except RuntimeError:
            return
        if item is None:
            self.run.selected = None
            return
        machine = item.address.machine
        self.run.selected = (machine, item.address.path)
        self.run.selected_visit = None
        self.ui.state_panel.allow_run_from(run_from_refusal(item.address))
        if self.run.session is not None and not (
            self.run.pause is not None and machine == self.run.session.main_machine
        ):
            latest = self.views.latest_per_machine().get(machine)
            current = self.run.session.machine_of(self.run.shown_arn) if self.run.shown_arn else None
            if latest is not None and machine != current:
                self.run.shown_arn, self.run.cursor = latest, None
                self.views.refresh()
                return
        if self.ui.run_panel.current_machine() != machine and (
            self.run.session is None or self.run.session.done
        ):
            self.ui.run_panel.machine.setCurrentText(machine)
        self.refresh()
        self.ui.test_panel.set_target(machine, item.address.path, item.address.name)

    def visit_chosen(self, vid: int) -> None:
        self.run.selected_visit = vid
        self.refresh()

    def timeline_clicked(self, path: str | None) -> None:
        if path and self.run.picture is not None and self.run.session is not None:
            item = self.canvas.state_item(self.run.session.machine_of(self.run.picture.execution_arn), path)
            if item is not None:
                self.host.select_item(item)

    def refresh(self) -> None:
        """The selected state as `self.run.shown` has it: the same execution, moment and iteration as
        the status line and the canvas (never another iteration's run in place of the one chosen)."""
        shown, selected = self.run.shown, self.run.selected
        panel = self.ui.state_panel
        panel.apply_input.setEnabled(False)
        if selected is None or shown is None or self.run.session is None:
            return
        picture = shown.picture
        machine, path = selected
        if shown.machine != machine:
            panel.clear(f"{StateAddress.parse(machine, path).name} has not run in this execution.")
            return
        name = StateAddress.parse(machine, path).name
        moment = f" · as it was after event {shown.cursor}" if shown.cursor is not None else ""
        if shown.paused_path == path and shown.pause is not None:
            pause = shown.pause
            where = shown.where(shown.pause_thread)
            inside = f" · {where}" if where else ""
            panel.set_visits(f"<b>{html.escape(name)}</b> · paused before it runs{inside}", [], None)
            context = {
                "State": {"Name": name},
                "Execution": {"Id": picture.execution_arn, "Input": picture.input},
            }
            panel.show_paused(pause.input, pause.variables, context, key=("paused", id(pause)))
            panel.apply_input.setEnabled(True)
            self._show_pipeline(machine, path, None, pause.input, pause.variables, None, context)
            return
        visits = shown.visits_of(path)
        if not visits:
            choice = shown.shown_choice()
            if path in shown.dimmed:
                text = f"<b>{html.escape(name)}</b> is in a branch not shown ({html.escape(choice)})."
            else:
                text = f"<b>{html.escape(name)}</b> has not run"
                text += f" in {html.escape(choice)}" if choice else ""
                text += (" yet" if picture.status == "RUNNING" else "") + moment + "."
            panel.clear(text)
            self._pipeline_key = None
            return
        chosen = next((v for v in visits if v.entered_id == self.run.selected_visit), visits[-1])
        labels = []
        for i, visit in enumerate(visits):
            where = f" · iteration {visit.thread[-1][1]}" if visit.thread else ""
            labels.append((visit.entered_id, f"run {i + 1} of {len(visits)}{where} · {visit.status}"))
        where = shown.where(chosen.thread)
        title = f"<b>{html.escape(name)}</b> · {chosen.status}{' · ' + where if where else ''}{moment}"
        panel.set_visits(title, labels, chosen.entered_id)
        attempts = retry_rows(picture, chosen)
        variables = picture.variables_at(chosen)
        context = picture.context_at(chosen)
        panel.show_visit(
            key=(picture.execution_arn, chosen.entered_id),
            input=chosen.input,
            output=chosen.output if chosen.has_output else None,
            has_output=chosen.has_output,
            variables=variables,
            context=context,
            attempts=attempts,
        )
        self._show_pipeline(
            machine, path, chosen, chosen.input, variables, mock_for(picture, chosen), context
        )

    def _show_pipeline(
        self,
        machine: str,
        path: str,
        visit: Visit | None,
        data: Any,
        variables: dict[str, Any],
        mock: dict[str, Any] | None,
        context: dict[str, Any],
    ) -> None:
        key = (
            machine,
            path,
            visit.entered_id if visit else "paused",
            visit.has_output if visit else None,
            json.dumps(data, default=str)[:2000],
        )
        if key == self._pipeline_key:
            return
        self._pipeline_key = key
        definition = (
            copy.deepcopy(self.run.session.definition_of(self.run.picture.execution_arn))
            if self.run.session and self.run.picture
            else {}
        )
        state = get_in(definition, segments(path)) or {}
        name = StateAddress.parse(machine, path).name
        running = visit is not None and not visit.has_output and visit.final_failure is None
        before_result = running or (visit is None and state.get("Type") in ("Task", "Map", "Parallel"))
        note = ""
        if before_result:
            when = "Running at this point" if running else "Paused before it runs"
            note = f"{when}: the steps after the result appear once it has run."
        if before_result and state.get("Type") in ("Task", "Map", "Parallel"):
            mock = {
                "result": "[]" if state.get("Type") != "Task" else "{}"
            }  # only to reach the steps before it

        # TestState takes no `Map` in a mocked context object (as AWS's): an iteration's state is
        # replayed on its recorded input, and the Context object tab still shows its Map item.
        replay_context = {k: v for k, v in context.items() if k != "Map"}
        failed = visit is not None and visit.final_failure is not None

        async def compute() -> None:
            steps, response = await pipeline_for(
                definition, name, state, data, variables=variables, mock=mock, context=replay_context
            )
            if self._pipeline_key == key and shiboken6.isValid(self.ui.state_panel):
                text = note
                if before_result:
                    before = ("Input", "InputPath", "Parameters", "ItemsPath", "ItemSelector", "Arguments")
                    steps = [s for s in steps if s.label in before]
                elif response.get("status") == "FAILED" and not failed:  # never a silent "(not reached)"
                    why = f"{response.get('error')}: {response.get('cause')}"
                    text = f"The engine could not replay this run: {why}"
                self.ui.state_panel.pipeline.set_steps(steps, text)

        self.host.spawn(compute())
