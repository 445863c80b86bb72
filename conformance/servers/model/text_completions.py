"""``POST /v1/completions`` (legacy text completions): validation, answer and stream chunks.

Each prompt ``p`` gets ``n`` choices with ``index = p * n + i``; the text is
``"Deterministic completion of: <prompt words>"`` (``"... of N tokens"`` for token prompts),
prefixed by the prompt and a space when ``echo`` is true, then cut by ``stop`` and ``max_tokens``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from conformance.servers.model.api_errors import ApiError
from conformance.servers.model.chat_replies import variant_suffix
from conformance.servers.model.chat_request import MAX_N, parse_stop
from conformance.servers.model.determinism import apply_stop, count_words, fragments, subject, truncate_words
from conformance.servers.model.request_fields import Fields
from conformance.servers.model.settings import CREATED
from conformance.servers.model.sse_frames import usage

__all__ = ["CompletionRequest", "completion_body", "completion_chunks", "parse_completion_request", "parse_inputs"]


@dataclass(frozen=True, slots=True)
class Prompt:
    text: str
    tokens: int
    """"Token" count: words of a text prompt, length of a token-array prompt."""
    is_tokens: bool


@dataclass(frozen=True, slots=True)
class CompletionRequest:
    model: str
    prompts: tuple[Prompt, ...]
    n: int
    max_tokens: int | None
    stop: tuple[str, ...]
    echo: bool
    stream: bool
    include_usage: bool


def _is_tokens(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(t, int) and not isinstance(t, bool) for t in value)


def parse_inputs(fields: Fields, key: str) -> tuple[Prompt, ...]:
    """A string, an array of strings, a token array or an array of token arrays (shared with embeddings)."""
    value = fields.raw(key)
    if value is None:
        raise ApiError(f"Missing required parameter: '{key}'.", param=key, code="missing_required_parameter")
    if isinstance(value, str):
        return (Prompt(value, count_words(value), False),)
    if isinstance(value, list) and value:
        if all(isinstance(item, str) for item in value):
            return tuple(Prompt(item, count_words(item), False) for item in value)
        if _is_tokens(value):
            return (Prompt(",".join(map(str, value)), len(value), True),)
        if all(_is_tokens(item) and item for item in value):
            return tuple(Prompt(",".join(map(str, item)), len(item), True) for item in value)
    if isinstance(value, list) and not value:
        raise ApiError(
            f"Invalid '{key}': empty array. Expected an array with minimum length 1.", param=key, code="empty_array"
        )
    raise fields.invalid(key, "a string, an array of strings, an array of integers or an array of integer arrays")


def parse_completion_request(fields: Fields) -> CompletionRequest:
    model = fields.required_text("model")
    prompts = parse_inputs(fields, "prompt")
    n = fields.integer("n", minimum=1, maximum=MAX_N) or 1
    max_tokens = fields.integer("max_tokens", minimum=0) or None  # 0 means no limit, as for chat
    options = fields.obj("stream_options")
    fields.integer("best_of", minimum=1)
    fields.integer("logprobs", minimum=0)
    fields.text("suffix")
    for name in ("temperature", "top_p", "frequency_penalty", "presence_penalty"):
        fields.number(name)
    return CompletionRequest(
        model=model,
        prompts=prompts,
        n=n,
        max_tokens=max_tokens,
        stop=parse_stop(fields),
        echo=bool(fields.boolean("echo")),
        stream=bool(fields.boolean("stream")),
        include_usage=bool(options and options.boolean("include_usage")),
    )


@dataclass(frozen=True, slots=True)
class TextChoice:
    index: int
    text: str
    finish_reason: str


def _choices(request: CompletionRequest) -> list[TextChoice]:
    choices = []
    for number, prompt in enumerate(request.prompts):
        topic = subject(prompt.text)
        if prompt.is_tokens:
            reply = f"Deterministic completion of {prompt.tokens} tokens"
        else:
            reply = f"Deterministic completion of: {topic}" if topic else "Deterministic completion."
        for variant in range(request.n):
            text = reply + variant_suffix(variant)
            if request.echo and not prompt.is_tokens:
                text = f"{prompt.text} {text}"
            text = apply_stop(text, request.stop)
            finish = "stop"
            if request.max_tokens is not None:
                text, cut = truncate_words(text, request.max_tokens)
                finish = "length" if cut else "stop"
            choices.append(TextChoice(number * request.n + variant, text, finish))
    return choices


def _usage(request: CompletionRequest, choices: list[TextChoice]) -> dict[str, int]:
    return usage(sum(p.tokens for p in request.prompts), sum(count_words(c.text) for c in choices))


def completion_body(request: CompletionRequest, completion_id: str) -> dict[str, Any]:
    choices = _choices(request)
    return {
        "id": completion_id,
        "object": "text_completion",
        "created": CREATED,
        "model": request.model,
        "choices": [
            {"text": c.text, "index": c.index, "logprobs": None, "finish_reason": c.finish_reason} for c in choices
        ],
        "usage": _usage(request, choices),
    }


def completion_chunks(request: CompletionRequest, completion_id: str) -> list[dict[str, Any]]:
    """One chunk per word of each choice, then a closing chunk with its ``finish_reason`` (and usage)."""
    choices = _choices(request)

    def chunk(index: int, text: str, finish: str | None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": completion_id,
            "object": "text_completion",
            "created": CREATED,
            "model": request.model,
            "choices": [{"text": text, "index": index, "logprobs": None, "finish_reason": finish}],
        }
        if request.include_usage:
            body["usage"] = None
        return body

    chunks = []
    for choice in choices:
        chunks += [chunk(choice.index, piece, None) for piece in fragments(choice.text)]
        chunks.append(chunk(choice.index, "", choice.finish_reason))
    if request.include_usage:
        chunks.append({**chunk(0, "", None), "choices": [], "usage": _usage(request, choices)})
    return chunks
