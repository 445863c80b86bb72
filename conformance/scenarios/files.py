"""Files and vector stores: upload, list, retrieve, content, delete; a basic vector-store search."""

from __future__ import annotations

from conformance.scenarios.base import Scenario, ScenarioContext, scenario

__all__ = ["DOCUMENT", "SCENARIOS"]

SCENARIOS: list[Scenario] = []

DOCUMENT = (
    b"The conformance suite records scenario flows and replays them against other servers.\n"
    b"Teal is the favourite colour of the replay engine.\n"
)


def _upload(ctx: ScenarioContext, step: str) -> str:
    exchange = ctx.call(
        step,
        "POST",
        "/v1/files",
        files={"file": ("notes.txt", DOCUMENT, "text/plain")},
        data={"purpose": "assistants"},
    )
    return str(ctx.require(exchange, "id"))


@scenario(SCENARIOS, "files-lifecycle", "Upload a file, list, retrieve, read its content, delete", api="files")
def lifecycle(ctx: ScenarioContext) -> None:
    file_id = _upload(ctx, "upload")
    ctx.call("list", "GET", "/v1/files")
    ctx.call("retrieve", "GET", f"/v1/files/{file_id}")
    ctx.call("content", "GET", f"/v1/files/{file_id}/content")
    ctx.call("delete", "DELETE", f"/v1/files/{file_id}")
    ctx.call("retrieve-deleted", "GET", f"/v1/files/{file_id}")


@scenario(
    SCENARIOS,
    "vector-stores-basic",
    "Create a vector store with a file, search it, delete both",
    api="vector-stores",
    uses=("files",),
)
def vector_store(ctx: ScenarioContext) -> None:
    file_id = _upload(ctx, "upload-file")
    body: dict[str, object] = {"name": "conformance-store"}
    if ctx.models.embedding:
        body |= {"embedding_model": ctx.models.embedding, "embedding_dimension": 8}
    created = ctx.call("create", "POST", "/v1/vector_stores", json=body)
    store_id = ctx.require(created, "id")
    base = f"/v1/vector_stores/{store_id}"
    ctx.call("attach-file", "POST", f"{base}/files", json={"file_id": file_id})
    ctx.call("get-file", "GET", f"{base}/files/{file_id}")
    ctx.call("list-files", "GET", f"{base}/files")
    ctx.call("get", "GET", base)
    ctx.call("search", "POST", f"{base}/search", json={"query": "favourite colour", "max_num_results": 2})
    ctx.call("delete", "DELETE", base)
    ctx.call("delete-file", "DELETE", f"/v1/files/{file_id}")
