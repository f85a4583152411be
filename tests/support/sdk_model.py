"""A model written to the reference's `Model` interface, as an SDK program (or the SDK's own
`tests/fake_model.py`) writes one: the reference's arguments, openai's pydantic output items and
stream event objects. Its replies are scripted in order; every call's arguments are kept."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from openai.types.responses import (
    Response,
    ResponseCompletedEvent,
    ResponseCreatedEvent,
    ResponseFunctionToolCall,
    ResponseOutputItemAddedEvent,
    ResponseOutputItemDoneEvent,
    ResponseOutputMessage,
    ResponseOutputText,
    ResponseTextDeltaEvent,
)

from durable_agents import Model
from durable_agents.agent_output import AgentOutputSchemaBase
from durable_agents.handoffs import Handoff
from durable_agents.items import ModelResponse, TResponseInputItem, TResponseOutputItem
from durable_agents.model_settings import ModelSettings
from durable_agents.models.interface import ModelTracing
from durable_agents.tool import Tool
from durable_agents.usage import Usage


def text_message(text: str, id: str = "msg_1") -> ResponseOutputMessage:
    return ResponseOutputMessage(
        id=id,
        type="message",
        role="assistant",
        status="completed",
        content=[ResponseOutputText(type="output_text", text=text, annotations=[])],
    )


def tool_call(name: str, arguments: str, call_id: str) -> ResponseFunctionToolCall:
    return ResponseFunctionToolCall(
        id=f"fc_{call_id}", type="function_call", name=name, arguments=arguments, call_id=call_id
    )


class SdkFakeModel(Model):
    def __init__(self, outputs: list[list[TResponseOutputItem]]) -> None:
        self.outputs = list(outputs)
        self.calls: list[dict[str, Any]] = []

    def _next(self, **arguments: Any) -> list[Any]:
        self.calls.append(arguments)
        return self.outputs.pop(0) if self.outputs else []

    async def get_response(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None,
        handoffs: list[Handoff],
        tracing: ModelTracing,
        *,
        previous_response_id: str | None,
        conversation_id: str | None,
        prompt: Any | None,
    ) -> ModelResponse:
        output = self._next(
            system_instructions=system_instructions,
            input=input,
            model_settings=model_settings,
            tools=tools,
            output_schema=output_schema,
            handoffs=handoffs,
            tracing=tracing,
            previous_response_id=previous_response_id,
            conversation_id=conversation_id,
            prompt=prompt,
        )
        return ModelResponse(
            output=output,
            usage=Usage(requests=1, input_tokens=3, output_tokens=2, total_tokens=5),
            response_id="resp-789",
        )

    async def stream_response(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None,
        handoffs: list[Handoff],
        tracing: ModelTracing,
        *,
        previous_response_id: str | None = None,
        conversation_id: str | None = None,
        prompt: Any | None = None,
    ) -> AsyncIterator[Any]:
        output = self._next(
            system_instructions=system_instructions,
            input=input,
            tools=tools,
            handoffs=handoffs,
            output_schema=output_schema,
            streamed=True,
        )
        response = Response(
            id="resp-789",
            created_at=123,
            model="test_model",
            object="response",
            output=output,
            tool_choice="none",
            tools=[],
            top_p=None,
            parallel_tool_calls=False,
        )
        sequence = 0
        yield ResponseCreatedEvent(type="response.created", response=response, sequence_number=0)
        for index, item in enumerate(output):
            sequence += 1
            yield ResponseOutputItemAddedEvent(
                type="response.output_item.added",
                item=item,
                output_index=index,
                sequence_number=sequence,
            )
            if isinstance(item, ResponseOutputMessage):
                for word in item.content[0].text.split(" "):
                    sequence += 1
                    yield ResponseTextDeltaEvent(
                        type="response.output_text.delta",
                        item_id=item.id,
                        output_index=index,
                        content_index=0,
                        delta=word,
                        logprobs=[],
                        sequence_number=sequence,
                    )
            sequence += 1
            yield ResponseOutputItemDoneEvent(
                type="response.output_item.done",
                item=item,
                output_index=index,
                sequence_number=sequence,
            )
        yield ResponseCompletedEvent(
            type="response.completed", response=response, sequence_number=sequence + 1
        )
