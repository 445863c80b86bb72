"""Chat completion bodies and their streamed form, framed as OpenAI frames them.

A stream is one ``data: <json>\\n\\n`` event per chunk, ends with ``data: [DONE]\\n\\n``, and
carries the same id, ``created`` and model in every chunk. Each choice gets a role chunk, one
chunk per word of content (or per fragment of tool-call arguments), then a chunk with an empty
delta and its ``finish_reason``; with ``stream_options.include_usage`` every chunk has
``"usage": null`` and a last chunk with ``"choices": []`` carries the usage.
"""

from __future__ import annotations

from typing import Any

from conformance.servers.model.chat_replies import Choice
from conformance.servers.model.determinism import dumps, fragments
from conformance.servers.model.settings import CREATED

__all__ = ["DONE", "chat_chunks", "chat_completion", "encode_events", "usage"]

DONE = b"data: [DONE]\n\n"


def usage(prompt: int, completion: int) -> dict[str, int]:
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def encode_events(chunks: list[dict[str, Any]]) -> list[bytes]:
    """Every chunk as one SSE event, then ``[DONE]``."""
    return [f"data: {dumps(chunk)}\n\n".encode() for chunk in chunks] + [DONE]


def _message(choice: Choice) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": choice.content}
    if choice.tool_calls:
        message["tool_calls"] = [
            {"id": call.id, "type": "function", "function": {"name": call.name, "arguments": call.arguments}}
            for call in choice.tool_calls
        ]
    return message


def chat_completion(completion_id: str, model: str, choices: list[Choice], prompt_words: int) -> dict[str, Any]:
    """The non-streaming ``chat.completion`` object."""
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": CREATED,
        "model": model,
        "choices": [
            {"index": c.index, "message": _message(c), "logprobs": None, "finish_reason": c.finish_reason}
            for c in choices
        ],
        "usage": usage(prompt_words, sum(c.words for c in choices)),
    }


def _deltas(choice: Choice) -> list[dict[str, Any]]:
    """The deltas of one choice, first one carrying the role, without the closing one."""
    if not choice.tool_calls:
        return [{"role": "assistant", "content": ""}] + [
            {"content": piece} for piece in fragments(choice.content or "")
        ]
    deltas: list[dict[str, Any]] = []
    for position, call in enumerate(choice.tool_calls):
        header = {
            "index": position,
            "id": call.id,
            "type": "function",
            "function": {"name": call.name, "arguments": ""},
        }
        deltas.append(
            {"role": "assistant", "content": None, "tool_calls": [header]} if not deltas else {"tool_calls": [header]}
        )
        deltas += [
            {"tool_calls": [{"index": position, "function": {"arguments": piece}}]}
            for piece in fragments(call.arguments)
        ]
    return deltas


def chat_chunks(
    completion_id: str, model: str, choices: list[Choice], prompt_words: int, include_usage: bool
) -> list[dict[str, Any]]:
    """The ``chat.completion.chunk`` objects of a stream, choice after choice."""

    def chunk(choice_list: list[dict[str, Any]]) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": CREATED,
            "model": model,
            "choices": choice_list,
        }
        if include_usage:
            body["usage"] = None
        return body

    chunks = []
    for choice in choices:
        for delta in _deltas(choice):
            chunks.append(chunk([{"index": choice.index, "delta": delta, "logprobs": None, "finish_reason": None}]))
        closing = {"index": choice.index, "delta": {}, "logprobs": None, "finish_reason": choice.finish_reason}
        chunks.append(chunk([closing]))
    if include_usage:
        chunks.append({**chunk([]), "usage": usage(prompt_words, sum(c.words for c in choices))})
    return chunks
