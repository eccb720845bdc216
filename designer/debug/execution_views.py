"""Every execution view refreshed from the histories: canvas status, Run panel, event table,
timeline, choreography, and the selected state's data (a part of DebugController)."""

from __future__ import annotations

import asyncio
import copy
import html
import json
import logging
from typing import Any

import shiboken6

from designer.canvas.items.state_item import StateItem
from designer.debug.attempts import attempts_of
from designer.debug.dataflow import mock_for, pipeline_for
from designer.debug.history_model import FAILED, ExecutionPicture, Visit
from designer.debug.shown import Shown
from designer.debug.status_glyphs import execution_glyph_html
from designer.debug.unserved import unserved_tasks
from designer.document.paths import StateAddress, get_in
from designer.panels.execution_state import RUN_FROM_NESTED
from designer.panels.execution_timeline import Bar, duration_text, event_times

log = logging.getLogger("statecanvas.designer.debug")
SERVE_LINK = "serve:"  # a link in the Run panel's status: select the state, show its local behaviour
STATUS_TEXT_COLOURS = {"RUNNING": "#0072B2", "PAUSED": "#0072B2", "SUCCEEDED": "#007A5A", "FAILED": "#C24E00"}


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
    from engine.asl.diagnostics import parse_location

    return tuple(parse_location(path))


