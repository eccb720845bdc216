"""Template text CloudFormation takes as written: no YAML aliases, user text never substituted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.export import cloudformation_template, import_template, sam_template
from engine.project import project_from_value


def test_repeated_objects_are_written_out_not_aliased(shop_value: dict[str, Any]) -> None:
    retry = {"maximumRetryAttempts": 2, "maximumEventAgeInSeconds": 600}
    for target in shop_value["rules"]["audit-everything"]["targets"]:
        target["retryPolicy"] = dict(retry)
    for exporter in (cloudformation_template, sam_template):
        text = exporter(project_from_value(shop_value)).text("yaml")
        assert "&id" not in text and "*id" not in text
        assert text.count("MaximumEventAgeInSeconds: 600") == 2


def test_user_text_with_dollar_braces_goes_out_unsubstituted_and_comes_back(
    shop_value: dict[str, Any], tmp_path: Path
) -> None:
    shop_value["rules"]["audit-everything"]["description"] = "Copies ${detail.total} orders"
    shop_value["functions"]["pack"]["description"] = "Packs ${n} parcels"
    shop_value["queues"]["reviews"]["description"] = "Reviewed by ${Team}"
    for exporter in (cloudformation_template, sam_template):
        export = exporter(project_from_value(shop_value))
        resources = export.template["Resources"]
        # Fn::Join splits each `${` between two parts: the same text with nothing to substitute.
        assert resources["AuditEverything"]["Properties"]["Description"] == {
            "Fn::Join": ["", ["Copies $", "{detail.total} orders"]]
        }
        assert resources["Reviews"]["Metadata"]["StateCanvas"]["Description"] == "Reviewed by ${!Team}"
        back = import_template(export.write(tmp_path / exporter.__name__)).project
        assert back.rules["audit-everything"].description == "Copies ${detail.total} orders"
        assert back.functions["pack"].description == "Packs ${n} parcels"
        assert back.queues["reviews"].description == "Reviewed by ${Team}"
