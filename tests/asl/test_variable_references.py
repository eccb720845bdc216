"""Static variable analysis: the reads AWS reports as ``variableReferences``, and the assignments.

The unit tests pin the rules (which fields are expressions, what JSONata binds itself); the
corpus test holds the result to AWS's recorded DescribeStateMachine answers.
"""

from __future__ import annotations

import copy
import itertools
import re
from typing import Any

from engine.asl.variables import assigned_variables, jsonata_free_variables, variable_references


def machine(states: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"StartAt": next(iter(states)), "States": states, **top}


# -- JSONPath states --------------------------------------------------------------------------


def test_path_fields_read_variables_but_result_path_does_not() -> None:
    definition = machine(
        {
            "A": {
                "Type": "Pass",
                "InputPath": "$in",
                "OutputPath": "$out.field",
                "ResultPath": "$.ignored",
                "End": True,
            }
        }
    )
    assert variable_references(definition) == {"A": ["in", "out"]}


def test_input_root_and_context_object_are_not_variables() -> None:
    definition = machine(
        {
            "A": {
                "Type": "Pass",
                "InputPath": "$",
                "Parameters": {"a.$": "$.a", "b.$": "$$.Execution.Id", "c.$": "$"},
                "End": True,
            }
        }
    )
    assert variable_references(definition) == {}


def test_only_dollar_keys_of_templates_are_expressions() -> None:
    definition = machine(
        {
            "A": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {
                    "Literal": "$notRead",
                    "FilePath": "$alsoNotRead",
                    "Nested": {"deep.$": "$deep", "list": [{"item.$": "$inList"}]},
                },
                "ResultSelector": {"r.$": "$selected"},
                "End": True,
            }
        }
    )
    assert variable_references(definition) == {"A": ["deep", "inList", "selected"]}


def test_pass_result_is_data_even_with_dollar_keys() -> None:
    definition = machine({"A": {"Type": "Pass", "Result": {"x.$": "$nope"}, "End": True}})
    assert variable_references(definition) == {}


def test_intrinsic_arguments_including_nested_calls() -> None:
    definition = machine(
        {
            "A": {
                "Type": "Pass",
                "Parameters": {
                    "v.$": "States.Format('{} {}', $first, States.ArrayGetItem($list, $.i))",
                    "u.$": "States.UUID()",
                },
                "End": True,
            }
        }
    )
    assert variable_references(definition) == {"A": ["first", "list"]}


def test_variable_inside_a_path_filter() -> None:
    definition = machine({"A": {"Type": "Pass", "InputPath": "$.items[?(@.n > $limit)]", "End": True}})
    assert variable_references(definition) == {"A": ["limit"]}


def test_choice_rules_and_their_assign() -> None:
    definition = machine(
        {
            "C": {
                "Type": "Choice",
                "Choices": [
                    {
                        "And": [
                            {"Variable": "$x", "NumericGreaterThanPath": "$y"},
                            {"Not": {"Variable": "$.z", "IsPresent": True}},
                        ],
                        "Assign": {"picked.$": "$w"},
                        "Next": "D",
                    }
                ],
                "Default": "D",
            },
            "D": {"Type": "Succeed"},
        }
    )
    assert variable_references(definition) == {"C": ["w", "x", "y"]}
    assert assigned_variables(definition) == {"C": ["picked"]}


def test_catcher_assign_reads_and_assigns() -> None:
    definition = machine(
        {
            "T": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Assign": {"ok": 1},
                "Catch": [
                    {
                        "ErrorEquals": ["States.ALL"],
                        "ResultPath": "$.error",
                        "Assign": {"failed.$": "$attempts", "why": "x"},
                        "Next": "F",
                    }
                ],
                "End": True,
            },
            "F": {"Type": "Fail"},
        }
    )
    assert variable_references(definition) == {"T": ["attempts"]}
    assert assigned_variables(definition) == {"T": ["failed", "ok", "why"]}


def test_map_fields_item_reader_and_batcher() -> None:
    definition = machine(
        {
            "M": {
                "Type": "Map",
                "ItemsPath": "$items",
                "MaxConcurrencyPath": "$concurrency",
                "ItemReader": {
                    "Resource": "arn:aws:states:::s3:getObject",
                    "ReaderConfig": {"InputType": "JSON", "MaxItemsPath": "$max"},
                    "Parameters": {"Bucket.$": "$bucket", "Key": "k"},
                },
                "ItemBatcher": {"MaxItemsPerBatchPath": "$batch", "BatchInput": {"b.$": "$shared"}},
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "INLINE"},
                    "StartAt": "Inner",
                    "States": {"Inner": {"Type": "Pass", "OutputPath": "$inner", "End": True}},
                },
                "End": True,
            }
        }
    )
    assert variable_references(definition) == {
        "M": ["batch", "bucket", "concurrency", "items", "max", "shared"],
        "Inner": ["inner"],
    }


