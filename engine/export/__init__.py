"""Export projects to what AWS deploys, and import what people deploy back into projects.

Out: ASL (canonical JSON, YAML), EventBridge PutRule/PutTargets requests, CloudFormation and
SAM templates, Mermaid charts. In: ASL files and CloudFormation/SAM templates (CDK output
included). Imports never raise for a bad file; they return `ImportProblem`s. Templates, both
ways, are the `cloudformation` package. The names below are what the rest of StateCanvas uses;
import them from here rather than from the modules inside the package.
"""

from engine.export.asl_text import asl_json, asl_yaml, dump_yaml, export_asl, import_asl, machine_name_for
from engine.export.catalog import DEFAULT_BUS, Catalog
from engine.export.cloudformation import (
    TemplateExport,
    check_references,
    cloudformation_template,
    import_file,
    import_template,
    sam_project,
    sam_template,
)
from engine.export.eventbridge_rules import eventbridge_requests, put_rule_request, put_targets_request
from engine.export.lambda_handlers import code_file_wanted, lambda_parts, project_handler
from engine.export.mermaid import mermaid_event_routes, mermaid_state_machine
from engine.export.output_file import OutputPathError, replacing, write_output_bytes, write_output_text
from engine.export.problems import ImportProblem, ImportResult

__all__ = [
    "DEFAULT_BUS",
    "Catalog",
    "ImportProblem",
    "ImportResult",
    "OutputPathError",
    "TemplateExport",
    "asl_json",
    "asl_yaml",
    "check_references",
    "cloudformation_template",
    "code_file_wanted",
    "dump_yaml",
    "eventbridge_requests",
    "export_asl",
    "import_asl",
    "import_file",
    "import_template",
    "lambda_parts",
    "machine_name_for",
    "mermaid_event_routes",
    "mermaid_state_machine",
    "project_handler",
    "put_rule_request",
    "put_targets_request",
    "replacing",
    "sam_project",
    "sam_template",
    "write_output_bytes",
    "write_output_text",
]
