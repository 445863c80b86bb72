"""Build an OpenAPI 3.1 document from protocol classes whose methods carry ``__webmethods__``.

llama-stack 0.3.x declares its HTTP surface as ``Protocol`` classes: each endpoint method has one
``WebMethod`` record per route in ``method.__webmethods__`` (``route``, ``method``, ``level``,
``deprecated``). Its server turns each of them into a FastAPI route over the method's signature, but
with ``response_model=None``, so the spec it serves has ``schema: {}`` for every response. This
walker reads the same metadata and signatures and produces the request side exactly as that server
parses it, plus the response side from the return annotations.

It works on any classes with that metadata shape and imports only pydantic, the standard library
and its sibling ``signatures`` (relatively): it runs inside the upstream environment (where
``export_webmethods.py`` loads this directory as a stand-alone package) and in our own test
environment, on small protocol classes written for the tests.

How a parameter is read (the rules of FastAPI as the llama-stack server drives it):

* a name in the route template is a path parameter;
* an ``Annotated`` parameter with FastAPI metadata keeps it: ``File``/``Form`` become multipart or
  form fields, ``Body`` the body, ``Query`` a query parameter;
* on POST every other parameter becomes a property of a JSON body object (``Body(embed=True)``);
* on GET/DELETE scalars are query parameters; sequences, models and mappings are the body (FastAPI
  reads a list from the query string only when told to with ``Query``);
* ``WalkOptions.parameter_locations`` overrides this for named parameters (each override is noted).
"""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .signatures import (
    NO_JSON,
    REF_TEMPLATE,
    SchemaBook,
    fill,
    is_raw_response,
    is_scalar,
    jsonable_default,
    parse_docstring,
    split_return,
    strip_fastapi,
    unwrap,
    without_omitted,
)

__all__ = ["Note", "WalkOptions", "WalkResult", "parse_docstring", "walk"]

_PATH_PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")
_BINARY = {"type": "string", "contentMediaType": "application/octet-stream"}


@dataclass(frozen=True)
class Note:
    """Something the walker did that a reader of the spec should know about."""

    what: str
    why: str


