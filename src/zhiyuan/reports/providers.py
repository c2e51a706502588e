"""The figures other apps compute about themselves (helpdesk, honours, news, training).

Each provides `figures(start, end, region=None) -> dict` in its own statistics.py (the
contract in DESIGN's statistics section). This is the one place reports imports them; an
app whose module is not installed simply contributes nothing. Tests register fakes.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable

from zhiyuan.places.models import Region

Provider = Callable[..., dict]

MODULES = {
    "helpdesk": "zhiyuan.helpdesk.statistics",
    "honours": "zhiyuan.honours.statistics",
    "news": "zhiyuan.news.statistics",
    "training": "zhiyuan.training.statistics",
}
_registered: dict[str, Provider] = {}


def register_provider(name: str, provider: Provider) -> None:
    """Use `provider` for `name` instead of the app's module (tests, or a new app)."""
    _registered[name] = provider


def unregister_provider(name: str) -> None:
    _registered.pop(name, None)


def providers() -> dict[str, Provider]:
    found: dict[str, Provider] = {}
    for name, module_name in MODULES.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise  # the module exists but is broken: say so, do not hide it
            continue
        found[name] = module.figures
    found.update(_registered)
    return found


def provided_figures(start: dt.date, end: dt.date, region: Region | None) -> dict[str, dict]:
    """Each provider's figures for the period and region subtree, under its name."""
    return {name: dict(fn(start, end, region)) for name, fn in providers().items()}
