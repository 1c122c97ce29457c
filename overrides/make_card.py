"""Draw the site's social card once: docs/assets/social-card.png (1200 x 630 pixels).

Run by hand when the site's name or mark changes; the words are the study's, given on the command
line (this study's card was made with):

    .venv/bin/python overrides/make_card.py "Finding a relationship" \
        "What UK mental health and social care staff think" \
        "about helping people find a romantic relationship" "Findings of an online survey"

The output is committed; the build does not run this script.
"""
from __future__ import annotations

import sys
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyBboxPatch, Polygon  # noqa: E402

BLUE = "#1b5e8a"
OUT = Path(__file__).resolve().parent.parent / "docs" / "assets" / "social-card.png"


def bubble(ax, x, y, w, h, tail, colour, alpha=1.0):
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0,rounding_size=18",
                                facecolor=colour, edgecolor="none", alpha=alpha))
    ax.add_patch(Polygon(tail, closed=True, facecolor=colour, edgecolor="none", alpha=alpha))


def heart(ax, cx, cy, s, colour):
    """The classic parametric heart, centred on (cx, cy), about 2 * s wide."""
    t = np.linspace(0, 2 * np.pi, 200)
    x = 16 * np.sin(t) ** 3
    y = 13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t)
    ax.add_patch(Polygon(np.column_stack([cx + x * s / 16, cy + y * s / 16]), closed=True,
                         facecolor=colour, edgecolor="none"))


def main(title: str, line1: str, line2: str, note: str) -> None:
    fig = plt.figure(figsize=(12, 6.3), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 1200)
    ax.set_ylim(0, 630)
    ax.axis("off")
    fig.patch.set_facecolor("#ffffff")
    ax.add_patch(FancyBboxPatch((0, 0), 1200, 36, boxstyle="square,pad=0", facecolor=BLUE,
                                edgecolor="none"))
    # the mark: two overlapping speech bubbles, a heart in the front one
    bubble(ax, 50, 300, 220, 160, [(100, 300), (90, 240), (155, 300)], BLUE, alpha=0.45)
    bubble(ax, 130, 200, 240, 170, [(310, 200), (330, 135), (260, 200)], BLUE)
    heart(ax, 250, 285, 48, "#ffffff")
    ax.text(430, 400, title, fontsize=42, fontweight="bold", color=BLUE,
            va="baseline", family="DejaVu Sans")
    ax.text(432, 330, line1, fontsize=21, color="#1f2a33", va="baseline", family="DejaVu Sans")
    ax.text(432, 290, line2, fontsize=21, color="#1f2a33", va="baseline", family="DejaVu Sans")
    ax.text(432, 220, note, fontsize=18, color="#4a5a66", va="baseline", family="DejaVu Sans")
    fig.savefig(OUT, dpi=100, facecolor=fig.get_facecolor(),
                metadata={"Software": None})
    plt.close(fig)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit("usage: make_card.py TITLE LINE1 LINE2 NOTE (see the docstring)")
    main(*sys.argv[1:])
