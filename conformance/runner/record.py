"""Recording: run scenarios against a server and write one cassette per scenario.

The scenario reports every exchange to a hook; the hook turns it into a redacted, stable
interaction (``cassettes.capture``). A scenario that cannot complete (a prerequisite missing)
writes nothing: half a flow would replay as a flow that never existed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from conformance import __version__
from conformance.cassettes import (
    Cassette,
    CassetteMeta,
    Interaction,
    capture_interaction,
    cassette_path,
    write_cassette,
)
from conformance.core.client import TargetClient
from conformance.core.errors import ConformanceError, HarnessError
from conformance.core.http_exchange import Exchange
from conformance.core.limits import format_bytes
from conformance.core.profiles import Profile
from conformance.core.results import Target
from conformance.core.sse import SSELimits
from conformance.scenarios import Models, Scenario, ScenarioContext, discover_models

__all__ = ["Recorded", "record_scenario", "record_scenarios"]


@dataclass(frozen=True, slots=True)
class Recorded:
    scenario: str
    path: Path | None
    interactions: int
    error: str | None = None


def record_scenario(
    client: TargetClient,
    scenario: Scenario,
    *,
    profile: Profile,
    target: Target,
    models: Models,
    limits: SSELimits | None = None,
    today: dt.date | None = None,
) -> Cassette:
    """Run ``scenario`` once and return its cassette (raises when the flow cannot complete)."""
    interactions: list[Interaction] = []

    def hook(exchange: Exchange) -> None:
        assert exchange.response is not None  # the client always gets an answer or raises
        if exchange.stream is not None and exchange.stream.raw_cut:
            kept = format_bytes(len(exchange.text))
            raise HarnessError(
                f"{scenario.id}/{exchange.step}: the stream is longer than the {kept} of text kept as received; "
                "a recording must hold all of it"
            )
        interactions.append(
            capture_interaction(
                exchange.request,
                exchange.response,
                exchange.text,
                step=exchange.step,
                base_url=client.settings.base_url,
                redactor=client.redactor,
            )
        )

    context = ScenarioContext(client, models, scenario_id=scenario.id, hook=hook, limits=limits)
    scenario.run(context)
    meta = CassetteMeta(
        profile=profile.id,
        scenario=scenario.id,
        title=scenario.title,
        server=target.server,
        server_version=target.version,
        recorded_at=(today or dt.datetime.now(dt.UTC).date()).isoformat(),
        suite_version=__version__,
        models=models.as_dict(),
        pauses=dict(context.pauses),
        settles=dict(context.settles),
    )
    return Cassette(meta=meta, interactions=tuple(interactions))


def record_scenarios(
    client: TargetClient,
    scenarios: Sequence[Scenario],
    *,
    profile: Profile,
    target: Target,
    folder: Path,
    on_recorded: Callable[[Recorded], None] | None = None,
) -> list[Recorded]:
    """Record every scenario into ``folder/<scenario>.yaml``.

    Every scenario is attempted; when any could not complete, a ``HarnessError`` names the first
    after the others were written (exit 3: the server could not be recorded, not a finding).
    """
    models = discover_models(client)
    results = []
    for scenario in scenarios:
        try:
            cassette = record_scenario(client, scenario, profile=profile, target=target, models=models)
        except ConformanceError as exc:
            result = Recorded(scenario.id, None, 0, exc.message)
        else:
            path = write_cassette(cassette, cassette_path(folder, scenario.id))
            result = Recorded(scenario.id, path, len(cassette.interactions))
        results.append(result)
        if on_recorded:
            on_recorded(result)
    failed = [r for r in results if r.error]
    if failed:
        more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
        raise HarnessError(f"could not record {failed[0].scenario}: {failed[0].error}{more}")
    return results
