"""Output schemas: what the model is asked to produce and how its answer is read back."""

import json
from dataclasses import dataclass
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict
from typing_extensions import TypedDict

from durable_agents.agent_output import AgentOutputSchema
from durable_agents.exceptions import ModelBehaviorError, UserError


class Weather(BaseModel):
    city: str
    celsius: float
    note: str | None = None


class WeatherDict(TypedDict):
    city: str
    celsius: float


@dataclass
class Point:
    x: int
    y: int


class OpenModel(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str


@pytest.mark.parametrize("output_type", [None, str])
def test_plain_text(output_type: Any) -> None:
    schema = AgentOutputSchema(output_type)
    assert schema.is_plain_text()
    with pytest.raises(UserError, match="plain text"):
        schema.json_schema()
    assert schema.to_jsonable("hello") == "hello"


def test_pydantic_model_is_an_unwrapped_strict_object() -> None:
    schema = AgentOutputSchema(Weather)
    assert not schema.is_plain_text()
    assert schema.is_strict_json_schema()
    assert schema.name() == "Weather"
    assert schema.json_schema() == {
        "properties": {
            "city": {"title": "City", "type": "string"},
            "celsius": {"title": "Celsius", "type": "number"},
            "note": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Note"},
        },
        "required": ["city", "celsius", "note"],
        "title": "Weather",
        "type": "object",
        "additionalProperties": False,
    }
    value = schema.validate_json('{"city": "Oslo", "celsius": 3, "note": null}')
    assert value == Weather(city="Oslo", celsius=3.0)
    assert schema.to_jsonable(value) == {"city": "Oslo", "celsius": 3.0, "note": None}


def test_typed_dict_is_an_unwrapped_object() -> None:
    schema = AgentOutputSchema(WeatherDict)
    assert schema.json_schema()["properties"].keys() == {"city", "celsius"}
    assert schema.json_schema()["additionalProperties"] is False
    assert schema.validate_json('{"city": "Oslo", "celsius": 1.5}') == {
        "city": "Oslo",
        "celsius": 1.5,
    }


def test_dataclass_is_wrapped_like_the_reference() -> None:
    # The SDK only leaves pydantic models and dicts unwrapped, so dataclasses go in "response".
    schema = AgentOutputSchema(Point)
    json_schema = schema.json_schema()
    assert json_schema["required"] == ["response"]
    assert json_schema["$defs"]["Point"]["additionalProperties"] is False
    value = schema.validate_json('{"response": {"x": 1, "y": 2}}')
    assert value == Point(x=1, y=2)
    assert schema.to_jsonable(value) == {"x": 1, "y": 2}


@pytest.mark.parametrize(
    ("output_type", "name", "inner_schema", "payload", "expected"),
    [
        (list[int], "list[int]", {"items": {"type": "integer"}, "type": "array"}, [1, 2], [1, 2]),
        (int, "int", {"type": "integer"}, 7, 7),
        (
            int | str,
            "UnionType[int, str]",
            {"anyOf": [{"type": "integer"}, {"type": "string"}]},
            "seven",
            "seven",
        ),
    ],
)
def test_other_types_are_wrapped_and_unwrapped(
    output_type: Any, name: str, inner_schema: dict[str, Any], payload: Any, expected: Any
) -> None:
    schema = AgentOutputSchema(output_type)
    assert schema.name() == name
    json_schema = schema.json_schema()
    assert json_schema["type"] == "object"
    assert json_schema["required"] == ["response"]
    assert json_schema["additionalProperties"] is False
    response = dict(json_schema["properties"]["response"])
    assert response.pop("title") == "Response"
    assert response == inner_schema
    value = schema.validate_json(json.dumps({"response": payload}))
    assert value == expected
    assert schema.to_jsonable(value) == expected


def test_list_of_models_round_trips_through_json() -> None:
    schema = AgentOutputSchema(list[Weather])
    value = schema.validate_json('{"response": [{"city": "Oslo", "celsius": 2, "note": "cold"}]}')
    assert value == [Weather(city="Oslo", celsius=2.0, note="cold")]
    jsonable = schema.to_jsonable(value)
    assert jsonable == [{"city": "Oslo", "celsius": 2.0, "note": "cold"}]
    assert json.loads(json.dumps(jsonable)) == jsonable


def test_invalid_json_is_a_model_behavior_error() -> None:
    schema = AgentOutputSchema(Weather)
    with pytest.raises(ModelBehaviorError, match="not valid JSON") as info:
        schema.validate_json("The weather is nice")
    assert "The weather is nice" in info.value.message


def test_json_of_the_wrong_shape_is_a_model_behavior_error() -> None:
    with pytest.raises(ModelBehaviorError, match="does not match output type Weather"):
        AgentOutputSchema(Weather).validate_json('{"city": "Oslo"}')

    wrapped = AgentOutputSchema(list[int])
    # A bare list is what the type says, but the model was asked for the wrapper object.
    with pytest.raises(ModelBehaviorError, match=r"does not match output type list\[int\]"):
        wrapped.validate_json("[1, 2]")
    with pytest.raises(ModelBehaviorError):
        wrapped.validate_json('{"answer": [1, 2]}')


@pytest.mark.parametrize(
    ("output_type", "open_object"),
    [
        (dict[str, int], lambda schema: schema["properties"]["response"]),
        (OpenModel, lambda schema: schema),
    ],
)
def test_types_that_cannot_be_strict(output_type: Any, open_object: Any) -> None:
    with pytest.raises(UserError, match="strict_json_schema=False"):
        AgentOutputSchema(output_type)

    schema = AgentOutputSchema(output_type, strict_json_schema=False)
    assert not schema.is_strict_json_schema()
    assert open_object(schema.json_schema())["additionalProperties"]


def test_non_strict_keeps_defaults_and_optional_keys() -> None:
    schema = AgentOutputSchema(Weather, strict_json_schema=False)
    assert schema.json_schema() == Weather.model_json_schema()
    assert schema.validate_json('{"city": "Oslo", "celsius": 3}') == Weather(city="Oslo", celsius=3)
