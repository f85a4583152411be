"""Tool schemas built from Python functions, and the strict-mode rewrite they go through."""

import copy
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, Field, ValidationError

from durable_agents.exceptions import UserError
from durable_agents.function_schema import function_schema, generate_func_documentation
from durable_agents.run_context import RunContextWrapper, ToolContext
from durable_agents.strict_schema import ensure_strict_json_schema


class Address(BaseModel):
    street: str
    unit: str | None = None


class Customer(BaseModel):
    name: str
    addresses: list[Address]


def assert_strict(schema: dict[str, Any]) -> None:
    """Every object in the schema, however deep, is closed and requires all its properties."""
    if isinstance(schema, dict):
        if schema.get("type") == "object":
            assert schema["additionalProperties"] is False
            assert schema["required"] == list(schema.get("properties", {}))
        for value in schema.values():
            assert_strict(value)
    elif isinstance(schema, list):
        for value in schema:
            assert_strict(value)


# --- Parameters -------------------------------------------------------------------------------


def test_simple_params() -> None:
    def add(a: int, b: float) -> float:
        return a + b

    fs = function_schema(add)
    assert fs.name == "add"
    assert fs.description is None
    assert fs.takes_context is False
    assert fs.params_json_schema == {
        "properties": {
            "a": {"title": "A", "type": "integer"},
            "b": {"title": "B", "type": "number"},
        },
        "required": ["a", "b"],
        "title": "add_args",
        "type": "object",
        "additionalProperties": False,
    }
    parsed = fs.params_pydantic_model(a=1, b="2.5")
    assert fs.to_call_args(parsed) == ([1, 2.5], {})
    with pytest.raises(ValidationError):
        fs.params_pydantic_model(a="not a number", b=1)


def test_no_params_is_an_empty_closed_object() -> None:
    def ping() -> str:
        return "pong"

    schema = function_schema(ping).params_json_schema
    assert schema["properties"] == {}
    assert schema["required"] == []
    assert schema["additionalProperties"] is False


