"""conformance/core/results.py: Shard, the i-th of n slices of a run's units."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from conformance.core.results import Shard

UNITS = [f"unit-{n:02d}" for n in range(11)]


@pytest.mark.parametrize("count", [1, 2, 3, 4, 11, 15])
def test_the_shards_of_a_run_hold_every_unit_exactly_once(count: int) -> None:
    slices = [Shard(index=i, count=count).slice(UNITS, str) for i in range(1, count + 1)]
    every = [unit for part in slices for unit in part]
    assert sorted(every) == UNITS
    assert len(every) == len(set(every))
    sizes = [len(part) for part in slices]
    assert max(sizes) - min(sizes) <= 1, "interleaved slices stay within one unit of each other"


def test_a_slice_depends_on_the_keys_only_and_keeps_the_units_own_order() -> None:
    shuffled = list(reversed(UNITS))
    shard = Shard(index=2, count=3)
    assert shard.slice(shuffled, str) == list(reversed(shard.slice(UNITS, str)))
    assert shard.slice(UNITS, str) == ["unit-01", "unit-04", "unit-07", "unit-10"]


def test_units_that_share_a_key_stay_in_one_shard() -> None:
    steps = [("scenario-a", 1), ("scenario-b", 1), ("scenario-a", 2), ("scenario-b", 2)]
    first, second = (Shard(index=i, count=2).slice(steps, lambda step: step[0]) for i in (1, 2))
    assert first == [("scenario-a", 1), ("scenario-a", 2)]
    assert second == [("scenario-b", 1), ("scenario-b", 2)]


def test_large_groups_are_dealt_first_so_the_shards_stay_even() -> None:
    """The property suite's units are as large as a resource's operations: 6, 3, 2, 2, 1 over three shards."""
    sizes = {"vector-stores": 6, "responses": 3, "conversations": 2, "files": 2, "models": 1}
    units = [(name, n) for name, count in sizes.items() for n in range(count)]
    slices = [Shard(index=i, count=3).slice(units, lambda unit: unit[0]) for i in (1, 2, 3)]
    assert [sorted({name for name, _ in part}) for part in slices] == [
        ["vector-stores"],
        ["models", "responses"],
        ["conversations", "files"],
    ]
    assert [len(part) for part in slices] == [6, 4, 4]


def test_a_shard_past_its_count_is_refused() -> None:
    with pytest.raises(ValidationError, match="i must be at most n"):
        Shard(index=5, count=4)
    with pytest.raises(ValidationError):
        Shard(index=0, count=4)
    assert Shard(index=3, count=4).label == "3/4"
