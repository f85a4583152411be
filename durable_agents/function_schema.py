"""Turn a Python function into the JSON schema a model sees as a tool, and back into a call.

The pydantic model built here is also what validates the model's arguments before the function
runs, so the schema the model is shown and the checks applied to its answer cannot drift apart.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal, get_args, get_origin, get_type_hints

from pydantic import BaseModel, Field, create_model
from pydantic.fields import FieldInfo

from .exceptions import UserError
from .run_context import RunContextWrapper, ToolContext
from .strict_schema import ensure_strict_json_schema

DocstringStyle = Literal["google", "numpy", "sphinx"]


@dataclass
class FuncSchema:
    name: str
    description: str | None
    params_pydantic_model: type[BaseModel]
    params_json_schema: dict[str, Any]
    signature: inspect.Signature
    takes_context: bool = False
    """The first parameter is a RunContextWrapper/ToolContext the runner supplies, not the model."""
    strict_json_schema: bool = True

    def to_call_args(self, data: BaseModel) -> tuple[list[Any], dict[str, Any]]:
        """Spread validated arguments over the signature: the model only knows parameter names,
        but positional-only parameters and anything before `*args` must be passed by position."""
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        after_var_positional = False
        params = list(self.signature.parameters.values())
        if self.takes_context:
            params = params[1:]
        for param in params:
            value = getattr(data, param.name, None)
            if param.kind is param.VAR_POSITIONAL:
                args.extend(value or [])
                after_var_positional = True
            elif param.kind is param.VAR_KEYWORD:
                kwargs.update(value or {})
            elif param.kind is param.KEYWORD_ONLY or after_var_positional:
                kwargs[param.name] = value
            else:
                args.append(value)
        return args, kwargs


@dataclass
class FuncDocumentation:
    name: str
    description: str | None
    param_descriptions: dict[str, str] | None


def generate_func_documentation(
    func: Callable[..., Any], style: DocstringStyle | None = None
) -> FuncDocumentation:
    """Read the summary and parameter descriptions a model needs to use `func` as a tool."""
    doc = inspect.getdoc(func)
    if not doc:
        return FuncDocumentation(name=func.__name__, description=None, param_descriptions=None)
    parser = _PARSERS[style or _detect_docstring_style(doc)]
    description, params = parser(doc.splitlines())
    params = {name: text for name, text in params.items() if name and text}
    return FuncDocumentation(
        name=func.__name__, description=description or None, param_descriptions=params or None
    )


def function_schema(
    func: Callable[..., Any],
    docstring_style: DocstringStyle | None = None,
    name_override: str | None = None,
    description_override: str | None = None,
    use_docstring_info: bool = True,
    strict_json_schema: bool = True,
) -> FuncSchema:
    """Build the tool schema for `func`; raises `UserError` for signatures a tool cannot have."""
    doc_info = generate_func_documentation(func, docstring_style) if use_docstring_info else None
    param_descs = dict((doc_info.param_descriptions if doc_info else None) or {})

    # Annotated metadata is dropped from the field type, as in the reference SDK; a plain string
    # in it serves as the description when the docstring has none.
    type_hints: dict[str, Any] = {}
    for name, hint in get_type_hints(func, include_extras=True).items():
        if name == "return":
            continue
        type_hints[name], metadata = _strip_annotated(hint)
        text = next((item for item in metadata if isinstance(item, str)), None)
        if text is not None:
            param_descs.setdefault(name, text)

    func_name = name_override or func.__name__
    sig = inspect.signature(func)
    params = list(sig.parameters.values())

    takes_context = bool(params) and _is_context_type(type_hints.get(params[0].name))
    if takes_context:
        params = params[1:]
    for param in params:
        if _is_context_type(type_hints.get(param.name)):
            raise UserError(
                f"RunContextWrapper/ToolContext parameter {param.name!r} of function "
                f"{func.__name__} must be the first parameter"
            )

    fields = {
        param.name: _field_for(param, type_hints.get(param.name, Any), param_descs.get(param.name))
        for param in params
    }
    model = create_model(f"{func_name}_args", __base__=BaseModel, **fields)
    json_schema = model.model_json_schema()
    if strict_json_schema:
        json_schema = ensure_strict_json_schema(json_schema)

    return FuncSchema(
        name=func_name,
        description=description_override or (doc_info.description if doc_info else None),
        params_pydantic_model=model,
        params_json_schema=json_schema,
        signature=sig,
        takes_context=takes_context,
        strict_json_schema=strict_json_schema,
    )


def _strip_annotated(hint: Any) -> tuple[Any, tuple[Any, ...]]:
    metadata: tuple[Any, ...] = ()
    while get_origin(hint) is Annotated:
        hint, *extra = get_args(hint)
        metadata = (*metadata, *extra)
    return hint, metadata


def _is_context_type(hint: Any) -> bool:
    origin = get_origin(hint) or hint
    return origin is RunContextWrapper or origin is ToolContext


def _field_for(param: inspect.Parameter, ann: Any, description: str | None) -> tuple[Any, Any]:
    """The (type, FieldInfo) pair `create_model` wants for one parameter."""
    if param.kind is param.VAR_POSITIONAL:
        # `*args: int` annotates each element; `*args: tuple[int, ...]` is accepted too.
        tuple_args = get_args(ann) if get_origin(ann) is tuple else None
        if tuple_args is None:
            item = ann
        elif len(tuple_args) == 2 and tuple_args[1] is Ellipsis:
            item = tuple_args[0]
        else:
            item = Any
        return list[item], Field(default_factory=list, description=description)
    if param.kind is param.VAR_KEYWORD:
        # `**kwargs: int` annotates each value; `**kwargs: dict[K, V]` is accepted too.
        dict_args = get_args(ann) if get_origin(ann) is dict else None
        if dict_args is None:
            mapping: Any = dict[str, ann]
        elif len(dict_args) == 2:
            mapping = dict[dict_args[0], dict_args[1]]
        else:
            mapping = dict[str, Any]
        return mapping, Field(default_factory=dict, description=description)
    if param.default is inspect.Parameter.empty:
        return ann, Field(..., description=description)
    if isinstance(param.default, FieldInfo):
        # `x: int = Field(3, ge=0)` keeps its constraints; the docstring's description wins.
        if description is None:
            return ann, param.default
        return Annotated[ann, param.default], Field(description=description)
    return ann, Field(default=param.default, description=description)


# --- Docstrings ------------------------------------------------------------------------------
# A small parser rather than a dependency: tools only need the summary and per-parameter text.
# Each parser takes the cleaned docstring's lines and returns (description, {param: text}).

_ParsedDoc = tuple[str, dict[str, str]]


def _detect_docstring_style(doc: str) -> DocstringStyle:
    """Guess by counting each style's telltale markers; ties go sphinx, numpy, then google."""
    markers: dict[DocstringStyle, tuple[str, ...]] = {
        "sphinx": (r"^:param\s", r"^:type\s", r"^:return:", r"^:rtype:"),
        "numpy": (r"^Parameters\s*\n\s*-{3,}", r"^Returns\s*\n\s*-{3,}", r"^Yields\s*\n\s*-{3,}"),
        "google": (r"^(Args|Arguments):", r"^Returns:", r"^Raises:"),
    }
    scores = {
        style: sum(bool(re.search(p, doc, re.MULTILINE)) for p in patterns)
        for style, patterns in markers.items()
    }
    best = max(scores.values())
    if best == 0:
        return "google"
    return next(style for style, score in scores.items() if score == best)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _join(lines: list[str]) -> str:
    return "\n".join(lines).strip()


