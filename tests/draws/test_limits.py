"""The draw limits of winset.limits are the ones the checks apply: each variable moves its cap."""

from __future__ import annotations

import pytest

from winset.draws import DrawSettings
from winset.draws.engine import check_draws
from winset.errors import InputError
from winset.limits import DEFAULTS, check_memory_need


def test_draws_above_the_limit_are_refused_with_how_to_change_it() -> None:
    top = DEFAULTS["WINSET_MAX_DRAWS"]
    assert check_draws(top) == top
    with pytest.raises(InputError, match=r"draws: .*the limit is .*set WINSET_MAX_DRAWS"):
        check_draws(top + 1)


def test_setting_max_draws_lowers_the_cap(monkeypatch) -> None:
    assert DrawSettings(5_000).checked().draws == 5_000
    monkeypatch.setenv("WINSET_MAX_DRAWS", "1000")
    assert DrawSettings(1_000).checked().draws == 1_000
    with pytest.raises(InputError, match=r"5,000 draws; the limit is 1,000 \(set WINSET_MAX_D"):
        DrawSettings(5_000).checked()


def test_a_caller_cap_and_the_limit_the_lower_one_holds(monkeypatch) -> None:
    with pytest.raises(InputError, match=r"must be between 1 and 2,000, not 3,000"):
        DrawSettings(3_000).checked(max_draws=2_000)
    monkeypatch.setenv("WINSET_MAX_DRAWS", "1000")
    with pytest.raises(InputError, match=r"the limit is 1,000 \(set WINSET_MAX_DRAWS"):
        DrawSettings(1_500).checked(max_draws=2_000)


def test_setting_max_memory_lowers_the_memory_cap(monkeypatch) -> None:
    need = 3_000_000_000
    check_memory_need(need, "draws", "these draws need", "use fewer draws")
    monkeypatch.setenv("WINSET_MAX_MEMORY_MB", "1000")
    with pytest.raises(InputError) as info:
        check_memory_need(need, "draws", "these draws need", "use fewer draws")
    assert str(info.value) == (
        "draws: these draws need about 3.0 GB; the limit is 1.0 GB "
        "(set WINSET_MAX_MEMORY_MB to change it, or use fewer draws)"
    )