def test_nested_parallel_branches_and_legacy_iterator_are_keyed_by_state_name() -> None:
    definition = machine(
        {
            "P": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "B1", "States": {"B1": {"Type": "Pass", "InputPath": "$one", "End": True}}},
                    {
                        "StartAt": "Old",
                        "States": {
                            "Old": {
                                "Type": "Map",
                                "Iterator": {
                                    "StartAt": "It",
                                    "States": {
                                        "It": {"Type": "Pass", "Assign": {"k.$": "$two"}, "End": True}
                                    },
                                },
                                "End": True,
                            }
                        },
                    },
                ],
                "End": True,
            }
        }
    )
    assert variable_references(definition) == {"B1": ["one"], "It": ["two"]}
    assert assigned_variables(definition) == {"It": ["k"]}


def test_lists_are_sorted_without_duplicates_and_quiet_states_are_omitted() -> None:
    definition = machine(
        {
            "Quiet": {"Type": "Pass", "Next": "Busy"},
            "Busy": {
                "Type": "Pass",
                "InputPath": "$zeta",
                "Parameters": {"a.$": "$alpha", "b.$": "$zeta", "c.$": "$Beta"},
                "End": True,
            },
        }
    )
    assert variable_references(definition) == {"Busy": ["Beta", "alpha", "zeta"]}


def test_unparseable_expressions_and_malformed_definitions_read_nothing() -> None:
    definition = machine(
        {
            "A": {
                "Type": "Pass",
                "InputPath": "$bad[",
                "Parameters": {"x.$": "States.Nope($v)"},
                "End": True,
            },
            "B": "not a state",
        }
    )
    assert variable_references(definition) == {}
    assert variable_references({}) == {}
    assert variable_references({"States": []}) == {}
    assert assigned_variables({"States": {"A": {"Type": "Pass", "Assign": "nope"}}}) == {}


# -- JSONata states ---------------------------------------------------------------------------


def test_jsonata_state_fields() -> None:
    definition = machine(
        {
            "T": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Arguments": {"Payload": "{% $payload %}", "Static": "$notAnExpression"},
                "Output": "{% $states.result.Payload %}",
                "Assign": {"total": "{% $total + $count($states.result.items) %}"},
                "TimeoutSeconds": "{% $timeout %}",
                "Catch": [
                    {
                        "ErrorEquals": ["States.ALL"],
                        "Assign": {"err": "{% $states.errorOutput %}", "n": "{% $retries + 1 %}"},
                        "Next": "F",
                    }
                ],
                "End": True,
            },
            "F": {"Type": "Fail", "Error": "{% $code %}"},
        },
        QueryLanguage="JSONata",
    )
    assert variable_references(definition) == {
        "T": ["payload", "retries", "timeout", "total"],
        "F": ["code"],
    }
    assert assigned_variables(definition) == {"T": ["err", "n", "total"]}


def test_jsonata_choice_conditions_and_state_level_query_language() -> None:
    definition = machine(
        {
            "Old": {"Type": "Pass", "InputPath": "$fromPath", "Next": "C"},
            "C": {
                "Type": "Choice",
                "QueryLanguage": "JSONata",
                "Choices": [{"Condition": "{% $level > $threshold %}", "Next": "Old"}],
                "Default": "Old",
            },
        }
    )
    assert variable_references(definition) == {"Old": ["fromPath"], "C": ["level", "threshold"]}


def test_jsonata_text_in_a_jsonpath_state_is_a_literal() -> None:
    definition = machine({"A": {"Type": "Pass", "Parameters": {"x": "{% $v %}"}, "End": True}})
    assert variable_references(definition) == {}


def test_jsonata_inner_states_inherit_the_machine_language() -> None:
    definition = machine(
        {
            "M": {
                "Type": "Map",
                "Items": "{% $list %}",
                "ItemProcessor": {
                    "StartAt": "I",
                    "States": {"I": {"Type": "Pass", "Output": "{% $states.input * $factor %}", "End": True}},
                },
                "End": True,
            }
        },
        QueryLanguage="JSONata",
    )
    assert variable_references(definition) == {"M": ["list"], "I": ["factor"]}


