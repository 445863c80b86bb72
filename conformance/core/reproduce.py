"""curl reproductions that run as printed: the base URL and every secret are shell variables.

A finding's reproduction is copied into a terminal after the run, often on another machine and
against a server that now listens elsewhere. So a command never carries the base URL or a secret
literally, and never the ``<redacted>`` placeholder either (a command with it cannot work):

* the base URL is ``"$CONFORMANCE_BASE_URL/v1/..."``;
* the ``--api-key`` value is ``$CONFORMANCE_API_KEY`` (``-H "Authorization: Bearer $CONFORMANCE_API_KEY"``);
* a ``--header`` value is ``$CONFORMANCE_HEADER_<NAME>`` (``X-Tenant`` -> ``CONFORMANCE_HEADER_X_TENANT``),
  and so is any other sensitive header whose value we do not know.

:func:`curl_command` builds a command from an exchange; :func:`rewrite_command` rewrites one built
elsewhere (Schemathesis' ``code_sample``); :func:`shell_setup` gives the ``export`` lines reports
print once at the top. Everything else in a command is quoted with :func:`shlex.quote`.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Mapping

from conformance.core.redact import REDACTED, Redactor

__all__ = [
    "API_KEY_VARIABLE",
    "BASE_URL_VARIABLE",
    "SECRET_VARIABLE",
    "client_redactor",
    "curl_command",
    "header_variable",
    "rewrite_command",
    "shell_setup",
    "variables_in",
]

BASE_URL_VARIABLE = "CONFORMANCE_BASE_URL"
API_KEY_VARIABLE = "CONFORMANCE_API_KEY"
SECRET_VARIABLE = "CONFORMANCE_SECRET"
_HEADER_PREFIX = "CONFORMANCE_HEADER_"
_SKIP_CURL_HEADERS = {"host", "content-length", "accept-encoding", "connection", "user-agent", "accept"}
_VARIABLE = re.compile(r"\$\{?(CONFORMANCE_[A-Z0-9_]+)\}?")
_DOUBLE_QUOTED_SPECIAL = re.compile(r'([\\"$`])')

Segment = tuple[str, bool]
"""A piece of one shell word: literal text, or (``True``) the name of a variable to expand."""


def header_variable(name: str) -> str:
    """``X-Tenant`` -> ``CONFORMANCE_HEADER_X_TENANT``."""
    return _HEADER_PREFIX + re.sub(r"[^A-Za-z0-9]", "_", name).upper()


def client_redactor(base_url: str, api_key: str | None, headers: Mapping[str, str]) -> Redactor:
    """The redactor for a client's settings, knowing which variable stands for which secret."""
    base = Redactor.for_values([*((api_key,) if api_key else ()), *headers.values()], headers)
    named = [(api_key, API_KEY_VARIABLE)] if api_key else []
    named += [(value, header_variable(name)) for name, value in headers.items()]
    variables = tuple((secret, variable) for secret, variable in named if secret in base.secrets)
    return Redactor(secrets=base.secrets, header_names=base.header_names, base_url=base_url, variables=variables)


def _substitute(text: str, redactor: Redactor) -> list[Segment]:
    """Split ``text`` where the base URL (at the start) or a known secret occurs, longest first."""
    named = dict(redactor.variables)
    # A secret nobody named (a redactor built from bare values) still never appears literally.
    pairs = [(secret, named.get(secret, SECRET_VARIABLE)) for secret in redactor.secrets | set(named)]
    replacements = sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)
    segments: list[Segment] = [(text, False)]
    if redactor.base_url and text.startswith(redactor.base_url):
        rest = text[len(redactor.base_url) :]
        if not rest or rest[0] in "/?#":
            segments = [(BASE_URL_VARIABLE, True), (rest, False)]
    for secret, variable in replacements:
        split: list[Segment] = []
        for piece, is_variable in segments:
            if is_variable or secret not in piece:
                split.append((piece, is_variable))
                continue
            parts = piece.split(secret)
            for n, part in enumerate(parts):
                if n:
                    split.append((variable, True))
                split.append((part, False))
        segments = split
    return [(piece, is_variable) for piece, is_variable in segments if piece]