def test_optional_and_default_params() -> None:
    def search(query: str, limit: int = 10, cursor: str | None = None) -> None: ...

    fs = function_schema(search)
    props = fs.params_json_schema["properties"]
    # Strict mode has no optional keys: every property is required, defaults are advisory.
    assert fs.params_json_schema["required"] == ["query", "limit", "cursor"]
    assert props["limit"] == {"default": 10, "title": "Limit", "type": "integer"}
    # A None default is dropped; the null branch of the union already says it.
    assert props["cursor"] == {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Cursor"}
    parsed = fs.params_pydantic_model(query="x")
    assert fs.to_call_args(parsed) == (["x", 10, None], {})


def test_list_param() -> None:
    def tag(names: list[str]) -> None: ...

    fs = function_schema(tag)
    assert fs.params_json_schema["properties"]["names"] == {
        "items": {"type": "string"},
        "title": "Names",
        "type": "array",
    }
    assert fs.to_call_args(fs.params_pydantic_model(names=["a", "b"])) == ([["a", "b"]], {})


def test_nested_pydantic_params_use_strict_defs() -> None:
    def register(customer: Customer) -> None: ...

    fs = function_schema(register)
    schema = fs.params_json_schema
    assert schema["properties"]["customer"] == {"$ref": "#/$defs/Customer"}
    assert set(schema["$defs"]) == {"Customer", "Address"}
    assert schema["$defs"]["Address"]["required"] == ["street", "unit"]
    assert "default" not in schema["$defs"]["Address"]["properties"]["unit"]
    assert_strict(schema)

    parsed = fs.params_pydantic_model(customer={"name": "Ada", "addresses": [{"street": "Main"}]})
    (customer,), kwargs = fs.to_call_args(parsed)
    assert kwargs == {}
    assert customer == Customer(name="Ada", addresses=[Address(street="Main")])


def test_described_ref_param_is_inlined() -> None:
    def ship(to: Address) -> None:
        """Ship a parcel.

        Args:
            to: Where the parcel goes.
        """

    prop = function_schema(ship).params_json_schema["properties"]["to"]
    # Strict mode ignores keys next to a $ref, so the target is expanded in place.
    assert "$ref" not in prop
    assert prop["description"] == "Where the parcel goes."
    assert prop["type"] == "object"
    assert prop["additionalProperties"] is False
    assert prop["required"] == ["street", "unit"]


def test_field_default_keeps_constraints_and_takes_docstring_description() -> None:
    def page(size: int = Field(20, ge=1, le=100, description="from Field")) -> None:
        """Fetch a page.

        Args:
            size: Items per page.
        """

    fs = function_schema(page)
    assert fs.params_json_schema["properties"]["size"] == {
        "default": 20,
        "description": "Items per page.",
        "maximum": 100,
        "minimum": 1,
        "title": "Size",
        "type": "integer",
    }
    assert fs.params_pydantic_model().size == 20
    with pytest.raises(ValidationError):
        fs.params_pydantic_model(size=0)


def test_field_default_description_used_without_docstring() -> None:
    def page(size: int = Field(20, description="from Field")) -> None: ...

    prop = function_schema(page).params_json_schema["properties"]["size"]
    assert prop["description"] == "from Field"


def test_annotated_string_is_a_fallback_description() -> None:
    def f(a: Annotated[int, "from Annotated"], b: Annotated[int, "ignored"]) -> None:
        """Do it.

        Args:
            b: from docstring
        """

    props = function_schema(f).params_json_schema["properties"]
    assert props["a"]["description"] == "from Annotated"
    assert props["b"]["description"] == "from docstring"
    assert props["a"]["type"] == "integer"


def test_unannotated_param_accepts_anything() -> None:
    def f(x) -> None: ...  # type: ignore[no-untyped-def]

    fs = function_schema(f)
    assert fs.params_json_schema["properties"]["x"] == {"title": "X"}
    assert fs.to_call_args(fs.params_pydantic_model(x={"any": [1]})) == ([{"any": [1]}], {})


# --- Names and descriptions -------------------------------------------------------------------


def test_google_docstring() -> None:
    def weather(city: str, days: int = 1) -> str:
        """Get the weather forecast.

        Uses the national service: no API key needed.

        Args:
            city (str): The city to look up,
                spelled in English.
            days: How many days ahead.

        Returns:
            str: The forecast.

        Raises:
            ValueError: When the city is unknown.
        """
        return ""

    fs = function_schema(weather)
    assert fs.description == (
        "Get the weather forecast.\n\nUses the national service: no API key needed."
    )
    props = fs.params_json_schema["properties"]
    assert props["city"]["description"] == "The city to look up,\nspelled in English."
    assert props["days"]["description"] == "How many days ahead."


def test_numpy_docstring() -> None:
    def area(width: float, height: float, unit: str = "m") -> float:
        """Area of a rectangle.

        Parameters
        ----------
        width, height : float
            The sides,
            in units.
        unit : str
            Unit name.

        Returns
        -------
        float
            The area.
        """
        return width * height

    doc = generate_func_documentation(area)
    assert doc.description == "Area of a rectangle."
    assert doc.param_descriptions == {
        "width": "The sides,\nin units.",
        "height": "The sides,\nin units.",
        "unit": "Unit name.",
    }
    props = function_schema(area).params_json_schema["properties"]
    assert props["unit"]["description"] == "Unit name."


def test_sphinx_docstring() -> None:
    def greet(name: str, loud: bool = False) -> str:
        """Greet someone.

        :param name: Who to greet,
            by first name.
        :param bool loud: Shout it.
        :returns: The greeting.
        """
        return ""

    fs = function_schema(greet)
    assert fs.description == "Greet someone."
    props = fs.params_json_schema["properties"]
    assert props["name"]["description"] == "Who to greet, by first name."
    assert props["loud"]["description"] == "Shout it."


def test_explicit_style_overrides_detection() -> None:
    def f(x: int) -> None:
        """Summary.

        :param x: the x
        """

    assert generate_func_documentation(f, "sphinx").param_descriptions == {"x": "the x"}
    # Read as google, the sphinx field is just more description text.
    google = generate_func_documentation(f, "google")
    assert google.param_descriptions is None
    assert google.description == "Summary.\n\n:param x: the x"


def test_google_starred_params_are_documented_without_stars() -> None:
    def f(*values: int, **options: str) -> None:
        """Collect.

        Args:
            *values: The values.
            **options: The options.
        """

    assert generate_func_documentation(f).param_descriptions == {
        "values": "The values.",
        "options": "The options.",
    }


def test_prose_ending_in_colon_is_not_a_section() -> None:
    def f(x: int) -> None:
        """Steps:
        first this, then that.

        Args:
            x: The x.
        """

    doc = generate_func_documentation(f)
    assert doc.description == "Steps:\nfirst this, then that."
    assert doc.param_descriptions == {"x": "The x."}


def test_no_docstring() -> None:
    def f(x: int) -> None: ...

    doc = generate_func_documentation(f)
    assert (doc.name, doc.description, doc.param_descriptions) == ("f", None, None)


def test_overrides_and_use_docstring_info() -> None:
    def f(x: int) -> None:
        """Original.

        Args:
            x: The x.
        """

    fs = function_schema(f, name_override="renamed", description_override="Overridden.")
    assert (fs.name, fs.description) == ("renamed", "Overridden.")
    assert fs.params_json_schema["title"] == "renamed_args"

    bare = function_schema(f, use_docstring_info=False)
    assert bare.description is None
    assert "description" not in bare.params_json_schema["properties"]["x"]


# --- Context parameters -----------------------------------------------------------------------


def test_run_context_wrapper_first_param_is_skipped() -> None:
    def f(ctx: RunContextWrapper[Any], city: str) -> str:
        return city

    fs = function_schema(f)
    assert fs.takes_context is True
    assert list(fs.params_json_schema["properties"]) == ["city"]
    assert fs.to_call_args(fs.params_pydantic_model(city="Oslo")) == (["Oslo"], {})


def test_tool_context_first_param_is_skipped() -> None:
    def f(ctx: ToolContext, city: str) -> str:  # bare, unparametrised class
        return city

    fs = function_schema(f)
    assert fs.takes_context is True
    assert list(fs.params_json_schema["properties"]) == ["city"]


def test_context_not_first_is_a_user_error() -> None:
    def f(city: str, ctx: RunContextWrapper[Any]) -> str:
        return city

    def g(city: str, ctx: ToolContext[Any]) -> str:
        return city

    for func in (f, g):
        with pytest.raises(UserError, match="must be the first parameter"):
            function_schema(func)


# --- Call arguments ---------------------------------------------------------------------------


def test_to_call_args_with_var_args_and_kwargs() -> None:
    def f(a: int, /, b: int, *rest: int, c: int = 0, **extra: int) -> None: ...

    fs = function_schema(f, strict_json_schema=False)
    parsed = fs.params_pydantic_model(a=1, b=2, rest=[3, 4], c=5, extra={"x": 6})
    args, kwargs = fs.to_call_args(parsed)
    assert args == [1, 2, 3, 4]
    assert kwargs == {"c": 5, "x": 6}
    assert fs.params_json_schema["properties"]["rest"]["items"] == {"type": "integer"}
    assert fs.params_json_schema["properties"]["extra"]["additionalProperties"] == {
        "type": "integer"
    }
    # *args and **kwargs may be left out entirely.
    assert fs.to_call_args(fs.params_pydantic_model(a=1, b=2)) == ([1, 2], {"c": 0})


def test_var_args_given_as_tuple_or_dict_annotations() -> None:
    def f(*rest: tuple[str, ...], **extra: dict[str, float]) -> None: ...

    props = function_schema(f, strict_json_schema=False).params_json_schema["properties"]
    assert props["rest"]["items"] == {"type": "string"}
    assert props["extra"]["additionalProperties"] == {"type": "number"}


def test_params_after_var_args_are_keywords() -> None:
    def f(ctx: RunContextWrapper[Any], *names: str, sep: str) -> str:
        return sep.join(names)

    fs = function_schema(f)
    args, kwargs = fs.to_call_args(fs.params_pydantic_model(names=["a", "b"], sep="-"))
    assert (args, kwargs) == (["a", "b"], {"sep": "-"})
    assert f(None, *args, **kwargs) == "a-b"  # type: ignore[arg-type]


def test_kwargs_cannot_be_strict() -> None:
    def f(**extra: int) -> None: ...

    with pytest.raises(UserError, match="additionalProperties"):
        function_schema(f)


# --- Strict and non-strict schemas ------------------------------------------------------------


def test_non_strict_leaves_pydantic_schema_alone() -> None:
    def f(customer: Customer, note: str | None = None) -> None: ...

    fs = function_schema(f, strict_json_schema=False)
    assert fs.strict_json_schema is False
    schema = fs.params_json_schema
    assert schema == fs.params_pydantic_model.model_json_schema()
    assert schema["required"] == ["customer"]
    assert "additionalProperties" not in schema
    assert schema["properties"]["note"]["default"] is None


def test_strict_schema_does_not_mutate_its_input() -> None:
    original = Customer.model_json_schema()
    snapshot = copy.deepcopy(original)
    strict = ensure_strict_json_schema(original)
    assert original == snapshot
    assert_strict(strict)


def test_strict_schema_flattens_single_all_of_and_converts_one_of() -> None:
    schema = {
        "type": "object",
        "properties": {
            "pet": {
                "oneOf": [
                    {"type": "object", "properties": {"meow": {"type": "boolean"}}},
                    {"type": "object", "properties": {"bark": {"type": "boolean"}}},
                ]
            },
            "owner": {"allOf": [{"$ref": "#/definitions/Owner"}], "description": "Who owns it."},
        },
        "definitions": {"Owner": {"type": "object", "properties": {"name": {"type": "string"}}}},
    }
    strict = ensure_strict_json_schema(schema)
    pet = strict["properties"]["pet"]
    assert "oneOf" not in pet
    assert [variant["required"] for variant in pet["anyOf"]] == [["meow"], ["bark"]]
    owner = strict["properties"]["owner"]
    assert owner == {
        "type": "object",
        "properties": {"name": {"type": "string"}},
        "additionalProperties": False,
        "required": ["name"],
        "description": "Who owns it.",
    }
    assert_strict(strict)


def test_strict_schema_rejects_explicit_additional_properties() -> None:
    with pytest.raises(UserError, match="additionalProperties"):
        ensure_strict_json_schema({"type": "object", "additionalProperties": True})


def test_strict_schema_of_empty_schema() -> None:
    assert ensure_strict_json_schema({}) == {
        "additionalProperties": False,
        "type": "object",
        "properties": {},
        "required": [],
    }
