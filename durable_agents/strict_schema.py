"""Rewrite JSON schemas into the subset OpenAI's strict mode accepts.

Strict mode lets the API guarantee that tool arguments and structured outputs parse, but only
for schemas where every object is closed and every property is listed as required.
"""

from __future__ import annotations

import copy
from typing import Any

from .exceptions import UserError

_MISSING = object()


def ensure_strict_json_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A strict copy of `schema`; the argument is left untouched so callers may reuse it."""
    if schema == {}:
        # A parameterless function has no schema at all; strict mode still wants a closed object.
        return {"additionalProperties": False, "type": "object", "properties": {}, "required": []}
    root = copy.deepcopy(schema)
    return _make_strict(root, path=(), root=root)


def _make_strict(node: Any, *, path: tuple[str, ...], root: dict[str, Any]) -> dict[str, Any]:
    """Rewrites `node` in place. `root` is the whole (copied) schema, for resolving `$ref`s."""
    if not isinstance(node, dict):
        raise TypeError(f"Expected a JSON schema dictionary at {_where(path)}, got {node!r}")

    for defs_key in ("$defs", "definitions"):
        defs = node.get(defs_key)
        if isinstance(defs, dict):
            for def_name, def_schema in defs.items():
                _make_strict(def_schema, path=(*path, defs_key, def_name), root=root)

    if node.get("type") == "object":
        if "additionalProperties" not in node:
            node["additionalProperties"] = False
        elif node["additionalProperties"]:
            raise UserError(
                f"A strict JSON schema cannot allow additionalProperties (at {_where(path)}): "
                "open objects such as dict[str, X] or models with extra='allow' cannot be strict."
            )

    properties = node.get("properties")
    if isinstance(properties, dict):
        # Strict mode has no optional keys: optionality is expressed as a nullable type instead.
        node["required"] = list(properties)
        node["properties"] = {
            key: _make_strict(prop, path=(*path, "properties", key), root=root)
            for key, prop in properties.items()
        }

    items = node.get("items")
    if isinstance(items, dict):
        node["items"] = _make_strict(items, path=(*path, "items"), root=root)

    any_of = node.get("anyOf")
    if isinstance(any_of, list):
        node["anyOf"] = [
            _make_strict(variant, path=(*path, "anyOf", str(i)), root=root)
            for i, variant in enumerate(any_of)
        ]

    one_of = node.pop("oneOf", None)
    if isinstance(one_of, list):
        # The API rejects nested oneOf; anyOf accepts the same (discriminated) unions.
        existing = node.get("anyOf")
        node["anyOf"] = (existing if isinstance(existing, list) else []) + [
            _make_strict(variant, path=(*path, "oneOf", str(i)), root=root)
            for i, variant in enumerate(one_of)
        ]

    all_of = node.get("allOf")
    if isinstance(all_of, list):
        if len(all_of) == 1:
            # Pydantic emits a lone allOf to attach siblings to a $ref; flattening keeps it simple.
            node.update(_make_strict(all_of[0], path=(*path, "allOf", "0"), root=root))
            node.pop("allOf")
        else:
            node["allOf"] = [
                _make_strict(entry, path=(*path, "allOf", str(i)), root=root)
                for i, entry in enumerate(all_of)
            ]

    # A None default adds nothing: the type is already nullable and strict mode sends every key.
    if node.get("default", _MISSING) is None:
        node.pop("default")

    ref = node.get("$ref")
    if ref and len(node) > 1:
        # Strict mode ignores keys next to a $ref, so inline the target with the siblings on top.
        if not isinstance(ref, str):
            raise TypeError(f"Expected a string $ref at {_where(path)}, got {ref!r}")
        resolved = _resolve_ref(root, ref)
        node.update({**copy.deepcopy(resolved), **node})
        node.pop("$ref")
        # The inlined target may itself need fixing (e.g. it is an object from outside $defs).
        return _make_strict(node, path=path, root=root)

    return node


def _resolve_ref(root: dict[str, Any], ref: str) -> dict[str, Any]:
    if not ref.startswith("#/"):
        raise ValueError(f"Only local $refs (starting with '#/') are supported, got {ref!r}")
    resolved: Any = root
    for key in ref[2:].split("/"):
        resolved = resolved[key]
        if not isinstance(resolved, dict):
            raise ValueError(f"$ref {ref!r} does not point to a schema object")
    return resolved


def _where(path: tuple[str, ...]) -> str:
    return "/".join(path) or "<root>"
