"""SVG bar charts rendered at build time (no JavaScript needed to see them).

Each chart carries a <title> and <desc> with the figures in words, so screen
readers and printouts get the numbers too; the page also shows them as tables.
"""

from __future__ import annotations

from typing import Sequence
from xml.sax.saxutils import escape

from markupsafe import Markup

PALETTE = ("#1f4e8c", "#b8452f", "#2e7d4f", "#7a5195", "#8a6d1f", "#3d6f7d", "#6b6b6b")
W, H = 640, 280
PAD_L, PAD_R, PAD_T, PAD_B = 56, 16, 36, 48


def _fmt(v: float) -> str:
    return f"{int(v)}" if float(v).is_integer() else f"{v:.2f}"


def _axis(max_v: float) -> tuple[float, list[float]]:
    if max_v <= 0:
        return 1.0, [0.0, 1.0]
    raw = max_v / 4
    mag = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    top = step * 4
    while top < max_v:
        top += step
    ticks = [step * i for i in range(int(top / step) + 1)]
    return top, ticks


def grouped_bars(labels: Sequence[str], series: Sequence[dict], title: str) -> Markup:
    """series: [{label, values}] aligned with labels."""
    values = [v for s in series for v in s["values"]] or [0]
    top, ticks = _axis(max(values))
    plot_w = W - PAD_L - PAD_R
    plot_h = H - PAD_T - PAD_B
    n = max(1, len(labels))
    group_w = plot_w / n
    bar_w = max(2.0, (group_w * 0.8) / max(1, len(series)))
    desc = "；".join(
        f"{lab}：" + "，".join(f"{s['label']}{_fmt(s['values'][i])}" for s in series)
        for i, lab in enumerate(labels)
    ) or "无数据"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" '
        f'aria-label="{escape(title)}：{escape(desc)}" class="chart" focusable="false">',
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>",
        f'<text x="{PAD_L}" y="20" font-size="15" fill="#222">{escape(title)}</text>',
    ]
    for t in ticks:
        y = PAD_T + plot_h - (t / top) * plot_h
        out.append(f'<line x1="{PAD_L}" x2="{W - PAD_R}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ccc"/>')
        out.append(f'<text x="{PAD_L - 6}" y="{y + 4:.1f}" font-size="12" text-anchor="end" fill="#333">{_fmt(t)}</text>')
    for i, lab in enumerate(labels):
        gx = PAD_L + i * group_w + group_w * 0.1
        for j, s in enumerate(series):
            v = s["values"][i]
            h = (v / top) * plot_h
            x = gx + j * bar_w
            y = PAD_T + plot_h - h
            out.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 1:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[j % len(PALETTE)]}"><title>{escape(lab)} {escape(s["label"])}：{_fmt(v)}</title></rect>'
            )
        out.append(
            f'<text x="{PAD_L + i * group_w + group_w / 2:.1f}" y="{H - PAD_B + 18}" font-size="12" '
            f'text-anchor="middle" fill="#333">{escape(lab)}</text>'
        )
    lx = PAD_L
    for j, s in enumerate(series if len(series) > 1 else []):
        out.append(f'<rect x="{lx}" y="{H - 18}" width="12" height="12" fill="{PALETTE[j % len(PALETTE)]}"/>')
        out.append(f'<text x="{lx + 16}" y="{H - 8}" font-size="12" fill="#333">{escape(s["label"])}</text>')
        lx += 16 + 14 * len(s["label"]) + 18
    out.append("</svg>")
    return Markup("".join(out))


def bars(labels: Sequence[str], values: Sequence[float], title: str) -> Markup:
    return grouped_bars(labels, [{"label": title, "values": list(values)}], title)