@dataclass(frozen=True)
class WalkOptions:
    title: str
    version: str
    served_methods: frozenset[str] = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})
    """HTTP methods the server routes as declared; any other is served as ``fallback_method``."""
    fallback_method: str = "POST"
    named_types: Sequence[tuple[object, str]] = ()
    """Component names for non-class types (unions, ``Annotated`` aliases) used at the top level."""
    stream_overrides: Mapping[str, object] = field(default_factory=dict)
    """``method name -> event type`` for methods that stream without saying so in their annotation."""
    raw_media_type: str = "application/octet-stream"
    """Media type of methods that return a raw ``Response`` object."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """``api -> tag`` (default: the API name)."""
    parameter_locations: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    """``"method.param" -> (FastAPI kind, why)``: where the server really reads a parameter, when its
    implementation's signature differs from the protocol's (``"Query"``, ``"Body"``)."""


@dataclass
class WalkResult:
    spec: dict[str, Any]
    operations_by_api: dict[str, list[tuple[str, str]]]
    notes: list[Note]


# ------------------------------------------------------------------------------------------- walking


@dataclass
class _Method:
    api: str
    name: str
    func: Callable[..., Any]
    hints: dict[str, Any]
    signature: inspect.Signature
    doc: tuple[str, str, dict[str, str], str]


def _iter_methods(apis: Mapping[str, Sequence[type]]) -> Iterable[tuple[_Method, Any]]:
    for api in sorted(apis):
        for cls in apis[api]:
            for name, func in inspect.getmembers(cls, predicate=inspect.isfunction):
                webmethods = getattr(func, "__webmethods__", None) or []
                if not webmethods:
                    continue
                method = _Method(
                    api=api,
                    name=name,
                    func=func,
                    hints=typing.get_type_hints(func, include_extras=True),
                    signature=inspect.signature(func),
                    doc=parse_docstring(inspect.getdoc(func)),
                )
                for webmethod in webmethods:
                    yield method, webmethod


_Request = tuple[list[dict[str, Any]], dict[str, Any] | None]
"""The parameters and the request body of one operation."""


def _pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[_\-.]", name) if part)


class _Walker:
    def __init__(self, options: WalkOptions) -> None:
        self.options = options
        self.book = SchemaBook(options.named_types)
        self.notes: list[Note] = []
        self.bodies: dict[str, dict[str, Any]] = {}
        self.paths: dict[str, dict[str, Any]] = {}
        self.by_api: dict[str, list[tuple[str, str]]] = {}
        self.operation_ids: set[str] = set()
        self._requests: dict[tuple[str, str, str, frozenset[str]], _Request] = {}

    def run(self, apis: Mapping[str, Sequence[type]]) -> WalkResult:
        entries = sorted(_iter_methods(apis), key=lambda e: (e[0].api, e[0].name, bool(e[1].deprecated), _route(e[1])))
        for method, webmethod in entries:
            self._add(method, webmethod)
        slots, defs = self.book.generate()
        schemas = {**defs}
        for name, body in self.bodies.items():
            if name in schemas:
                raise ValueError(f"request body name {name!r} clashes with a model of the same name")
            schemas[name] = body
        spec: dict[str, Any] = {
            "openapi": "3.1.0",
            "info": {"title": self.options.title, "version": self.options.version},
            "paths": self.paths,
            "components": {"schemas": schemas},
            "tags": [{"name": t} for t in sorted({self._tag(api) for api in self.by_api})],
        }
        spec = fill(spec, slots)
        ops = {api: sorted(set(pairs)) for api, pairs in sorted(self.by_api.items())}
        notes = list(dict.fromkeys(self.notes))  # one note per fact, not per alias route
        return WalkResult(spec=spec, operations_by_api=ops, notes=notes)

    def _tag(self, api: str) -> str:
        return self.options.tags.get(api, api)

    def _add(self, method: _Method, webmethod: Any) -> None:
        declared = str(webmethod.method or "POST").upper()
        http = declared if declared in self.options.served_methods else self.options.fallback_method
        if http != declared:
            self.notes.append(
                Note(
                    what=f"{declared} {_route(webmethod)} is described as {http}",
                    why=f"the server routes every method but {', '.join(sorted(self.options.served_methods))} "
                    f"as {http} (the webmethod says {declared})",
                )
            )
        path = _PATH_PARAM.sub(lambda m: "{" + m.group(1) + "}", _route(webmethod))
        operations = self.paths.setdefault(path, {})
        if http.lower() in operations:
            raise ValueError(f"two methods declare {http} {path}")
        summary, description, param_docs, returns_doc = method.doc
        operation: dict[str, Any] = {
            "operationId": self._operation_id(method.name, webmethod),
            "tags": [self._tag(method.api)],
        }
        if summary:
            operation["summary"] = summary
        if description:
            operation["description"] = description
        if webmethod.deprecated:
            operation["deprecated"] = True
        path_names = frozenset(_PATH_PARAM.findall(_route(webmethod)))
        key = (method.api, method.name, http, path_names)
        if key not in self._requests:  # alias routes of one method share one request description
            self._requests[key] = self._parameters(method, http, path_names, param_docs)
        parameters, body = self._requests[key]
        if parameters:
            operation["parameters"] = parameters
        if body:
            operation["requestBody"] = body
        operation["responses"] = self._responses(method, http, returns_doc)
        operations[http.lower()] = operation
        self.by_api.setdefault(method.api, []).append((http, path))

    def _operation_id(self, name: str, webmethod: Any) -> str:
        """The method name; a deprecated alias route gets ``_deprecated``, then the level, then a number."""
        suffix = "_deprecated" if webmethod.deprecated else ""
        candidates = [f"{name}{suffix}", f"{name}_{webmethod.level}{suffix}"]
        candidates += [f"{candidates[-1]}_{i}" for i in range(2, 10)]
        for candidate in candidates:
            if candidate not in self.operation_ids:
                self.operation_ids.add(candidate)
                return candidate
        raise ValueError(f"cannot find a unique operationId for {name}")

    def _parameters(self, method: _Method, http: str, path_names: frozenset[str], docs: Mapping[str, str]) -> _Request:
        parameters: list[dict[str, Any]] = []
        body_fields: list[tuple[str, Any, inspect.Parameter, str]] = []  # name, type, param, kind
        embed = False
        omitted: list[str] = []
        for name, param in method.signature.parameters.items():
            if name == "self" or param.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
                continue
            annotation = without_omitted(method.hints.get(name, Any))
            if annotation is not method.hints.get(name, Any):
                omitted.append(name)
            stripped, kind, marker = strip_fastapi(annotation)
            if name in path_names:
                kind = "Path"
            elif kind is None and http == "POST" and typing.get_origin(annotation) is not typing.Annotated:
                kind, embed = "Body", True
            elif kind is None:
                kind = "Query" if is_scalar(stripped) else "Body"
            override = self.options.parameter_locations.get(f"{method.name}.{name}")
            if override is not None and override[0] != kind:
                self.notes.append(Note(f"{method.name}({name}) is read from {override[0].lower()}", override[1]))
                kind = override[0]
            if kind in ("Path", "Query", "Header", "Cookie"):
                parameters.append(self._parameter(name, stripped, param, kind.lower(), docs.get(name, "")))
            else:
                embed = embed or bool(getattr(marker, "embed", False))
                body_fields.append((name, stripped, param, kind))
        if omitted:
            self.notes.append(
                Note(
                    what=f"{method.name}({', '.join(omitted)}): openai NotGiven/Omit left out of the parameter types",
                    why="they are 'not given' sentinels of the Python client, never a value on the wire",
                )
            )
        if not body_fields:
            return parameters, None
        return parameters, self._body(method, body_fields, embed, docs)

    def _parameter(self, name: str, tp: Any, param: inspect.Parameter, where: str, doc: str) -> dict[str, Any]:
        schema = self.book.slot(tp, "validation")
        has_default, default = jsonable_default(param.default)
        if has_default and where != "path":
            schema["default"] = default
        out: dict[str, Any] = {
            "name": name,
            "in": where,
            "required": where == "path" or param.default is inspect.Parameter.empty,
        }
        if doc:
            out["description"] = doc
        out["schema"] = schema
        return out

    def _body(
        self,
        method: _Method,
        fields: list[tuple[str, Any, inspect.Parameter, str]],
        embed: bool,
        docs: Mapping[str, str],
    ) -> dict[str, Any]:
        kinds = {kind for *_, kind in fields}
        media = (
            "multipart/form-data"
            if "File" in kinds
            else "application/x-www-form-urlencoded"
            if "Form" in kinds
            else "application/json"
        )
        required_any = any(p.default is inspect.Parameter.empty for _, _, p, _ in fields)
        if len(fields) == 1 and not embed and media == "application/json":
            name, tp, param, _ = fields[0]
            schema = self._property(tp, param, docs.get(name, ""))
            return {"required": required_any, "content": {media: {"schema": schema}}}
        properties = {name: self._property(tp, param, docs.get(name, ""), kind) for name, tp, param, kind in fields}
        required = [name for name, _, param, _ in fields if param.default is inspect.Parameter.empty]
        body_name = self._body_name(method.name)
        component: dict[str, Any] = {"type": "object", "title": body_name, "properties": properties}
        if required:
            component["required"] = required
        existing = self.bodies.get(body_name)
        if existing is not None and existing != component:
            raise ValueError(f"{method.name}: two different request bodies named {body_name}")
        self.bodies[body_name] = component
        ref = {"$ref": REF_TEMPLATE.format(model=body_name)}
        return {"required": required_any, "content": {media: {"schema": ref}}}

    def _body_name(self, method_name: str) -> str:
        return f"{_pascal(method_name)}Request"

    def _property(self, tp: Any, param: inspect.Parameter, doc: str, kind: str = "Body") -> dict[str, Any]:
        if kind == "File" or getattr(unwrap(tp), "__name__", "") == "UploadFile":
            schema: dict[str, Any] = dict(_BINARY)
        else:
            schema = self.book.slot(tp, "validation")
        has_default, default = jsonable_default(param.default)
        if has_default:
            schema["default"] = default
        if doc:
            schema["description"] = doc
        return schema

    def _responses(self, method: _Method, http: str, returns_doc: str) -> dict[str, Any]:
        annotation = method.hints.get("return", Any)
        json_part, stream_item = split_return(annotation)
        if stream_item is None and method.name in self.options.stream_overrides:
            stream_item = self.options.stream_overrides[method.name]
            self.notes.append(
                Note(
                    what=f"{method.name}: text/event-stream of {getattr(stream_item, '__name__', stream_item)}",
                    why="the protocol declares no stream type, but the server streams whenever the request "
                    "sets stream=true; the events are the type named here",
                )
            )
        description = " ".join(returns_doc.split()) or "Successful Response"
        content: dict[str, Any] = {}
        if json_part is type(None) and http == "DELETE" and stream_item is None:
            return {"204": {"description": "No Content: the server answers a successful delete with an empty body."}}
        if json_part is type(None):
            content["application/json"] = {"schema": {"type": "null"}}
        elif json_part is not NO_JSON and is_raw_response(json_part):
            content[self.options.raw_media_type] = {
                "schema": dict(_BINARY, contentMediaType=self.options.raw_media_type)
            }
        elif json_part is not NO_JSON:
            content["application/json"] = {"schema": self.book.slot(json_part, "serialization")}
        if stream_item is not None:
            content["text/event-stream"] = {"schema": self.book.slot(stream_item, "serialization")}
        return {"200": {"description": description, "content": content}}


def _route(webmethod: Any) -> str:
    route = "/" + str(webmethod.route or "").lstrip("/")
    return f"/{webmethod.level}{route}" if webmethod.level else route


def walk(apis: Mapping[str, Sequence[type]], options: WalkOptions) -> WalkResult:
    """Walk ``{api: [protocol classes]}`` and return the OpenAPI document with what was noted on the way."""
    return _Walker(options).run(apis)
