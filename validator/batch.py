"""Batch: several authorities' returns in one folder (one sub-folder each), validated in parallel.

    ROOT/
      E09000027/            a sub-folder per authority (its name is taken as --la when it is an
        current/ previous/  ONS code or DfE number); with current/ and previous/ inside, or the
      Barnet/               return's files directly
        ...

Each authority gets OUT/<name>.html and OUT/<name>.json; OUT/index.html lists them all.
"""

from __future__ import annotations

import html
import json
import os
import re
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from validator.errors import UserError


def authorities(root: str) -> list[tuple[str, list[str], list[str] | None]]:
    """(name, current paths, previous paths) for each sub-folder of `root`."""
    base = Path(root)
    if not base.is_dir():
        raise UserError(f"{root}: --batch needs a folder holding one sub-folder per authority.")
    out = []
    for sub in sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith(".")):
        cur, prev = sub / "current", sub / "previous"
        if cur.is_dir():
            out.append((sub.name, [str(cur)], [str(prev)] if prev.is_dir() else None))
        else:
            out.append((sub.name, [str(sub)], [str(prev)] if prev.is_dir() else None))
    if not out:
        raise UserError(f"{root}: no sub-folders found; --batch expects one sub-folder per authority.")
    return out


def _one(job: dict) -> dict:
    """Validate one authority's return and write its reports (runs in a worker process)."""
    from reports.html import write_html
    from reports.json_out import write_json
    from validator.cli import validate

    start = time.perf_counter()
    name = job["name"]
    la = job["la"] or (name if re.fullmatch(r"E\d{8}|\d{3}", name) else None)
    row = {"name": name, "html": f"{name}.html", "json": f"{name}.json"}
    try:
        result, findings = validate(job["paths"], ret=job["ret"], year=job["year"], la=la,
                                    previous=job["previous"], ofsted=job["ofsted"],
                                    select=job["select"], ignore=job["ignore"])
        elapsed = time.perf_counter() - start
        write_html(result, findings, str(Path(job["out"]) / row["html"]), elapsed)
        write_json(result, findings, str(Path(job["out"]) / row["json"]))
        r = result.ret
        row.update(status="ok", ret=r.kind, year=r.year.label, la=r.la or "",
                   errors=int((findings["severity"] == "error").sum()),
                   queries=int((findings["severity"] == "query").sum()),
                   children=int(findings["child"].dropna().nunique()))
    except UserError as e:
        row.update(status="could not validate", message=str(e), html="", json="")
    except Exception as e:  # noqa: BLE001 - one authority's failure must not stop the others
        row.update(status="internal error", message=f"{type(e).__name__}: {e}", html="", json="")
    row["seconds"] = round(time.perf_counter() - start, 2)
    return row


def run_batch(root: str, out: str, *, ret=None, year=None, la=None, ofsted=None, select=None, ignore=None,
              workers: int | None = None) -> tuple[list[dict], float]:
    Path(out).mkdir(parents=True, exist_ok=True)
    jobs = [{"name": name, "paths": cur, "previous": prev, "ret": ret, "year": year, "la": la, "ofsted": ofsted,
             "select": select, "ignore": ignore, "out": out} for name, cur, prev in authorities(root)]
    start = time.perf_counter()
    workers = workers or min(len(jobs), os.cpu_count() or 1)
    if workers == 1:
        rows = [_one(j) for j in jobs]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            rows = list(pool.map(_one, jobs))
    elapsed = time.perf_counter() - start
    _write_index(rows, Path(out) / "index.html", elapsed)
    (Path(out) / "index.json").write_text(json.dumps({"authorities": rows, "seconds": round(elapsed, 2)}, indent=1))
    return rows, elapsed


def _write_index(rows: list[dict], path: Path, elapsed: float) -> None:
    e = html.escape
    body = []
    for r in rows:
        link = f'<a href="{e(r["html"])}">{e(r["name"])}</a>' if r["html"] else e(r["name"])
        if r["status"] == "ok":
            verdict = "ready to submit" if r["errors"] == 0 else "not ready"
            body.append(f"<tr><th scope='row'>{link}</th><td>{e(r['ret'])} {e(r['year'])}</td><td>{r['errors']}</td>"
                        f"<td>{r['queries']}</td><td>{r['children']}</td><td>{verdict}</td><td>{r['seconds']}</td></tr>")
        else:
            body.append(f"<tr><th scope='row'>{link}</th><td colspan='5'>{e(r['status'])}: {e(r.get('message', ''))}</td>"
                        f"<td>{r['seconds']}</td></tr>")
    path.write_text(f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>returncheck: {len(rows)} returns</title>
<style>body{{font:15px/1.45 system-ui,Arial,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem}}
table{{border-collapse:collapse;width:100%}}th,td{{border:1px solid #b8b8b8;padding:.3rem .5rem;text-align:left}}
thead th{{background:#eef0f3}}a:focus{{outline:3px solid #1d4ed8}}</style></head><body>
<h1>returncheck: {len(rows)} returns checked in {elapsed:.1f} s</h1>
<table><caption>One row per authority; open a name for its report.</caption>
<thead><tr><th scope="col">Authority</th><th scope="col">Return</th><th scope="col">Errors</th><th scope="col">Queries</th>
<th scope="col">Children with findings</th><th scope="col">Verdict</th><th scope="col">Seconds</th></tr></thead>
<tbody>{''.join(body)}</tbody></table></body></html>
""", encoding="utf-8")
