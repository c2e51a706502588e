"""PNG charts for the yearly report at print resolution, drawn offline with matplotlib (Agg) in a
CJK font: values on the marks, labels that do not overlap, the value axis from zero."""

from __future__ import annotations

import io
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from zhiyuan.stations.poster import cjk_font_path  # noqa: E402

COLOUR = "#c62828"


@lru_cache(maxsize=1)
def _font() -> font_manager.FontProperties:
    return font_manager.FontProperties(fname=cjk_font_path())


DPI = 300  # print resolution: a 150 mm wide chart is 1,770 px
WIDTH_IN = 5.9  # 150 mm, the report's type area
LABEL_PT, VALUE_PT, TITLE_PT = 9, 8, 11


def _png(fig: Figure) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, bbox_inches="tight")
    return out.getvalue()


def _figure(title: str, note: str = "") -> tuple[Figure, object]:
    fig = Figure(figsize=(WIDTH_IN, 2.8))
    ax = fig.subplots()
    ax.set_title(title, fontproperties=_font(), fontsize=TITLE_PT)
    ax.spines[["top", "right"]].set_visible(False)
    if note:
        fig.text(0.99, 0.01, note, ha="right", va="bottom", fontproperties=_font(), fontsize=8)
    return fig, ax


def _number(value: float) -> str:
    return f"{value:,.1f}".removesuffix(".0")


def _axis(ax, labels: list[str], numbers: list[float]) -> None:
    """Labels in the CJK font, never overlapping (rotated when many), the value axis from 0
    with thousands separators."""
    ax.set_ylim(bottom=0, top=max([*numbers, 1]) * 1.15)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _number(v)))
    for label in ax.get_xticklabels() + ax.get_yticklabels():
        label.set_fontproperties(_font())
        label.set_fontsize(LABEL_PT)
    if len(labels) > 6 and max(len(x) for x in labels) > 3:
        for label in ax.get_xticklabels():
            label.set_rotation(30)
            label.set_ha("right")


def bars(title: str, values: dict[str, float], *, note: str = "") -> bytes:
    """Bars in the given order, each with its value on top."""
    fig, ax = _figure(title, note)
    labels, numbers = list(values), [float(v) for v in values.values()]
    drawn = ax.bar(labels, numbers, color=COLOUR, width=0.6)
    ax.bar_label(drawn, labels=[_number(n) for n in numbers], fontsize=VALUE_PT, padding=2)
    _axis(ax, labels, numbers)
    return _png(fig)


def line(title: str, values: dict[str, float], *, note: str = "") -> bytes:
    fig, ax = _figure(title, note)
    labels, numbers = list(values), [float(v) for v in values.values()]
    partial = bool(labels) and labels[-1].endswith("*")  # the running month, to the cutoff
    whole = len(labels) - 1 if partial else len(labels)
    ax.plot(labels[:whole], numbers[:whole], marker="o", color=COLOUR)
    if partial:  # dashed, hollow: days of a month, not a fall
        ax.plot(
            labels[max(whole - 1, 0) :],
            numbers[max(whole - 1, 0) :],
            linestyle="--",
            marker="o",
            markerfacecolor="white",
            color=COLOUR,
        )
    for x, y in zip(labels, numbers, strict=True):
        ax.annotate(
            _number(y),
            (x, y),
            textcoords="offset points",
            xytext=(0, 5),
            ha="center",
            fontsize=VALUE_PT - 1,
        )
    ax.grid(axis="y", alpha=0.3)
    _axis(ax, labels, numbers)
    return _png(fig)


def pie(title: str, values: dict[str, float]) -> bytes:
    """Shares in the given order, labelled with name, count and percentage."""
    fig = Figure(figsize=(WIDTH_IN, 3.0))
    ax = fig.subplots()
    ax.set_title(title, fontproperties=_font(), fontsize=TITLE_PT)
    kept = {k: float(v) for k, v in values.items() if v}
    total = sum(kept.values())
    if kept:
        ax.pie(
            list(kept.values()),
            labels=[f"{k} {_number(v)}（{v / total:.0%}）" for k, v in kept.items()],
            startangle=90,
            counterclock=False,
            colors=[COLOUR, "#ef9a9a", "#8d6e63", "#90a4ae", "#ffcc80"][: len(kept)],
            textprops={"fontproperties": _font(), "fontsize": LABEL_PT},
        )
    ax.axis("equal")
    return _png(fig)