def _param_name(raw: str) -> str:
    """`*args` and `**kwargs` are documented with their stars, but fields are named without."""
    return raw.strip().lstrip("*")


_GOOGLE_HEADER = re.compile(r"^[A-Za-z][\w \-]*:\s*$")
_GOOGLE_PARAM_TITLES = {"args", "arguments", "params", "parameters"}
# `name: text` or `name (type): text`
_GOOGLE_PARAM = re.compile(r"^(?P<name>\*{0,2}\w+)\s*(?:\(.*\))?\s*:(?P<text>.*)$")


def _parse_google(lines: list[str]) -> _ParsedDoc:
    headers = [i for i in range(len(lines)) if _is_google_header(lines, i)]
    description = _join(lines[: headers[0] if headers else len(lines)])
    params: dict[str, str] = {}
    for i in headers:
        if lines[i].strip()[:-1].strip().lower() not in _GOOGLE_PARAM_TITLES:
            continue
        for head, rest in _google_items(lines, i + 1):
            match = _GOOGLE_PARAM.match(head)
            if match:
                params[_param_name(match["name"])] = _join([match["text"], *rest])
    return description, params


def _is_google_header(lines: list[str], i: int) -> bool:
    """`Title:` opens a section only with a blank line above and an indented line below, so
    prose that happens to end in a colon stays part of the description."""
    return (
        _GOOGLE_HEADER.match(lines[i]) is not None
        and (i == 0 or not lines[i - 1].strip())
        and i + 1 < len(lines)
        and bool(lines[i + 1].strip())
        and _indent(lines[i + 1]) > 0
    )


