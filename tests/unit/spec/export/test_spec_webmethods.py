"""The webmethod walker on small protocol classes written here (not the upstream package)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Literal, Protocol

import pytest
from pydantic import BaseModel, Field

from conformance.spec.export._in_env.webmethods import Note, WalkOptions, WalkResult, parse_docstring, walk

# --------------------------------------------------------------------------- the metadata shape upstream uses


@dataclass
class WebMethod:
    route: str
    method: str
    level: str | None = "v1"
    deprecated: bool = False


def webmethod(route: str, method: str, level: str | None = "v1", deprecated: bool = False) -> Any:
    def wrap(func: Any) -> Any:
        func.__webmethods__ = [*getattr(func, "__webmethods__", []), WebMethod(route, method, level, deprecated)]
        return func

    return wrap


class Body:  # named like FastAPI's parameter markers: the walker recognises them by class name
    def __init__(self, embed: bool | None = None) -> None:
        self.embed = embed


class Form(Body):
    pass


class File(Form):
    pass


class UploadFile:
    pass


class NotGiven:
    pass


NOT_GIVEN = NotGiven()


class ExtraBody:  # llama-stack's ExtraBodyField: metadata FastAPI does not know
    def __init__(self, description: str) -> None:
        self.description = description


class Response:  # a framework response object, not a model
    pass


# --------------------------------------------------------------------------- models


class Order(StrEnum):
    asc = "asc"
    desc = "desc"


class Item(BaseModel):
    id: str
    name: str


class TextEvent(BaseModel):
    type: Literal["text"] = "text"
    text: str


class DoneEvent(BaseModel):
    type: Literal["done"] = "done"


Event = Annotated[TextEvent | DoneEvent, Field(discriminator="type")]


class CreateParams(BaseModel):
    name: str
    stream: bool = False


class Items(Protocol):
    @webmethod(route="/items/{item_id}", method="GET")
    async def get_item(self, item_id: str, verbose: bool = False, order: Order | None = None) -> Item:
        """Get an item.

        Longer text about getting
        an item.

        :param item_id: The item's id.
        :param verbose: Say more.
        :returns: The item.
        """
        ...

    @webmethod(route="/items/{item_id}", method="POST")
    async def update_item(self, item_id: str, name: str, tags: list[str] | None = None) -> Item:
        """Update an item.

        :param name: The new name.
        """
        ...

    @webmethod(route="/items", method="POST")
    async def create_item(self, params: Annotated[CreateParams, Body()]) -> Item | AsyncIterator[Event]: ...

    @webmethod(route="/items/{item_id}", method="DELETE")
    async def delete_item(self, item_id: str) -> None: ...

    @webmethod(route="/items/{item_id}/touch", method="POST")
    async def touch_item(self, item_id: str) -> None: ...

    @webmethod(route="/items/{item_id}/events", method="GET")
    async def item_events(self, item_id: str, ids: list[str] | None = None) -> AsyncIterator[TextEvent]: ...

    @webmethod(route="/files", method="POST")
    async def upload(
        self,
        file: Annotated[UploadFile, File()],
        purpose: Annotated[str, Form()],
        note: Annotated[str | None, Form()] = None,
    ) -> Item: ...

    @webmethod(route="/files/{file_id}/content", method="GET")
    async def content(self, file_id: str) -> Response: ...

    @webmethod(route="/items/{item_id}/rename", method="PUT")
    async def rename(self, item_id: str, name: str) -> Item: ...

    @webmethod(route="/models/{model_id:path}", method="GET")
    async def get_model(self, model_id: str) -> Item: ...

    @webmethod(route="/pages", method="GET")
    async def pages(self, after: str | NotGiven = NOT_GIVEN, limit: int | NotGiven = NOT_GIVEN) -> list[Item]: ...


class Agents(Protocol):
    @webmethod(route="/agents", method="POST", level="v1alpha")
    @webmethod(route="/agents", method="POST", level="v1", deprecated=True)
    async def create_agent(
        self,
        name: str,
        instructions: Annotated[str, Field(min_length=1)] = "Be brief.",
        labels: Annotated[list[str] | None, ExtraBody("labels")] = None,
    ) -> Item:
        """Create an agent."""
        ...

    @webmethod(route="/agents/{agent_id}", method="GET", level="v1beta")
    async def get_agent(self, agent_id: str) -> Item: ...

    @webmethod(route="/agents/{agent_id}/turn", method="POST", level="v1alpha")
    async def create_turn(self, agent_id: str, stream: bool = False) -> Item:
        """Streams when asked although the annotation does not say so."""
        ...


def _walk(**options: Any) -> WalkResult:
    opts = WalkOptions(title="Test", version="0.0.1", **options)
    return walk({"items": [Items], "agents": [Agents]}, opts)


@pytest.fixture(scope="module")
def result() -> WalkResult:
    return _walk(
        served_methods=frozenset({"GET", "POST", "DELETE"}),
        named_types=[(Event, "ItemEvent")],
        stream_overrides={"create_turn": TextEvent},
        tags={"items": "Items"},
    )


def op(result: WalkResult, method: str, path: str) -> dict[str, Any]:
    return result.spec["paths"][path][method]


def params(operation: dict[str, Any]) -> dict[str, tuple[str, bool]]:
    return {p["name"]: (p["in"], p["required"]) for p in operation.get("parameters", [])}


def body_schema(result: WalkResult, operation: dict[str, Any], media: str = "application/json") -> dict[str, Any]:
    schema = operation["requestBody"]["content"][media]["schema"]
    name = schema["$ref"].rsplit("/", 1)[-1]
    component: dict[str, Any] = result.spec["components"]["schemas"][name]
    return component


# --------------------------------------------------------------------------- parameters and bodies


def test_path_and_scalar_parameters_of_a_get_are_path_and_query(result: WalkResult) -> None:
    get = op(result, "get", "/v1/items/{item_id}")
    assert params(get) == {"item_id": ("path", True), "verbose": ("query", False), "order": ("query", False)}
    verbose = next(p for p in get["parameters"] if p["name"] == "verbose")
    assert verbose["schema"] == {"type": "boolean", "default": False}
    assert verbose["description"] == "Say more."
    assert "requestBody" not in get


def test_a_post_embeds_every_non_path_parameter_in_a_json_body(result: WalkResult) -> None:
    post = op(result, "post", "/v1/items/{item_id}")
    assert params(post) == {"item_id": ("path", True)}
    assert post["requestBody"]["required"] is True
    body = body_schema(result, post)
    assert body["title"] == "UpdateItemRequest"
    assert body["required"] == ["name"]
    assert set(body["properties"]) == {"name", "tags"}
    assert body["properties"]["name"]["description"] == "The new name."


def test_a_single_body_marker_is_the_body_itself_not_embedded(result: WalkResult) -> None:
    schema = op(result, "post", "/v1/items")["requestBody"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/CreateParams"}


def test_a_sequence_on_a_get_is_read_from_the_body_as_fastapi_does(result: WalkResult) -> None:
    events = op(result, "get", "/v1/items/{item_id}/events")
    assert params(events) == {"item_id": ("path", True)}
    schema = events["requestBody"]["content"]["application/json"]["schema"]
    assert schema["anyOf"][0] == {"type": "array", "items": {"type": "string"}}
    assert events["requestBody"]["required"] is False


def test_file_and_form_markers_make_a_multipart_body(result: WalkResult) -> None:
    upload = op(result, "post", "/v1/files")
    assert list(upload["requestBody"]["content"]) == ["multipart/form-data"]
    body = body_schema(result, upload, "multipart/form-data")
    assert body["properties"]["file"] == {"type": "string", "contentMediaType": "application/octet-stream"}
    assert body["required"] == ["file", "purpose"]


def test_annotated_post_parameters_keep_fastapi_inference_scalars_in_the_query(result: WalkResult) -> None:
    """The server leaves ``Annotated`` parameters alone, so FastAPI infers them (checked against FastAPI)."""
    create = op(result, "post", "/v1alpha/agents")
    assert params(create) == {"instructions": ("query", False)}
    assert create["parameters"][0]["schema"] == {"type": "string", "minLength": 1, "default": "Be brief."}
    body = body_schema(result, create)
    assert set(body["properties"]) == {"name", "labels"}
    assert body["required"] == ["name"]


def test_openai_not_given_is_dropped_from_parameter_types_and_noted(result: WalkResult) -> None:
    pages = op(result, "get", "/v1/pages")
    assert params(pages) == {"after": ("query", False), "limit": ("query", False)}
    assert pages["parameters"][0]["schema"] == {"type": "string"}
    assert any(n.what.startswith("pages(after, limit)") for n in result.notes)


def test_parameter_location_overrides_are_applied_and_noted() -> None:
    walked = _walk(parameter_locations={"item_events.ids": ("Query", "the implementation reads the query")})
    events = walked.spec["paths"]["/v1/items/{item_id}/events"]["get"]
    assert params(events) == {"item_id": ("path", True), "ids": ("query", False)}
    assert Note("item_events(ids) is read from query", "the implementation reads the query") in walked.notes


# --------------------------------------------------------------------------- responses and streams


def test_return_annotation_becomes_the_json_200_schema(result: WalkResult) -> None:
    get = op(result, "get", "/v1/items/{item_id}")
    assert get["responses"]["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Item"}
    assert get["responses"]["200"]["description"] == "The item."
    assert result.spec["components"]["schemas"]["Item"]["required"] == ["id", "name"]


def test_a_union_with_an_async_iterator_declares_json_and_an_event_stream(result: WalkResult) -> None:
    content = op(result, "post", "/v1/items")["responses"]["200"]["content"]
    assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/Item"}
    assert content["text/event-stream"]["schema"] == {"$ref": "#/components/schemas/ItemEvent"}
    union = result.spec["components"]["schemas"]["ItemEvent"]
    assert union["discriminator"]["propertyName"] == "type"
    assert union["discriminator"]["mapping"] == {
        "done": "#/components/schemas/DoneEvent",
        "text": "#/components/schemas/TextEvent",
    }
    assert {"$ref": "#/components/schemas/TextEvent"} in union["oneOf"]


def test_an_async_iterator_alone_is_only_an_event_stream(result: WalkResult) -> None:
    content = op(result, "get", "/v1/items/{item_id}/events")["responses"]["200"]["content"]
    assert list(content) == ["text/event-stream"]


def test_stream_overrides_add_a_stream_the_annotation_does_not_declare(result: WalkResult) -> None:
    content = op(result, "post", "/v1alpha/agents/{agent_id}/turn")["responses"]["200"]["content"]
    assert content["text/event-stream"]["schema"] == {"$ref": "#/components/schemas/TextEvent"}
    assert any(n.what.startswith("create_turn: text/event-stream of TextEvent") for n in result.notes)


def test_delete_returning_none_is_204_and_post_returning_none_is_json_null(result: WalkResult) -> None:
    assert list(op(result, "delete", "/v1/items/{item_id}")["responses"]) == ["204"]
    touch = op(result, "post", "/v1/items/{item_id}/touch")["responses"]["200"]
    assert touch["content"] == {"application/json": {"schema": {"type": "null"}}}


def test_a_raw_response_return_is_binary(result: WalkResult) -> None:
    content = op(result, "get", "/v1/files/{file_id}/content")["responses"]["200"]["content"]
    assert content == {
        "application/octet-stream": {"schema": {"type": "string", "contentMediaType": "application/octet-stream"}}
    }


# --------------------------------------------------------------------------- routes, levels, deprecation


def test_levels_prefix_the_routes_and_path_converters_are_dropped(result: WalkResult) -> None:
    paths = set(result.spec["paths"])
    assert {"/v1alpha/agents", "/v1/agents", "/v1beta/agents/{agent_id}", "/v1/models/{model_id}"} <= paths
    assert not any(":path" in p for p in paths)


def test_deprecated_alias_routes_are_marked_and_get_their_own_operation_id(result: WalkResult) -> None:
    current, alias = op(result, "post", "/v1alpha/agents"), op(result, "post", "/v1/agents")
    assert "deprecated" not in current
    assert alias["deprecated"] is True
    assert (current["operationId"], alias["operationId"]) == ("create_agent", "create_agent_deprecated")
    assert alias["requestBody"] == current["requestBody"]


def test_methods_the_server_does_not_route_are_described_as_the_fallback_and_noted(result: WalkResult) -> None:
    assert set(result.spec["paths"]["/v1/items/{item_id}/rename"]) == {"post"}
    assert (
        Note(
            "PUT /v1/items/{item_id}/rename is described as POST",
            "the server routes every method but DELETE, GET, POST as POST (the webmethod says PUT)",
        )
        in result.notes
    )


def test_operations_are_grouped_by_api_and_tagged(result: WalkResult) -> None:
    assert ("POST", "/v1/agents") in result.operations_by_api["agents"]
    assert len(result.operations_by_api["items"]) == 11
    assert op(result, "get", "/v1/items/{item_id}")["tags"] == ["Items"]
    assert op(result, "get", "/v1beta/agents/{agent_id}")["tags"] == ["agents"]


def test_summary_and_description_come_from_the_docstring(result: WalkResult) -> None:
    get = op(result, "get", "/v1/items/{item_id}")
    assert get["summary"] == "Get an item."
    assert get["description"] == "Longer text about getting\nan item."


def test_walking_twice_gives_the_same_document() -> None:
    assert _walk().spec == _walk().spec


def test_two_methods_on_one_route_are_an_error() -> None:
    class Clash(Protocol):
        @webmethod(route="/x", method="GET")
        async def a(self) -> Item: ...

        @webmethod(route="/x", method="GET")
        async def b(self) -> Item: ...

    with pytest.raises(ValueError, match="two methods declare GET /v1/x"):
        walk({"clash": [Clash]}, WalkOptions(title="t", version="0"))


# --------------------------------------------------------------------------- docstrings


def test_parse_docstring_reads_summary_description_params_and_returns() -> None:
    doc = """Do a thing.

    More about it.

    :param first: The first
        and only.
    :param second: Two.
    :returns: Something
        good.
    :raises ValueError: never.
    """
    assert parse_docstring(doc) == (
        "Do a thing.",
        "More about it.",
        {"first": "The first and only.", "second": "Two."},
        "Something good.",
    )
    assert parse_docstring(None) == ("", "", {}, "")