class ExecutionViews:
    """The views of the run shown; `refresh` recomputes them from the session's histories."""

    window: Any
    session: Any

    # views ------------------------------------------------------------------------------------

    def _schedule(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def show_execution(self, arn: str) -> None:
        self.shown_arn = arn
        self.cursor = None
        self.focus = {}
        self.refresh()

    def travel_to(self, event_count: int | None) -> None:
        """Show the execution as it was after its first `event_count` events (None: now)."""
        self.cursor = event_count
        self.refresh()

    def set_focus(self, container: str, index: int | None) -> None:
        self.focus[container] = index
        self.refresh()

    def _iterations(self, picture: ExecutionPicture) -> tuple[dict[str, int | None], set[str]]:
        iterations: dict[str, int | None] = {}
        dimmed: set[str] = set()
        types = picture.state_types()
        for container, index in self.focus.items():
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
        session = self.session
        if session is None:
            self._update_actions()
            return
        arn = self.shown_arn or session.main_arn
        if arn is None:
            arns = list(session.store.histories)
            arn = arns[-1] if arns else None
        if arn is None:
            self._refresh_choreography()
            return
        shown = self._shown_for(arn)
        picture, machine, events = shown.picture, shown.machine, session.history(arn)
        self.picture, self.shown = picture, shown
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
        for other_machine, other_arn in self._latest_per_machine().items():
            if other_machine == machine:
                continue
            other = self.pictures.live(
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
        self.callbacks.set_tasks(session.pending_tasks())
        self._refresh_choreography()
        self._refresh_state_data()
        self._update_actions()

    def _shown_for(self, arn: str) -> Shown:
        """The one answer every view reads: which execution, which moment, which iterations,
        and whether the pause lies in what is shown."""
        session = self.session
        events, definition, notes = session.history(arn), session.definition_of(arn), session.notes(arn)
        if self.cursor is None:
            picture = self.pictures.live(arn, events, definition, notes)
        else:
            picture = self.pictures.at(arn, events, definition, notes, self.cursor)
        iterations, dimmed = self._iterations(picture)
        shown = Shown(arn, session.machine_of(arn), picture, self.cursor, iterations, dimmed)
        shown.focus = dict(self.focus)
        if self.cursor is None and self.pause is not None and arn == session.main_arn:
            shown.pause = self.pause
            shown.pause_thread = thread = self._pause_thread(self.pause)
            path = picture.resolve(self.pause.state, thread)
            in_branch = path is not None and path not in dimmed
            if in_branch and all(iterations.get(name) in (None, index) for name, index in thread):
                shown.paused_path = path
        return shown

    def _latest_per_machine(self) -> dict[str, str]:
        out: dict[str, str] = {}
        if self.session is not None:
            for arn in self.session.store.histories:
                out[self.session.machine_of(arn)] = arn
        return out

    def _refresh_run_panel(
        self,
        picture: ExecutionPicture,
        events: list[dict[str, Any]],
        machine: str,
        paused: str | None,
        unserved: dict[str, str] | None = None,
    ) -> None:
        shown = self.shown
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
        elif self.cursor is not None:
            text += f" · as it was after event {self.cursor}"
            if self.pause is not None:
                text += f" (now paused at {html.escape(self.pause.state)})"
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
        if picture.status == "SUCCEEDED" and self.cursor is None:
            text += "<br>output: <code>" + html.escape(json.dumps(picture.output)[:200]) + "</code>"
        waiting = self.session.pending_tasks() if self.session is not None else []
        if waiting:
            text += f"<br>{len(waiting)} task(s) wait for a callback: answer them in Callbacks."
        self.run_panel.set_status(text)
        self.run_panel.set_progress(picture.progress())
        all_events = self.session.history(picture.execution_arn) if self.session is not None else events

        def describe(count: int) -> str:
            event = all_events[count - 1] if 0 < count <= len(all_events) else {}
            name = event.get("stateEnteredEventDetails", event.get("stateExitedEventDetails", {})).get("name")
            return f"{event.get('type', '')}{f' {name}' if name else ''}"

        self.run_panel.set_history_length(len(all_events), self.cursor is None, describe)
        self.run_panel.set_containers(self._containers(picture))

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
        session = self.session
        assert session is not None
        labels = []
        for other in session.store.histories:
            record = session.store.records.get(other)
            status = record.status if record is not None else ""
            labels.append((other, f"{session.machine_of(other)} · {other.rsplit(':', 1)[-1][:8]} · {status}"))
        self.events_panel.set_executions(labels, arn)
        self.events_panel.set_events(picture.events, picture.event_states)

    def _refresh_timeline(self, picture: ExecutionPicture) -> None:
        bars = []
        last = picture.events[-1]["id"] if picture.events else 1
        for vid in picture.order[:400]:
            visit = picture.visits[vid]
            label = visit.name + (f" #{visit.thread[-1][1]}" if visit.thread else "")
            attempts = attempts_of(picture, visit) if visit.failures and visit.attempt_ids else []
            bars.append(Bar(label, visit.path, vid, visit.exited_id or last, visit.status, attempts))
        session, arn = self.session, picture.execution_arn
        if session is None:
            self.timeline.canvas.set_bars(bars, last, self.cursor, event_times(picture.events))
            return
        history = session.history(arn)
        wall = None
        if session.clock_kind == "virtual":  # the events' times are virtual: the wall clock's too
            wall = self.pictures.wall_times(arn, session.store.arrivals.get(arn, {}))
        self.timeline.canvas.set_bars(
            bars, len(history), self.cursor, self.pictures.times(arn, history), wall
        )

    def _refresh_choreography(self) -> None:
        session = self.session
        if session is None:
            return
        self.choreography.set_trace(session.runtime.trace.entries)
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
        self.choreography.set_queues(rows)

    # the selected state -----------------------------------------------------------------------

    def _selected_item(self) -> StateItem | None:
        items = self.scene.selected_states()
        return items[0] if items else None

    def _selection_changed(self) -> None:
        try:
            item = self._selected_item()
        except RuntimeError:
            return
        if item is None:
            self.selected = None
            return
        machine = item.address.machine
        self.selected = (machine, item.address.path)
        self.selected_visit = None
        self.state_panel.allow_run_from(run_from_refusal(item.address))
        if self.session is not None and not (self.pause is not None and machine == self.session.main_machine):
            latest = self._latest_per_machine().get(machine)
            current = self.session.machine_of(self.shown_arn) if self.shown_arn else None
            if latest is not None and machine != current:
                self.shown_arn, self.cursor = latest, None
                self.refresh()
                return
        if self.run_panel.current_machine() != machine and (self.session is None or self.session.done):
            self.run_panel.machine.setCurrentText(machine)
        self._refresh_state_data()
        self.test_panel.set_target(machine, item.address.path, item.address.name)

    def _visit_chosen(self, vid: int) -> None:
        self.selected_visit = vid
        self._refresh_state_data()

    def _timeline_clicked(self, path: str | None) -> None:
        if path and self.picture is not None and self.session is not None:
            item = self.scene.state_item(self.session.machine_of(self.picture.execution_arn), path)
            if item is not None:
                self.window.editor.select_item(item)

    def _refresh_state_data(self) -> None:
        """The selected state as `self.shown` has it: the same execution, moment and iteration as
        the status line and the canvas (never another iteration's run in place of the one chosen)."""
        shown, selected = self.shown, self.selected
        panel = self.state_panel
        panel.apply_input.setEnabled(False)
        if selected is None or shown is None or self.session is None:
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
        chosen = next((v for v in visits if v.entered_id == self.selected_visit), visits[-1])
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
            copy.deepcopy(self.session.definition_of(self.picture.execution_arn))
            if self.session and self.picture
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
            if self._pipeline_key == key and shiboken6.isValid(self.state_panel):
                text = note
                if before_result:
                    before = ("Input", "InputPath", "Parameters", "ItemsPath", "ItemSelector", "Arguments")
                    steps = [s for s in steps if s.label in before]
                elif response.get("status") == "FAILED" and not failed:  # never a silent "(not reached)"
                    why = f"{response.get('error')}: {response.get('cause')}"
                    text = f"The engine could not replay this run: {why}"
                self.state_panel.pipeline.set_steps(steps, text)

        self._spawn(compute())

    def _spawn(self, coroutine: Any) -> None:
        try:
            task = asyncio.ensure_future(coroutine)
        except RuntimeError:
            coroutine.close()
            return
        self.tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("a debugger view failed", exc_info=task.exception())
