"""CloudFormation and SAM templates, both ways: a project out as a template, a template in as a project.

Out: `template` (plain CloudFormation), `sam` (one SAM template) and `sam_project` (the folder
`sam build` takes), sharing `builder` (resources, parameters, placeholders), `messaging_resources`
(buses, rules, queues, topics) and `machine_settings` (logging, tracing). In: `importer`, which
reads each resource through `import_context`, `import_definitions` and `import_events`. Both
directions read intrinsic functions through `intrinsics`.
"""

from engine.export.cloudformation.builder import TemplateExport, check_references
from engine.export.cloudformation.importer import import_file, import_template
from engine.export.cloudformation.sam import sam_template
from engine.export.cloudformation.sam_project import SamProject, sam_project
from engine.export.cloudformation.template import cloudformation_template

__all__ = [
    "SamProject",
    "TemplateExport",
    "check_references",
    "cloudformation_template",
    "import_file",
    "import_template",
    "sam_project",
    "sam_template",
]
