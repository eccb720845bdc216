"""Keeps the Emulated AWS panel in step with the document (its seed) and with runs (what the
run's emulated account holds when it ends), and turns the panel's seed edits into undoable
project edits."""

from __future__ import annotations

import logging
from typing import Any

from designer.debug.session import RunSession
from designer.document.commands import EditCommand
from designer.document.patch import Change
from designer.document.project_document import ProjectDocument
from designer.panels.emulated_aws import EmulatedAwsPanel

log = logging.getLogger("statecanvas.designer.debug")


class SetSeedCommand(EditCommand):
    def __init__(self, document: ProjectDocument, seed: dict[str, Any]) -> None:
        old = document.project.seed.to_json()
        super().__init__(document, "Edit emulated AWS seed", [Change("resource", "", ("seed",), old, seed)])


class SetRoutesCommand(EditCommand):
    def __init__(self, document: ProjectDocument, routes: dict[str, str]) -> None:
        old = dict(document.project.api_routes)
        super().__init__(document, "Edit API routes", [Change("resource", "", ("apiRoutes",), old, routes)])


class EmulatedAwsView:
    def __init__(self, panel: EmulatedAwsPanel, document: ProjectDocument) -> None:
        self.panel = panel
        self.document = document
        document.document_reset.connect(self._reset)
        document.resource_changed.connect(self._resource_changed)
        document.resource_added.connect(self._resource_changed)
        document.resource_removed.connect(self._resource_changed)
        panel.seed_edit_requested.connect(self._edit)
        panel.routes_edit_requested.connect(self._edit_routes)
        self._reset()

    def _reset(self) -> None:
        self.panel.show_state({}, "")
        self.load_seed()

    def load_seed(self) -> None:
        document = self.document
        self.panel.set_seed(document.project.seed.to_json(), editable=document.kind == "project")
        self.load_routes()

    def load_routes(self) -> None:
        document = self.document
        self.panel.functions = set(document.project.functions)
        self.panel.set_routes(dict(document.project.api_routes), editable=document.kind == "project")

    def _resource_changed(self, kind: str, _name: str) -> None:
        if kind == "seed":
            self.load_seed()
        elif kind in ("apiRoutes", "function"):
            self.load_routes()

    def _edit_routes(self, routes: dict[str, str]) -> None:
        if routes != dict(self.document.project.api_routes):
            self.document.push(SetRoutesCommand(self.document, routes))

    def _edit(self, seed: dict[str, Any]) -> None:
        if seed != self.document.project.seed.to_json():
            self.document.push(SetSeedCommand(self.document, seed))

    def show_run(self, session: RunSession | None) -> None:
        """What the run's emulated account holds now; a failure to read it is said, not raised."""
        runtime = getattr(session, "runtime", None)
        if runtime is None:
            return
        try:
            state = runtime.emulated_state()
        except Exception as exc:  # the emulation is a library: its surprises stay in the panel
            log.warning("reading the emulated account failed: %s", exc)
            self.panel.source.setText(f"The emulated account could not be read: {exc}")
            return
        self.panel.show_state(state, "run" if state else "untouched")
        self.release(session)

    @staticmethod
    def release(session: RunSession | None) -> None:
        """Let go of a run's emulated account once what it holds is shown (or the run is
        replaced): S3 bucket names are one namespace across emulated accounts, so an account
        left open would keep the next run from creating (or seeding) the same buckets."""
        runtime = getattr(session, "runtime", None)
        emulation = getattr(getattr(runtime, "registry", None), "emulation", None)
        if emulation is not None:
            emulation.close()
