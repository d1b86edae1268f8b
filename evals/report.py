"""A self-contained HTML report of an evaluation run (no external assets: inline CSS and SVG).

Sections: summary table (with per-metric regressions/improvements against an earlier run when one
is given), metric bars per system, per-tag heat maps, latency histograms, obligations, changed
cases, and the failed cases with what was retrieved and cited.
"""

from __future__ import annotations

import html
from pathlib import Path

from .metrics import METRICS, Hit, compare, hit_matches, percentile

SCORE_METRICS = [m for m in METRICS if not m.startswith("latency")]
COLOURS = ("#1f6feb", "#d97706", "#059669", "#9333ea", "#dc2626", "#0891b2")
_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1200px;color:#1f2328;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:.25rem .45rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}
.up{color:#1a7f37;font-weight:600}.down{color:#cf222e;font-weight:600}.muted{color:#656d76}
.ok{color:#1a7f37}.bad{color:#cf222e}.small{font-size:.78rem}.legend span{display:inline-block;margin-right:1rem}
.swatch{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:middle}
code{background:#f6f8fa;padding:0 .2rem;border-radius:3px}ul.refs{margin:0;padding-left:1rem}
"""


def _e(x) -> str:
    return html.escape(str(x), quote=True)


def _fmt(v, metric: str = "") -> str:
    if v is None:
        return "–"
    if metric.startswith("latency"):
        return f"{v:.0f}"
    return f"{v:.3f}"


def _systems(result: dict) -> list[tuple[str, dict]]:
    """(name, {"metrics", "by_tag", "per_case"}) for the pipeline then each baseline."""
    out = [("pipeline", {"metrics": result.get("metrics", {}), "by_tag": result.get("by_tag", {}),
                         "per_case": result.get("per_case", [])})]
    for name, b in (result.get("baselines") or {}).items():
        out.append((name, b))
    return out


# ---- charts ------------------------------------------------------------------------------------
def metric_bars_svg(systems: list[tuple[str, dict]]) -> str:
    """Grouped horizontal bars: one group per score metric, one bar per system."""
    n = len(systems)
    bar_h, gap, label_w, width = 12, 14, 150, 760
    plot_w = width - label_w - 60
    group_h = n * bar_h + gap
    height = len(SCORE_METRICS) * group_h + 30
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="metrics per system">']
    for i in range(0, 11, 2):
        x = label_w + plot_w * i / 10
        parts.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - 20}" stroke="#eaeef2"/>'
                     f'<text x="{x:.1f}" y="{height - 6}" font-size="10" text-anchor="middle" fill="#656d76">'
                     f'{i / 10:.1f}</text>')
    for gi, m in enumerate(SCORE_METRICS):
        y0 = gi * group_h + 4
        parts.append(f'<text x="{label_w - 8}" y="{y0 + n * bar_h / 2 + 4:.1f}" font-size="12" text-anchor="end">'
                     f'{_e(m)}</text>')
        for si, (name, data) in enumerate(systems):
            v = (data.get("metrics") or {}).get(m)
            w = plot_w * (v or 0.0)
            y = y0 + si * bar_h
            parts.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" '
                         f'fill="{COLOURS[si % len(COLOURS)]}"><title>{_e(name)} {_e(m)} = {_fmt(v)}</title></rect>'
                         f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 3}" font-size="9" fill="#444">'
                         f'{_fmt(v)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def legend(systems: list[tuple[str, dict]]) -> str:
    return '<p class="legend">' + "".join(
        f'<span><span class="swatch" style="background:{COLOURS[i % len(COLOURS)]}"></span>{_e(name)}</span>'
        for i, (name, _) in enumerate(systems)) + "</p>"


def latency_histogram_svg(latencies: list[float], colour: str = COLOURS[0], title: str = "", bins: int = 20,
                          upper: float | None = None) -> str:
    width, height, pad_l, pad_b = 360, 170, 34, 28
    if not latencies:
        return f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="40"><text x="4" y="20" ' \
               f'font-size="12">{_e(title)}: no latencies</text></svg>'
    # the axis ends at the 99th percentile so that one slow outlier does not flatten every bar;
    # slower cases land in the last bin
    hi = upper or (percentile(latencies, 99) or 0.0) * 1.05
    hi = hi if hi > 0 else 1.0
    step = hi / bins
    counts = [0] * bins
    for v in latencies:
        counts[min(bins - 1, int(v / step))] += 1
    top = max(counts)
    plot_w, plot_h = width - pad_l - 8, height - pad_b - 18
    bw = plot_w / bins
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="latency histogram {_e(title)}">',
             f'<text x="{pad_l}" y="12" font-size="12" font-weight="600">{_e(title)}</text>']
    for i, c in enumerate(counts):
        h = plot_h * c / top if top else 0
        x = pad_l + i * bw
        y = 18 + plot_h - h
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(bw - 1, 1):.1f}" height="{h:.1f}" fill="{colour}">'
                     f'<title>{i * step:.0f}–{(i + 1) * step:.0f} ms: {c} case(s)</title></rect>')
    base = 18 + plot_h
    parts.append(f'<line x1="{pad_l}" y1="{base}" x2="{pad_l + plot_w}" y2="{base}" stroke="#656d76"/>')
    for frac in (0, 0.5, 1):
        x = pad_l + plot_w * frac
        parts.append(f'<text x="{x:.1f}" y="{base + 13}" font-size="10" text-anchor="middle" fill="#656d76">'
                     f'{hi * frac:.0f}</text>')
    for q, dash in ((50, "4 2"), (95, "1 2")):
        v = percentile(latencies, q)
        x = pad_l + plot_w * min(v / hi, 1.0)
        parts.append(f'<line x1="{x:.1f}" y1="18" x2="{x:.1f}" y2="{base}" stroke="#1f2328" stroke-dasharray="{dash}"/>'
                     f'<text x="{x + (2 if x < pad_l + plot_w - 45 else -2):.1f}" y="{26 if q == 50 else 36}" '
                     f'text-anchor="{"start" if x < pad_l + plot_w - 45 else "end"}" font-size="9" '
                     f'fill="#1f2328">p{q} {v:.0f}</text>')
    parts.append(f'<text x="{pad_l + plot_w / 2:.1f}" y="{height - 2}" font-size="10" text-anchor="middle" '
                 f'fill="#656d76">latency (ms)</text>')
    parts.append(f'<text x="{pad_l - 4}" y="{18 + 8}" font-size="10" text-anchor="end" fill="#656d76">{top}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _heat(v) -> str:
    """Background colour for a score in [0, 1]: red (0) -> yellow (0.5) -> green (1)."""
    if v is None:
        return "#f6f8fa"
    v = max(0.0, min(1.0, float(v)))
    hue = 120 * v
    return f"hsl({hue:.0f},70%,{82 - 10 * (1 - abs(v - 0.5) * 2):.0f}%)"


def heat_table(by_tag: dict, metrics: list[str]) -> str:
    rows = ["<table><tr><th>tag</th><th>cases</th>" + "".join(f"<th>{_e(m)}</th>" for m in metrics) + "</tr>"]
    for tag, vals in by_tag.items():
        rows.append(f"<tr><td>{_e(tag)}</td><td class='num'>{vals.get('cases', '')}</td>" + "".join(
            f"<td class='num' style='background:{_heat(vals.get(m))}'>{_fmt(vals.get(m), m)}</td>" for m in metrics)
            + "</tr>")
    rows.append("</table>")
    return "".join(rows)


def systems_by_tag_table(systems: list[tuple[str, dict]], metric: str) -> str:
    tags = sorted({t for _, d in systems for t in (d.get("by_tag") or {})})
    rows = ["<table><tr><th>tag</th>" + "".join(f"<th>{_e(n)}</th>" for n, _ in systems) + "</tr>"]
    for t in tags:
        cells = []
        for _, d in systems:
            v = ((d.get("by_tag") or {}).get(t) or {}).get(metric)
            cells.append(f"<td class='num' style='background:{_heat(v)}'>{_fmt(v, metric)}</td>")
        rows.append(f"<tr><td>{_e(t)}</td>{''.join(cells)}</tr>")
    rows.append("</table>")
    return "".join(rows)


# ---- tables ------------------------------------------------------------------------------------
def summary_table(systems: list[tuple[str, dict]], old: dict | None) -> str:
    old_systems = dict(_systems(old)) if old else {}
    rows = ["<table><tr><th>system</th>" + "".join(f"<th>{_e(m)}</th>" for m in METRICS) + "</tr>"]
    for name, data in systems:
        m = data.get("metrics") or {}
        prev = (old_systems.get(name) or {}).get("metrics")
        verdict = compare(prev, m) if prev else {}
        cells = []
        for k in METRICS:
            mark = ""
            if verdict.get(k) in ("improved", "regressed"):
                arrow = "▲" if verdict[k] == "improved" else "▼"
                cls = "up" if verdict[k] == "improved" else "down"
                mark = f" <span class='{cls}' title='was {_fmt(prev.get(k), k)}'>{arrow} {_fmt(prev.get(k), k)}</span>"
            cells.append(f"<td class='num'>{_fmt(m.get(k), k)}{mark}</td>")
        rows.append(f"<tr><td>{_e(name)}</td>{''.join(cells)}</tr>")
    rows.append("</table>")
    return "".join(rows)


def _hits_html(hits: list[dict], expected_refs: list[str], expected_types: list[str], limit: int = 5) -> str:
    items = []
    for i, h in enumerate(hits[:limit], start=1):
        hit = Hit.from_json(h)
        ok = hit_matches(hit, expected_refs, expected_types)
        label = f"{i}. {hit.ref or '(no ref)'} · {hit.doc_id}"
        items.append(f"<li class='{'ok' if ok else ''}'>{_e(label)}{' ✓' if ok else ''}</li>")
    return "<ul class='refs'>" + "".join(items) + "</ul>" if items else "<span class='muted'>none</span>"


def failed_cases_table(per_case: list[dict]) -> str:
    failed = [c for c in per_case if not c.get("passed", True)]
    if not failed:
        return "<p class='ok'>No failed case.</p>"
    rows = ["<table><tr><th>case</th><th>question</th><th>why it failed</th><th>expected</th>"
            "<th>retrieved (top 5)</th><th>cited</th></tr>"]
    for c in failed:
        history = "".join(f"<div class='muted small'>earlier: {_e(h)}</div>" for h in c.get("history", []))
        expected = ", ".join(c.get("expected_refs", []) + [f"any {t}" for t in c.get("expected_doc_types", [])]) \
            or ("refusal" if not c.get("answerable") else "")
        rows.append(
            f"<tr><td><code>{_e(c['id'])}</code><div class='muted small'>{_e(', '.join(c.get('tags', [])))}</div></td>"
            f"<td>{history}{_e(c['question'])}</td>"
            f"<td class='bad'>{'<br>'.join(_e(r) for r in c.get('failures', []))}</td>"
            f"<td>{_e(expected)}</td>"
            f"<td>{_hits_html(c.get('retrieved', []), c.get('expected_refs', []), c.get('expected_doc_types', []))}</td>"
            f"<td>{_hits_html(c.get('cited', []), c.get('expected_refs', []), c.get('expected_doc_types', []), 8)}</td>"
            "</tr>")
    rows.append("</table>")
    return "".join(rows)


def changed_cases(old: dict, new: dict) -> tuple[list[str], list[str]]:
    """(cases that passed before and fail now, cases that failed before and pass now), pipeline."""
    before = {c["id"]: c.get("passed") for c in old.get("per_case", [])}
    now = {c["id"]: c.get("passed") for c in new.get("per_case", [])}
    worse = sorted(i for i in now if before.get(i) is True and now[i] is False)
    better = sorted(i for i in now if before.get(i) is False and now[i] is True)
    return worse, better


def compare_section(result: dict, old: dict) -> str:
    worse, better = changed_cases(old, result)
    verdict = compare(old.get("metrics", {}), result.get("metrics", {}))
    regressed = [m for m, v in verdict.items() if v == "regressed"]
    improved = [m for m, v in verdict.items() if v == "improved"]
    by_id = {c["id"]: c for c in result.get("per_case", [])}
    parts = [f"<p>Compared with <code>{_e(old.get('_path', 'the earlier run'))}</code> "
             f"({old.get('cases', '?')} cases). Scores count as changed beyond ±0.005, latencies beyond ±10%.</p>",
             f"<p><span class='down'>Regressed: {_e(', '.join(regressed) or 'none')}</span><br>"
             f"<span class='up'>Improved: {_e(', '.join(improved) or 'none')}</span></p>",
             "<table><tr><th>metric</th><th>before</th><th>now</th><th>change</th></tr>"]
    for m in METRICS:
        a, b = old.get("metrics", {}).get(m), result.get("metrics", {}).get(m)
        delta = "" if a is None or b is None else f"{b - a:+.3f}" if not m.startswith("latency") else f"{b - a:+.0f} ms"
        cls = {"improved": "up", "regressed": "down"}.get(verdict.get(m), "muted")
        parts.append(f"<tr><td>{_e(m)}</td><td class='num'>{_fmt(a, m)}</td><td class='num'>{_fmt(b, m)}</td>"
                     f"<td class='num {cls}'>{_e(delta)} {_e(verdict.get(m, ''))}</td></tr>")
    parts.append("</table>")
    parts.append(f"<h3>Cases that changed from pass to fail ({len(worse)})</h3>")
    parts.append("<ul>" + "".join(f"<li class='down'><code>{_e(i)}</code> {_e(by_id[i]['question'])} — "
                                  f"{_e('; '.join(by_id[i].get('failures', [])))}</li>" for i in worse) + "</ul>"
                 if worse else "<p class='muted'>none</p>")
    parts.append(f"<h3>Cases that changed from fail to pass ({len(better)})</h3>")
    parts.append("<ul>" + "".join(f"<li class='up'><code>{_e(i)}</code> {_e(by_id[i]['question'])}</li>"
                                  for i in better) + "</ul>" if better else "<p class='muted'>none</p>")
    return "".join(parts)


def obligations_section(result: dict) -> str:
    ob = result.get("obligations")
    if not ob:
        msg = result.get("obligations_message") or "Obligation scoring was not run."
        return f"<p class='muted'>{_e(msg)}</p>"
    rows = [f"<p>Document <code>{_e(ob.get('doc_id'))}</code>: {ob.get('predicted_records')} predicted / "
            f"{ob.get('gold_records')} gold obligation records in {_e(', '.join(ob.get('covered', [])))}.</p>",
            "<table><tr><th>field</th><th>precision</th><th>recall</th><th>F1</th><th>matched</th><th>predicted</th>"
            "<th>gold</th></tr>"]
    for field in ("actor", "modality", "polarity", "deadline", "record"):
        r = ob.get(field)
        if not r:
            continue
        rows.append(f"<tr><td>{field}</td>" + "".join(
            f"<td class='num' style='background:{_heat(r.get(k))}'>{_fmt(r.get(k))}</td>"
            for k in ("precision", "recall", "f1")) + "".join(
            f"<td class='num'>{r.get(k)}</td>" for k in ("matched", "predicted", "gold")) + "</tr>")
    rows.append("</table>")
    for name, sub in (ob.get("by_split") or {}).items():
        rk = sub.get("restrictive_kept", {})
        rows.append(f"<p>Split <b>{_e(name)}</b> ({_e(', '.join(sub.get('covered', [])))}): record precision "
                    f"{_fmt(sub['record']['precision'])}, recall {_fmt(sub['record']['recall'])}; polarity precision "
                    f"{_fmt(sub['polarity']['precision'])}, recall {_fmt(sub['polarity']['recall'])}; prohibitions and "
                    f"restrictions kept {rk.get('kept')}/{rk.get('gold')}.</p>")
    return "".join(rows)


# ---- the page ----------------------------------------------------------------------------------
def render_report(result: dict, old: dict | None = None) -> str:
    systems = _systems(result)
    meta = result.get("meta", {})
    latencies = {name: [c.get("latency_ms", 0.0) for c in d.get("per_case", []) if not c.get("error")]
                 for name, d in systems}
    hists = "".join(latency_histogram_svg(latencies[name], COLOURS[i % len(COLOURS)], name)
                    for i, (name, _) in enumerate(systems))
    per_case = result.get("per_case", [])
    n_failed = sum(1 for c in per_case if not c.get("passed", True))
    settings = meta.get("settings", {})
    body = [
        "<h1>Minamata assistant — evaluation report</h1>",
        f"<p>{result.get('cases', 0)} cases · generated {_e(meta.get('generated_at', ''))} · index "
        f"<code>{_e(meta.get('index', ''))}</code> · audience {_e(meta.get('audience', ''))} · answers "
        f"{_e(meta.get('generator', 'extractive'))}</p>",
        f"<p class='small muted'>settings: {_e(', '.join(f'{k}={v}' for k, v in settings.items()))}; case files: "
        f"{_e(', '.join(meta.get('case_files', [])))}{'; tags: ' + _e(', '.join(meta['tags'])) if meta.get('tags') else ''}</p>",
        "<h2>Summary</h2>", summary_table(systems, old),
        "<p class='small muted'>Retrieval metrics over answerable cases; a passage matches an expected provision at "
        "the level it is written (\"Article 7\" matches \"Article 7(3)(a)\") or by expected document type. "
        "Latency in ms." + (" ▲/▼: better/worse than the compared run (its value shown)." if old else "") + "</p>",
        "<h2>Metrics per system</h2>", legend(systems), metric_bars_svg(systems),
        "<h2>Per tag (pipeline)</h2>", heat_table(result.get("by_tag", {}), SCORE_METRICS),
        "<h3>MRR per tag and system</h3>", systems_by_tag_table(systems, "mrr"),
        "<h3>Refusal accuracy per tag and system</h3>", systems_by_tag_table(systems, "refusal_accuracy"),
        "<h2>Latency</h2>", f"<div>{hists}</div>",
        "<h2>Obligation extraction</h2>", obligations_section(result),
    ]
    if old is not None:
        body += ["<h2>Compared with an earlier run (pipeline)</h2>", compare_section(result, old)]
    body += [f"<h2>Failed cases (pipeline): {n_failed} of {len(per_case)}</h2>",
             "<p class='small muted'>A case fails when it is refused or answered wrongly, has no expected "
             "provision in the top 5, cites none, or misses a fact. ✓ marks matching passages.</p>",
             failed_cases_table(per_case)]
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>Evaluation report — {result.get('cases', 0)} cases</title><style>{_CSS}</style></head><body>"
            + "".join(body) + "</body></html>")


def write_report(result: dict, out_dir: Path | str, old: dict | None = None) -> Path:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "index.html"
    path.write_text(render_report(result, old), encoding="utf-8")
    return path


__all__ = ["render_report", "write_report", "changed_cases"]
