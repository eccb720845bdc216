"""Export projects to what AWS deploys, and import what people deploy back into projects.

Out: ASL (canonical JSON, YAML), EventBridge PutRule/PutTargets requests, CloudFormation and
SAM templates, Mermaid charts. In: ASL files and CloudFormation/SAM templates (CDK output
included). Imports never raise for a bad file; they return `ImportProblem`s. Templates, both
ways, are the `cloudformation` package.
"""

from engine.export.asl_text import asl_json, asl_yaml, export_asl, import_asl
from engine.export.cloudformation import (
    TemplateExport,
    check_references,
    cloudformation_template,
    import_file,
    import_template,
    sam_template,
)
from engine.export.eventbridge_rules import eventbridge_requests, put_rule_request, put_targets_request
from engine.export.mermaid import mermaid_event_routes, mermaid_state_machine
from engine.export.problems import ImportProblem, ImportResult

__all__ = [
    "ImportProblem",
    "ImportResult",
    "TemplateExport",
    "asl_json",
    "asl_yaml",
    "check_references",
    "cloudformation_template",
    "eventbridge_requests",
    "export_asl",
    "import_asl",
    "import_file",
    "import_template",
    "mermaid_event_routes",
    "mermaid_state_machine",
    "put_rule_request",
    "put_targets_request",
    "sam_template",
]
