"""A SAM project folder: what `sam build` and `sam deploy` expect to find.

```
OUT/
  template.yaml                 AWS::Serverless::* resources
  statemachine/NAME.asl.json    each definition, `DefinitionUri` + `DefinitionSubstitutions`
  functions/DIR/...             each local handler's code folder, the function's `CodeUri`
```

A function's code folder is its handler file's folder (what Lambda's CodeUri means); a handler
at the project's top level gets a folder of its own holding just its file, so the project
file and everything beside it never end up in a Lambda zip. A handler whose file is not in the
project (a project imported from someone's template) keeps its CodeUri, with a note.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from engine.export.catalog import Catalog, as_loaded
from engine.export.cloudformation.builder import METADATA_KEY, TemplateExport
from engine.export.cloudformation.sam import sam_template
from engine.export.lambda_handlers import code_file_wanted, lambda_parts
from engine.project import LoadedProject, Project, is_inside
from engine.resource_refs import ResourceRef

FUNCTIONS_DIR = "functions"
DEFINITIONS_DIR = "statemachine"


@dataclass
class SamProject:
    """The template and its definition files, plus code files to copy (target -> source)."""

    export: TemplateExport
    code: dict[str, Path] = field(default_factory=dict)

    @property
    def notes(self) -> list[str]:
        return self.export.notes

    def write(self, directory: str | Path) -> Path:
        """Write the whole folder; the template's path. Each file is replaced whole."""
        root = Path(directory)
        for relative, source in sorted(self.code.items()):
            _copy_whole(source, root / relative)
        return self.export.write(root, "template.yaml")


def sam_project(
    project: LoadedProject | Project, *, substitutions: dict[str, dict[str, Any]] | None = None
) -> SamProject:
    loaded = as_loaded(project)
    export = sam_template(
        loaded, substitutions=substitutions, definition_uri=True, definition_dir=DEFINITIONS_DIR
    )
    out = SamProject(export)
    resources = export.template["Resources"]
    catalog = Catalog.of(loaded.project)
    for name, spec in sorted(loaded.project.functions.items()):
        logical = catalog.logical(ResourceRef("function", name))
        if logical is None or logical not in resources:
            continue
        path_text = spec.handler.partition(":")[0].replace("\\", "/")
        source = loaded.base_dir / path_text if loaded.path is not None else None
        if source is not None and not is_inside(source, loaded.base_dir):
            source = None  # a handler outside the project is never copied into the export
        if source is None or not source.is_file():
            export.notes.append(
                f"function {name}: its handler file {path_text} is not in the project; "
                f"CodeUri left as {resources[logical]['Properties']['CodeUri']}"
            )
            continue
        code_uri, _, _ = lambda_parts(spec.handler)
        if code_uri == ".":
            target = f"{FUNCTIONS_DIR}/{logical}/"
            out.code[target + source.name] = source
        else:
            inner = (
                code_uri[len(FUNCTIONS_DIR) + 1 :] if code_uri.startswith(FUNCTIONS_DIR + "/") else code_uri
            )
            target = f"{FUNCTIONS_DIR}/{inner}"
            folder = source.parent
            for item in sorted(folder.rglob("*")):
                relative = item.relative_to(folder)
                if item.is_file() and code_file_wanted(relative):
                    out.code[target + PurePosixPath(*relative.parts).as_posix()] = item
        resource = resources[logical]
        resource["Properties"]["CodeUri"] = target
        # The metadata names the handler as the project will after import: inside functions/.
        function = spec.handler.partition(":")[2]
        meta = resource.setdefault("Metadata", {}).setdefault(METADATA_KEY, {})
        meta["Handler"] = f"{target}{source.name}:{function}" if function else f"{target}{source.name}"
    return out


def _copy_whole(source: Path, target: Path) -> None:
    """Copy through a temporary file beside the target, renamed over it when complete."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        shutil.copyfile(source, temp_name)
        os.chmod(temp_name, 0o644)
        os.replace(temp_name, target)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
