"""Cassettes: recorded scenario exchanges in vcrpy's YAML format (version 1) plus our metadata block.

As in vcrpy, text and meaning are apart: ``serializer`` turns YAML text into a plain document and
back (safe loader, literal blocks for streams); ``model`` is the one shape of a cassette, frozen
objects that read the document (errors locate the key) and write it back byte for byte; ``store``
reads and writes files with them (one-line errors naming the file and line). ``capture`` turns live
httpx exchanges into redacted, stable interactions; ``bindings`` maps ids a recording obtained
from the server to the ids the server under replay hands out instead.
"""

from conformance.cassettes.bindings import Bindings, reused_values
from conformance.cassettes.capture import capture_interaction
from conformance.cassettes.model import (
    META_KEY,
    RECORDED_ORIGIN,
    VCR_FORMAT_VERSION,
    Cassette,
    CassetteMeta,
    Interaction,
    RecordedRequest,
    RecordedResponse,
)
from conformance.cassettes.store import (
    cassette_path,
    dump_cassette,
    load_cassette,
    load_profile_cassettes,
    parse_cassette,
    profile_recordings,
    write_cassette,
)

__all__ = [
    "META_KEY",
    "RECORDED_ORIGIN",
    "VCR_FORMAT_VERSION",
    "Bindings",
    "Cassette",
    "CassetteMeta",
    "Interaction",
    "RecordedRequest",
    "RecordedResponse",
    "capture_interaction",
    "cassette_path",
    "dump_cassette",
    "load_cassette",
    "load_profile_cassettes",
    "parse_cassette",
    "profile_recordings",
    "reused_values",
    "write_cassette",
]