def _google_items(lines: list[str], start: int) -> list[tuple[str, list[str]]]:
    """A section's items: a line at the section's indent starts one, deeper lines continue it.
    Each item is (first line, continuation lines)."""
    items: list[tuple[str, list[str]]] = []
    base = _indent(lines[start])
    for line in lines[start:]:
        if not line.strip():
            if items:
                items[-1][1].append("")
        elif _indent(line) < base:
            break
        elif _indent(line) == base:
            items.append((line.strip(), []))
        else:
            items[-1][1].append(line.strip())
    return items


_NUMPY_UNDERLINE = re.compile(r"^\s*-{3,}\s*$")


def _parse_numpy(lines: list[str]) -> _ParsedDoc:
    headers = [
        i
        for i in range(len(lines) - 1)
        if lines[i].strip() and _NUMPY_UNDERLINE.match(lines[i + 1])
    ]
    description = _join(lines[: headers[0] if headers else len(lines)])
    params: dict[str, str] = {}
    for n, i in enumerate(headers):
        if lines[i].strip().lower() != "parameters":
            continue
        end = headers[n + 1] if n + 1 < len(headers) else len(lines)
        entries: list[tuple[list[str], list[str]]] = []
        # An unindented `name : type` line (or `x, y : type`) starts an entry; indented lines
        # below it describe it.
        for line in lines[i + 2 : end]:
            if line.strip() and _indent(line) == 0:
                names = re.split(r"\s*:", line, maxsplit=1)[0].split(",")
                entries.append(([_param_name(name) for name in names], []))
            elif entries:
                entries[-1][1].append(line.strip())
        for names, text in entries:
            params.update(dict.fromkeys(names, _join(text)))
    return description, params


_SPHINX_PARAM = re.compile(
    r"^:(?:param|parameter|arg|argument|key|keyword)\s+(?P<spec>[^:]+):(?P<text>.*)$", re.DOTALL
)


def _parse_sphinx(lines: list[str]) -> _ParsedDoc:
    text: list[str] = []
    params: dict[str, str] = {}
    i = 0
    while i < len(lines):
        if not lines[i].startswith(":"):
            text.append(lines[i])
            i += 1
            continue
        # A field runs on over the following non-blank lines until the next field.
        field = [lines[i].strip()]
        i += 1
        while i < len(lines) and lines[i].strip() and not lines[i].startswith(":"):
            field.append(lines[i].strip())
            i += 1
        match = _SPHINX_PARAM.match(" ".join(field))
        if match:
            # `:param int x:` carries a type before the name; the name is always last.
            params[_param_name(match["spec"].split()[-1])] = match["text"].strip()
    return _join(text), params


_PARSERS: dict[DocstringStyle, Callable[[list[str]], _ParsedDoc]] = {
    "google": _parse_google,
    "numpy": _parse_numpy,
    "sphinx": _parse_sphinx,
}
