"""The reference's default handoff history: the transcript so far, collapsed into one assistant
message for the next agent. Pure functions over plain data, so the workflow can apply them
without an activity."""

from __future__ import annotations

import json
from typing import Any

from .items import RunItem
from .models import TResponseInputItem

HISTORY_START = "<CONVERSATION HISTORY>"
HISTORY_END = "</CONVERSATION HISTORY>"
_SUMMARIZED_TYPES = ("function_call", "function_call_output")

# The reference's runner holds model output items as openai models, and its `to_input_item()`
# dumps them (`exclude_unset`) with their keys in field order, extra keys last; so its summary
# lists their keys in that order. These are those models' field orders (openai 2.9.0), by the
# `type` of the item or part, kept here so the summary does not change with openai's version.
_FIELD_ORDER: dict[str, tuple[str, ...]] = {
    "message": ("id", "content", "role", "status", "type"),
    "function_call": ("arguments", "call_id", "name", "type", "id", "status"),
    "reasoning": ("id", "summary", "type", "content", "encrypted_content", "status"),
    "output_text": ("annotations", "text", "type", "logprobs"),
    "refusal": ("refusal", "type"),
    "summary_text": ("text", "type"),
    "reasoning_text": ("text", "type"),
    "file_citation": ("file_id", "filename", "index", "type"),
    "url_citation": ("end_index", "start_index", "title", "type", "url"),
    "container_file_citation": (
        "container_id",
        "end_index",
        "file_id",
        "filename",
        "start_index",
        "type",
    ),
    "file_path": ("file_id", "index", "type"),
}
_TYPED_LISTS = {
    "message": ("content",),
    "output_text": ("annotations",),
    "reasoning": ("summary", "content"),
}
_LOGPROB = ("token", "bytes", "logprob", "top_logprobs")
_TOP_LOGPROB = ("token", "bytes", "logprob")
_MODEL_ITEMS = ("message_output_item", "tool_call_item", "handoff_call_item", "reasoning_item")
"""Run items the reference holds as openai models (the others it holds as dicts)."""


def _ordered(value: Any, order: tuple[str, ...]) -> Any:
    if not isinstance(value, dict):
        return value
    return {
        **{k: value[k] for k in order if k in value},
        **{k: v for k, v in value.items() if k not in order},
    }


def _in_field_order(value: Any) -> Any:
    """An item or content part as its openai model would dump it: keys in field order."""
    kind = value.get("type") if isinstance(value, dict) else None
    if not isinstance(kind, str) or kind not in _FIELD_ORDER:
        return value
    out = _ordered(value, _FIELD_ORDER[kind])
    for key in _TYPED_LISTS.get(kind, ()):
        if isinstance(out.get(key), list):
            out[key] = [_in_field_order(v) for v in out[key]]
    if kind == "output_text" and isinstance(out.get("logprobs"), list):
        out["logprobs"] = [_ordered(v, _LOGPROB) for v in out["logprobs"]]
        for logprob in out["logprobs"]:
            if isinstance(logprob, dict) and isinstance(logprob.get("top_logprobs"), list):
                logprob["top_logprobs"] = [
                    _ordered(v, _TOP_LOGPROB) for v in logprob["top_logprobs"]
                ]
    return out


def _as_reference_input(run_item: RunItem, field_order: bool) -> TResponseInputItem:
    plain = run_item.to_input_item()
    return _in_field_order(plain) if field_order and run_item.type in _MODEL_ITEMS else plain


def _describe(item: TResponseInputItem) -> str:
    role = item.get("role")
    if isinstance(role, str):
        name = item.get("name")
        prefix = f"{role} ({name})" if isinstance(name, str) and name else role
        content = item.get("content")
        if content is None:
            text = ""
        elif isinstance(content, str):
            text = content
        else:
            text = json.dumps(content, ensure_ascii=False, default=str)
        return f"{prefix}: {text}" if text else prefix
    kind = item.get("type", "item")
    rest = {k: v for k, v in item.items() if k not in ("type", "provider_data")}
    return f"{kind}: {json.dumps(rest, ensure_ascii=False, default=str)}"


def _unnest(item: TResponseInputItem, field_order: bool) -> list[TResponseInputItem] | None:
    """Earlier summaries are expanded again so repeated handoffs do not nest summaries."""
    content = item.get("content")
    if not isinstance(content, str):
        return None
    start, end = content.find(HISTORY_START), content.find(HISTORY_END)
    if start == -1 or end <= start:
        return None
    items: list[TResponseInputItem] = []
    for raw in content[start + len(HISTORY_START) : end].splitlines():
        line = raw.strip()
        number, dot, rest = line.partition(".")
        if dot and number.isdigit():
            line = rest.strip()
        role_text, sep, text = line.partition(":")
        role_text = role_text.strip()
        if not sep or not role_text:
            continue
        entry: dict[str, Any] = {}
        open_at = role_text.rfind("(") if role_text.endswith(")") else -1
        name = role_text[open_at + 1 : -1].strip() if open_at != -1 else ""
        if open_at != -1 and (name or not field_order):
            entry["role"] = role_text[:open_at].strip() or "developer"
            entry["name"] = name
        else:  # the reference keeps "user ()" whole: only a name makes a "(name)"
            entry["role"] = role_text
        if text.strip():
            entry["content"] = text.strip()
        items.append(entry)
    return items


def summary_message(transcript: list[TResponseInputItem]) -> TResponseInputItem:
    lines = [f"{i + 1}. {_describe(item)}" for i, item in enumerate(transcript)] or [
        "(no previous turns recorded)"
    ]
    text = "\n".join(
        [
            "For context, here is the conversation so far between the user and the previous agent:",
            HISTORY_START,
            *lines,
            HISTORY_END,
        ]
    )
    return {"role": "assistant", "content": text}


def nest_handoff_history(
    input_history: str | list[TResponseInputItem],
    pre_handoff_items: list[RunItem],
    new_items: list[RunItem],
    *,
    field_order: bool = True,
) -> tuple[list[TResponseInputItem], list[RunItem], list[RunItem]]:
    """Returns (new input history, pre-handoff items kept, new items the next agent sees).

    `field_order=False` is the text before it matched the reference's byte for byte (run
    items' keys as they came, and "user ()" read as a role with an empty name), for runs
    recorded before."""
    history = (
        [{"role": "user", "content": input_history}]
        if isinstance(input_history, str)
        else list(input_history)
    )
    transcript: list[TResponseInputItem] = []
    for item in history:
        transcript.extend(_unnest(item, field_order) or [item])
    kept_pre: list[RunItem] = []
    for run_item in pre_handoff_items:
        plain = _as_reference_input(run_item, field_order)
        transcript.append(plain)
        if plain.get("role") != "assistant" and plain.get("type") not in _SUMMARIZED_TYPES:
            kept_pre.append(run_item)
    forwarded: list[RunItem] = []
    for run_item in new_items:
        plain = _as_reference_input(run_item, field_order)
        transcript.append(plain)
        if plain.get("role") or plain.get("type") not in _SUMMARIZED_TYPES:
            forwarded.append(run_item)
    return [summary_message(transcript)], kept_pre, forwarded