def test_jsonata_excludes_builtins_states_and_context() -> None:
    assert jsonata_free_variables(" $uppercase($string($x)) & $uuid() & $partition($y, 2) ") == {"x", "y"}
    assert jsonata_free_variables("$states.input.a + $.b + $$.c") == set()


def test_jsonata_excludes_names_the_expression_binds() -> None:
    assert jsonata_free_variables("($a := $b; $a * 2)") == {"b"}
    # the right-hand side runs before the name is bound: this reads the workflow's $x
    assert jsonata_free_variables("($x := $x + 1; $x)") == {"x"}
    assert jsonata_free_variables("$map($items, function($v, $i) { $v * $factor + $i })") == {
        "items",
        "factor",
    }
    # recursion through a name bound after the lambda is written
    assert jsonata_free_variables("($f := function($n) { $n <= 1 ? $base : $f($n - 1) }; $f(3))") == {"base"}
    assert jsonata_free_variables("orders@$o.lines#$i[$i < $limit].($o.id & $sep)") == {"limit", "sep"}


def test_jsonata_binding_in_a_block_does_not_leak_out() -> None:
    assert jsonata_free_variables("($y := 1; $y) + $y") == {"y"}


def test_jsonata_reaches_every_kind_of_node() -> None:
    expression = '{"k": $a, "l": [$b, 1..$c]} ~> |x|{"u": $d}, [$e]| ; $f ? -$g : items^($h){key: $i}[$j]'
    assert jsonata_free_variables(f"({expression})") == set("abcdefghij")


def test_jsonata_builtin_names_are_functions_not_variables() -> None:
    # `$max` is JSONata's built-in: Step Functions variables with such names cannot be told apart
    assert jsonata_free_variables("$max($values) + $sum($values)") == {"values"}


def test_jsonata_syntax_error_reads_nothing() -> None:
    assert jsonata_free_variables("$a + (((") == frozenset()


# -- the recorded corpus ----------------------------------------------------------------------

# The recorder replaced the value of any key matching /timestamp/i (unless it was an ISO date)
# with the word "timestamp"; such a value in a recorded definition is unknown, not literal.
_MASKED_KEY = re.compile("timestamp", re.IGNORECASE)
_MASK = "timestamp"


def _masked_spots(node: Any, where: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    spots: list[tuple[Any, ...]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if _MASKED_KEY.search(key) and value == _MASK:
                spots.append((*where, key))
            else:
                spots.extend(_masked_spots(value, (*where, key)))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            spots.extend(_masked_spots(value, (*where, i)))
    return spots


def _with_values(definition: dict[str, Any], spots: list[tuple[Any, ...]], values: tuple[str, ...]) -> Any:
    restored = copy.deepcopy(definition)
    for spot, value in zip(spots, values, strict=True):
        target = restored
        for step in spot[:-1]:
            target = target[step]
        target[spot[-1]] = value
    return restored


def _restorations(definition: dict[str, Any]) -> list[dict[str, Any]]:
    """Every way to fill the masked values with ``$`` or ``$name`` for a variable the definition assigns.

    Any filling is one the recorder would have masked back to the recorded text, so each is a
    definition AWS may have seen; the test passes if one of them gives AWS's answer exactly.
    """
    spots = _masked_spots(definition)
    if not spots:
        return []
    variables = sorted({name for names in assigned_variables(definition).values() for name in names})
    candidates = ["$", *(f"${name}" for name in variables)]
    return [
        _with_values(definition, spots, values) for values in itertools.product(candidates, repeat=len(spots))
    ]


def test_variable_references_match_aws(asl_cases: list[dict[str, Any]], report_figure: Any) -> None:
    cases = [case for case in asl_cases if case.get("kind") == "variable_references"]
    assert cases, "the corpus has no variable_references cases"
    failures: list[str] = []
    restored = 0
    for case in cases:
        expected = case["expected"]["variableReferences"]
        got = variable_references(case["definition"])
        if got == expected:
            continue
        if any(variable_references(d) == expected for d in _restorations(case["definition"])):
            restored += 1
            continue
        failures.append(f"{case['_file']}: got {got}, AWS {expected}")
    passed = len(cases) - len(failures)
    note = f" ({restored} with a masked value restored)" if restored else ""
    report_figure(f"variable_references: {passed}/{len(cases)}{note}")
    assert not failures, "\n".join(failures)
