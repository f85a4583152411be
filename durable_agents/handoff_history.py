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


def _unnest(item: TResponseInputItem) -> list[TResponseInputItem] | None:
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
        if role_text.endswith(")") and "(" in role_text:
            open_at = role_text.rfind("(")
            entry["role"] = role_text[:open_at].strip() or "developer"
            entry["name"] = role_text[open_at + 1 : -1].strip()
        else:
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
) -> tuple[list[TResponseInputItem], list[RunItem], list[RunItem]]:
    """Returns (new input history, pre-handoff items kept, new items the next agent sees)."""
    history = (
        [{"role": "user", "content": input_history}]
        if isinstance(input_history, str)
        else list(input_history)
    )
    transcript: list[TResponseInputItem] = []
    for item in history:
        transcript.extend(_unnest(item) or [item])
    kept_pre: list[RunItem] = []
    for run_item in pre_handoff_items:
        plain = run_item.to_input_item()
        transcript.append(plain)
        if plain.get("role") != "assistant" and plain.get("type") not in _SUMMARIZED_TYPES:
            kept_pre.append(run_item)
    forwarded: list[RunItem] = []
    for run_item in new_items:
        plain = run_item.to_input_item()
        transcript.append(plain)
        if plain.get("role") or plain.get("type") not in _SUMMARIZED_TYPES:
            forwarded.append(run_item)
    return [summary_message(transcript)], kept_pre, forwarded