def _word(segments: list[Segment]) -> str:
    """One shell word: single-quoted when it has no variable, else double-quoted with ``$NAME`` inside."""
    if not any(is_variable for _, is_variable in segments):
        return shlex.quote("".join(piece for piece, _ in segments))
    out = ""
    for n, (piece, is_variable) in enumerate(segments):
        if is_variable:
            following = segments[n + 1][0] if n + 1 < len(segments) and not segments[n + 1][1] else ""
            out += f"${{{piece}}}" if following[:1].isalnum() or following[:1] == "_" else f"${piece}"
        else:
            out += _DOUBLE_QUOTED_SPECIAL.sub(r"\\\1", piece)
    return f'"{out}"'


def _header_word(name: str, value: str, redactor: Redactor) -> str:
    """``Name: value`` with the value's secrets as variables; a sensitive header's unknown value too."""
    segments = _substitute(value, redactor)
    sensitive = name.lower() in redactor.header_names
    if (sensitive and not any(is_variable for _, is_variable in segments)) or REDACTED in value:
        segments = [(header_variable(name), True)]
    return _word([(f"{name}: ", False), *segments])


def body_text(body: bytes | str | None) -> str:
    """A request or response body as text (undecodable bytes replaced); empty for none."""
    if body is None:
        return ""
    return body if isinstance(body, str) else body.decode("utf-8", errors="replace")


def curl_command(
    method: str, url: str, headers: Iterable[tuple[str, str]], body: bytes | str | None, redactor: Redactor
) -> str:
    """A curl command for one request that runs as printed once the variables are exported."""
    words = ["curl", "-sS", "-X", shlex.quote(method.upper())]
    for name, value in headers:
        if name.lower() not in _SKIP_CURL_HEADERS:
            words += ["-H", _header_word(name, value, redactor)]
    if text := body_text(body):
        words += ["--data-raw", _word(_substitute(text, redactor))]
    words.append(_word(_substitute(url, redactor)))
    return " ".join(words)


_SKIP_SOCKET_HEADERS = frozenset({"connection", "upgrade", "content-length"})
"""The upgrade's own headers: websocat sends them itself."""


def websocat_command(url: str, headers: Iterable[tuple[str, str]], message: str, redactor: Redactor) -> str:
    """A websocat command sending ``message`` (one line) as a text message on a WebSocket to ``url``."""
    words = ["printf", shlex.quote("%s\\n"), _word(_substitute(message, redactor)), "|", "websocat"]
    for name, value in headers:
        if name.lower() not in _SKIP_CURL_HEADERS | _SKIP_SOCKET_HEADERS:
            words += ["-H", _header_word(name, value, redactor)]
    words.append(_word(_substitute(url, redactor)))
    return " ".join(words)


def rewrite_command(command: str, redactor: Redactor) -> str:
    """A shell command built elsewhere (Schemathesis' ``code_sample``) with the base URL and secrets as
    variables; each line is rewritten on its own, and a line that is not valid shell only redacted."""
    lines = []
    for line in command.splitlines():
        try:
            words = shlex.split(line)
        except ValueError:
            lines.append(redactor.text(line))
            continue
        out: list[str] = []
        for n, word in enumerate(words):
            name, sep, value = word.partition(":")
            if n and words[n - 1] in ("-H", "--header") and sep:
                out.append(_header_word(name, value.lstrip(" "), redactor))
            else:
                out.append(_word(_substitute(word, redactor)))
        lines.append(" ".join(out))
    return "\n".join(lines)


def variables_in(commands: Iterable[str]) -> list[str]:
    """The ``CONFORMANCE_*`` variables these commands expand, base URL and API key first, then by name."""
    found = {match for command in commands for match in _VARIABLE.findall(command)}
    first = [v for v in (BASE_URL_VARIABLE, API_KEY_VARIABLE) if v in found]
    return first + sorted(found - set(first))


def shell_setup(base_url: str, commands: Iterable[str]) -> list[str]:
    """``export`` lines for the variables ``commands`` use: the base URL's value, how to set the secrets."""
    lines = []
    for variable in variables_in(commands):
        if variable == BASE_URL_VARIABLE:
            lines.append(f"export {BASE_URL_VARIABLE}={shlex.quote(base_url)}")
        elif variable == API_KEY_VARIABLE:
            lines.append(f"export {API_KEY_VARIABLE}='<your API key, as given with --api-key>'")
        elif variable == SECRET_VARIABLE:
            lines.append(f"export {SECRET_VARIABLE}='<the secret value the reproduction needs>'")
        else:
            header = variable.removeprefix(_HEADER_PREFIX).replace("_", "-").title()
            lines.append(f"export {variable}='<your {header} header value, as given with --header>'")
    return lines
