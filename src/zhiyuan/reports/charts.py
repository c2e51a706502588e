"""PNG charts for the yearly report, drawn offline with matplotlib (Agg) in a CJK font."""

from __future__ import annotations

import io
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from zhiyuan.stations.poster import cjk_font_path  # noqa: E402

COLOUR = "#c62828"


@lru_cache(maxsize=1)
def _font() -> font_manager.FontProperties:
    return font_manager.FontProperties(fname=cjk_font_path())


def _png(fig: Figure) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=110, bbox_inches="tight")
    return out.getvalue()


def _figure(title: str) -> tuple[Figure, object]:
    fig = Figure(figsize=(6.4, 3.0))
    ax = fig.subplots()
    ax.set_title(title, fontproperties=_font(), fontsize=12)
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def bars(title: str, values: dict[str, float], *, horizontal: bool = False) -> bytes:
    fig, ax = _figure(title)
    labels, numbers = list(values), [float(v) for v in values.values()]
    if horizontal:
        ax.barh(labels[::-1], numbers[::-1], color=COLOUR)
        for label in ax.get_yticklabels():
            label.set_fontproperties(_font())
    else:
        ax.bar(labels, numbers, color=COLOUR)
        for label in ax.get_xticklabels():
            label.set_fontproperties(_font())
            label.set_fontsize(8)
    return _png(fig)


def line(title: str, values: dict[str, float]) -> bytes:
    fig, ax = _figure(title)
    labels = [m[5:] if len(m) == 7 else m for m in values]
    ax.plot(labels, [float(v) for v in values.values()], marker="o", color=COLOUR)
    ax.set_ylim(bottom=0)
    ax.grid(axis="y", alpha=0.3)
    return _png(fig)


def pie(title: str, values: dict[str, float]) -> bytes:
    fig = Figure(figsize=(4.8, 3.2))
    ax = fig.subplots()
    ax.set_title(title, fontproperties=_font(), fontsize=12)
    kept = {k: v for k, v in values.items() if v}
    if kept:
        ax.pie(
            list(kept.values()),
            labels=list(kept),
            autopct="%1.0f%%",
            textprops={"fontproperties": _font(), "fontsize": 9},
        )
    ax.axis("equal")
    return _png(fig)
