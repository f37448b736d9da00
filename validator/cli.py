"""Command line: validate, rules, explain, demo. Exit 0 clean, 1 findings at/above --fail-on, 2 cannot validate."""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
from pathlib import Path

import validator
from validator import forked
from validator.errors import ISSUES_URL, UserError

EXIT_OK, EXIT_FINDINGS, EXIT_CANNOT = 0, 1, 2
SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "samples"
# What a one-shot run leaves to the end of the process (main's one_shot): the return and its
# findings. Freed object by object as the run returned, they cost 10 ms for a large LA's SSDA903
# and 30 ms for ten times that; the process ends next anyway.
_LEFT_TO_EXIT: list = []


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # bad arguments are exit 2 with one clear line, like other input errors
        self.print_usage(sys.stderr)
        print(f"returncheck: {message}", file=sys.stderr)
        sys.exit(EXIT_CANNOT)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="returncheck", description="Check an SSDA903 return or CIN census before uploading it to DfE.")
    p.add_argument("--version", action="version", version=f"returncheck {validator.__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    v = sub.add_parser("validate", help="validate a return and write the report(s)")
    v.add_argument("paths", nargs="+", metavar="PATH", help="files or folders of this year's return")
    v.add_argument("--return", dest="ret", choices=["ssda903", "cin"])
    v.add_argument("--year", help="collection year, e.g. 2024/25")
    v.add_argument("--la", help="local authority: ONS code (E09000027) or DfE number (318)")
    v.add_argument("--previous", nargs="+", metavar="PATH", help="last year's return (SSDA903)")
    v.add_argument("--ofsted", nargs="+", metavar="PATH", help="Ofsted provider list workbooks")
    v.add_argument("--html", metavar="FILE")
    v.add_argument("--json", metavar="FILE")
    v.add_argument("--csv", metavar="FILE")
    v.add_argument("--xlsx", metavar="FILE")
    v.add_argument("--junit", metavar="FILE")
    v.add_argument("--mask", action="store_true", help="replace child ids and personal values with pseudonyms")
    v.add_argument("--mask-key", metavar="TEXT", help="secret that keeps --mask pseudonyms the same across runs")
    v.add_argument("--fail-on", choices=["error", "query", "new", "never"], default="error",
                   help="exit 1 when there are findings at this level (new: errors not in --baseline)")
    v.add_argument("--baseline", metavar="FILE", help="an earlier run's --json: mark findings new, persisting or resolved")
    v.add_argument("--explanations", metavar="FILE", help="CSV (rule, child, note) explaining queries, as in DfE's upload system")
    v.add_argument("--change-threshold", metavar="PCT",
                   help="flag a headline figure that moved by more than PCT%% since last year "
                        "(one number for all, or MEASURE=PCT,... per measure)")
    v.add_argument("--published", action="store_true",
                   help="show the preview figures as DfE would publish them (rounded and suppressed)")
    v.add_argument("--batch", metavar="OUTDIR",
                   help="PATH holds one sub-folder per authority: validate them in parallel and write "
                        "OUTDIR/<name>.html, <name>.json and index.html")
    v.add_argument("--profile", metavar="FILE", help="write the time per phase and the slowest rules (JSON)")
    v.add_argument("--jobs", type=int, metavar="N", choices=[1, 2],
                   help="processes to use: 1, or 2 (default, on Linux with 2+ cores: the files are read "
                        "while the program starts, and the rules of a big return run in two)")
    v.add_argument("--select", action="append", metavar="CODES", help="only these rule codes (comma separated)")
    v.add_argument("--ignore", action="append", metavar="CODES", help="skip these rule codes (comma separated)")

    r = sub.add_parser("rules", help="list the rules of a return and year")
    r.add_argument("--return", dest="ret", choices=["ssda903", "cin"])
    r.add_argument("--year")
    r.add_argument("--json", action="store_true")

    e = sub.add_parser("explain", help="what one rule checks")
    e.add_argument("code")
    e.add_argument("--return", dest="ret", choices=["ssda903", "cin"])
    e.add_argument("--year")

    d = sub.add_parser("demo", help="validate a bundled synthetic sample and write report.html")
    d.add_argument("--return", dest="ret", choices=["ssda903", "cin"], default="ssda903")
    d.add_argument("--html", metavar="FILE", default="report.html")

    s = sub.add_parser("serve", help="open a local web page for checking a return without the command line")
    s.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    s.add_argument("--no-browser", action="store_true", help="print the address; do not open a web browser")
    s.add_argument("--max-upload-mb", type=int, default=200, metavar="MB", help="largest upload of one check")
    return p


def main(argv: list[str] | None = None, *, one_shot: bool = False) -> int:
    """Run one command. `one_shot`: this process ends when the command does (the `returncheck`
    command, not a test or a caller that goes on)."""
    args = _parser().parse_args(argv)
    args.one_shot = one_shot
    if one_shot and args.command in ("validate", "demo") and not getattr(args, "batch", None):
        # One check, then os._exit: what the cycle collector would free is freed at exit anyway,
        # and its passes over the objects pandas' import and the reading make cost a tenth of a
        # second or more (peak memory measured the same without it, up to an England-sized return).
        gc.disable()
    try:
        return {"validate": cmd_validate, "rules": cmd_rules, "explain": cmd_explain, "demo": cmd_demo,
                "serve": cmd_serve}[args.command](args)
    except UserError as e:
        print(f"returncheck: {e}", file=sys.stderr)
        return EXIT_CANNOT
    except KeyboardInterrupt:
        print("returncheck: interrupted.", file=sys.stderr)
        return EXIT_CANNOT
    except BrokenPipeError:  # the reader went away (`returncheck rules | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_CANNOT
    except Exception as e:  # noqa: BLE001 - never a traceback for the user
        print(f"returncheck: internal error ({type(e).__name__}: {e}). Please report it to {ISSUES_URL}.",
              file=sys.stderr)
        return EXIT_CANNOT


def entry() -> None:
    """The `returncheck` command: main(), then leave at once. Every output is written and closed
    by then; skipping the interpreter's teardown (freeing every frame and object one by one) saves
    a tenth of a second or more of a typical run.

    Compiled modules are cached even where PYTHONDONTWRITEBYTECODE is set (some CI images and
    containers set it): run from a source checkout (`pip install -e`), Python would otherwise
    compile returncheck's 15,000 lines on every run, a quarter of a second. Installed packages,
    returncheck's own included, have their compiled files from pip already, so what gets written is
    the checkout's `__pycache__` folders (which git ignores)."""
    sys.dont_write_bytecode = False
    code = main(one_shot=True)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`| head`): nothing more to say there
            pass
    os._exit(code)


def validate(paths, *, ret=None, year=None, la=None, previous=None, ofsted=None, select=None, ignore=None,
             phases=None, jobs=1, reading=None, on_loaded=None):
    """Ingest, run the rules, and build the findings table. Returns (RunResult, findings).
    `phases`, when a dict, receives the seconds spent in each phase. `jobs`: processes for the
    rules (None: what suits the machine and the return, see engine.default_workers). `reading`:
    the inputs already being read (ingest.prefetch), else they are read here. `on_loaded(r)`:
    called with the Return once it is loaded, before the rules run."""
    from validator.engine import default_workers, run
    from validator.findings import findings_table
    from validator.ingest import load_return
    from validator.reference import attach_reference

    phases = {} if phases is None else phases
    t0 = time.perf_counter()
    if reading is not None and reading.forked and ret:
        from validator.registry import load

        load(ret)  # imported while the readers finish (a large census takes them longer than pandas' import)
    inputs = reading.result() if reading is not None else None
    r = load_return(paths, previous=previous, kind=ret, year=year, la=la, inputs=inputs)
    attach_reference(r, ofsted=ofsted)
    t1 = time.perf_counter()
    if on_loaded is not None:
        on_loaded(r)
    result = run(r, select=select, ignore=ignore, workers=default_workers(r) if jobs is None else jobs)
    t2 = time.perf_counter()
    findings = findings_table(result)
    t3 = time.perf_counter()
    # derived frames computed on the way by this process (a second one, if any, worked alongside)
    derive = sum(r.__dict__.get("_derive_seconds", {}).values())
    phases.update({"ingest": t1 - t0, "derive": derive, "rules": t2 - t1 - derive, "findings": t3 - t2})
    return result, findings


def _write_profile(path: str, result, phases: dict) -> None:
    """Where the time went: phases, the slowest rules and derived frames, peak memory."""
    import resource

    slow = sorted(result.timings.items(), key=lambda kv: -kv[1])[:10]
    derived = result.ret.__dict__.get("_derive_seconds", {}) | result.child_derive_seconds
    derived = sorted(derived.items(), key=lambda kv: -kv[1])[:10]
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"phases": phases, "slowest_rules": slow, "slowest_derived": derived,
                   "rules_run": len(result.rules_run),
                   "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}, f, indent=1)


def _exit_code(findings, fail_on: str) -> int:
    if fail_on == "never":
        return EXIT_OK
    if fail_on == "new":
        new = findings["status"] == "new" if "status" in findings else True
        return EXIT_FINDINGS if ((findings["severity"] == "error") & new).any() else EXIT_OK
    levels = {"error"} if fail_on == "error" else {"error", "query"}
    open_ = findings["explanation"].isna() if "explanation" in findings else True  # an explained query is done
    return EXIT_FINDINGS if (findings["severity"].isin(levels) & open_).any() else EXIT_OK


def _print_summary(result, findings, out=sys.stdout) -> None:
    from validator.findings import summary
    from validator.model import CURRENT

    s = summary(findings)
    r = result.ret
    from validator.registry import ruleset_year

    if ruleset_year(r.kind, r.year.label) != r.year.label:
        print(f"note: DfE has not published its {r.year.label} {r.kind} rules; checked against the "
              f"{ruleset_year(r.kind, r.year.label)} rules (provisional).", file=sys.stderr)
    print(f"{r.kind} {r.year.label}: {len(result.rules_run)} rules run, {len(result.rules_skipped)} skipped; "
          f"{s['errors']} errors and {s['queries']} queries across {s['children']} children.", file=out)
    for i in r.inputs:  # what was read differently or not at all: the terminal and CI logs see it too
        for note in i.notes:
            print(f"note: {i.path}: {note}", file=sys.stderr)
    changed: dict[str, int] = {}  # values read as meant, which DfE will receive as written (this year's tables)
    for t in r.tables.values():
        if t.year == CURRENT:
            for n in t.normalised:
                changed[n.kind] = changed.get(n.kind, 0) + n.count
    if changed:
        kinds = ", ".join(f"{kind} {count:,}" for kind, count in sorted(changed.items(), key=lambda kc: -kc[1]))
        print(f"note: values of this year's tables read as meant, not as written: {kinds}. DfE will receive "
              "them as written; the report lists them.", file=sys.stderr)


def cmd_batch(args) -> int:
    from validator.batch import run_batch

    if len(args.paths) != 1:
        raise UserError("--batch takes one folder (holding one sub-folder per authority).")
    rows, elapsed = run_batch(args.paths[0], args.batch, ret=args.ret, year=args.year, la=args.la, ofsted=args.ofsted,
                              select=args.select, ignore=args.ignore)
    ok = [r for r in rows if r["status"] == "ok"]
    print(f"{len(rows)} returns in {elapsed:.1f} s ({len(rows) / elapsed:.1f} per second); "
          f"{len(ok)} validated, {sum(r['errors'] > 0 for r in ok)} not ready to submit. "
          f"Index: {Path(args.batch) / 'index.html'}")
    for r in rows:
        if r["status"] != "ok":
            print(f"returncheck: {r['name']}: {r['status']}: {r.get('message', '')}", file=sys.stderr)
    if len(ok) < len(rows):
        return EXIT_CANNOT
    levels = {"error"} if args.fail_on == "error" else {"error", "query"} if args.fail_on == "query" else set()
    failing = any(r["errors"] for r in ok) if "error" in levels else False
    failing = failing or ("query" in levels and any(r["queries"] for r in ok))
    return EXIT_FINDINGS if failing else EXIT_OK


def cmd_validate(args) -> int:
    if args.batch:
        return cmd_batch(args)
    start = time.perf_counter()
    from validator.ingest import prefetch  # no pandas: the files are read while it is imported

    reading = prefetch.start(args.paths, args.previous, fork=args.jobs != 1)
    try:
        return _validate_and_report(args, start, reading)
    finally:
        reading.cancel()


def _validate_and_report(args, start: float, reading) -> int:
    from reports.preview import parse_thresholds

    parse_thresholds(args.change_threshold)  # a bad --change-threshold stops here, before the work
    phases: dict[str, float] = {}
    from validator import followup

    if args.fail_on == "new" and not args.baseline:
        raise UserError("--fail-on new needs --baseline (an earlier run's --json).")
    baseline = followup.load_baseline(args.baseline) if args.baseline else None
    notes = followup.load_explanations(args.explanations) if args.explanations else None
    masker = None
    if args.mask:
        from validator.mask import Masker

        masker = Masker(args.mask_key)
    writer = []

    def on_loaded(r) -> None:
        from reports.preview import configure

        configure(r, change_threshold=args.change_threshold, published=args.published, masker=masker)
        wanted = any((args.json, args.csv, args.junit, args.xlsx, args.html))
        if wanted and args.jobs != 1 and forked.available():
            from reports.outputs import WrittenAlongside

            writer.append(WrittenAlongside(r, args, masker))

    try:
        result, findings = validate(args.paths, ret=args.ret, year=args.year, la=args.la, previous=args.previous,
                                    ofsted=args.ofsted, select=args.select, ignore=args.ignore, phases=phases,
                                    jobs=args.jobs, reading=reading, on_loaded=on_loaded)
        if baseline is not None:
            result.ret.reference["baseline"] = followup.apply_baseline(findings, baseline)
        if notes is not None:
            result.ret.reference["explained"] = followup.apply_explanations(findings, notes)
        t_out = time.perf_counter()
        failed = writer[0].write(result, findings, t_out - start) if writer else None
        if failed is None:  # no second process, or it could not write: here
            from reports.outputs import write_outputs

            failed = write_outputs(args, result, findings, t_out - start, masker)
        phases["outputs"] = time.perf_counter() - t_out
    finally:
        for w in writer:
            w.cancel()
    if args.profile:
        _write_profile(args.profile, result, phases)
    if args.one_shot:
        _LEFT_TO_EXIT.append((result, findings))
    _print_summary(result, findings)
    for message in failed:
        print(f"returncheck: {message}", file=sys.stderr)
    return EXIT_CANNOT if failed else _exit_code(findings, args.fail_on)


def cmd_demo(args) -> int:
    start = time.perf_counter()
    if args.ret == "cin":
        result, findings = validate([str(SAMPLES / "cin_2024_25.xml")], ret="cin")
    else:
        base = SAMPLES / "ssda903_2024_25"
        result, findings = validate([str(base / "current")], ret="ssda903", year="2024/25",
                                    previous=[str(base / "previous")], la="E09000027")
    from reports.html import write_html

    write_html(result, findings, args.html, time.perf_counter() - start)
    _print_summary(result, findings)
    print(f"Wrote {args.html}: open it in a web browser.")
    return EXIT_OK


def cmd_serve(args) -> int:
    from validator.serve import serve

    return serve(port=args.port, open_browser=not args.no_browser, max_upload_mb=args.max_upload_mb)


def _rule_rows(ret: str, year: str | None) -> list[dict]:
    from validator.registry import ruleset, versions
    from validator.spec import spec

    s = spec(ret)
    if year:
        chosen = ruleset(ret, year)
    else:
        chosen = [v for code in s.rules for v in versions(ret, code)]
    rows = []
    for v in chosen:
        m = v.meta
        needs = [n for n, on in (("previous year", m.needs_previous_year == "yes"),
                                 ("previous year (optional)", m.needs_previous_year == "optional"),
                                 ("postcodes", m.needs_postcodes), ("Ofsted lists", m.needs_ofsted_lists),
                                 ("LA code", m.needs_la_code)) if on]
        rows.append({"return": ret, "code": v.code, "severity": m.severity,
                     "message": m.message_for(year) if year else m.message, "fields": list(m.fields),
                     "tables": list(m.tables), "years": list(v.years), "needs": needs,
                     "limited_confidence": v.limited_confidence})
    return rows


def cmd_rules(args) -> int:
    from validator.years import SUPPORTED, CollectionYear

    year = CollectionYear.parse(args.year).label if args.year else None
    if year and year not in SUPPORTED:
        raise UserError(f"--year {year}: returncheck has DfE's rules for {', '.join(SUPPORTED)}.")
    rows = [row for ret in ([args.ret] if args.ret else ["ssda903", "cin"]) for row in _rule_rows(ret, year)]
    if args.json:
        json.dump({"return": args.ret, "year": year, "rules": rows}, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return EXIT_OK
    for row in rows:
        years = ", ".join(row["years"])
        print(f"{row['return']:8} {row['code']:10} {row['severity']:6} {row['message']}  [{years}]")
    print(f"{len(rows)} rules.")
    return EXIT_OK


def cmd_explain(args) -> int:
    from validator.registry import versions
    from validator.spec import spec

    rets = [args.ret] if args.ret else ["ssda903", "cin"]
    found = [(ret, spec(ret).rules[c]) for ret in rets for c in spec(ret).rules if c.upper() == args.code.upper()]
    if not found:
        raise UserError(f"'{args.code}' is not a DfE rule code of {' or '.join(rets)}.")
    if len(found) > 1:
        raise UserError(f"'{args.code}' is a rule of both returns; add --return ssda903 or --return cin.")
    ret, m = found[0]
    vs = versions(ret, m.code)
    print(f"Rule {m.code} ({ret}, {m.severity})")
    print(f"DfE message: {m.message_for(args.year) if args.year else m.message}")
    for start, text in m.messages_by_year:
        if text != m.message:
            print(f"  wording from {start}: {text}")
    print(f"Fields: {', '.join(m.fields)}")
    print(f"Tables: {', '.join(m.tables)}")
    print(f"Active in: {', '.join(m.active_years) or 'no year'}")
    needs = [("last year's return", m.needs_previous_year == "yes"),
             ("last year's return (optional: checks more with it)", m.needs_previous_year == "optional"),
             ("postcode directory", m.needs_postcodes), ("Ofsted provider lists", m.needs_ofsted_lists),
             ("the LA code (--la)", m.needs_la_code)]
    print(f"Needs: {', '.join(n for n, on in needs if on) or 'the return only'}")
    if m.dfe_logic:
        print(f"DfE logic: {m.dfe_logic}")
    if m.notes:
        print(f"Notes: {m.notes}")
    if not vs:
        print("Implementation: not implemented yet in returncheck.")
    for v in vs:
        print(f"Implementation for {', '.join(v.years)}: {v.where}")
        if v.doc:
            print("  " + v.doc.replace("\n", "\n  "))
    return EXIT_OK
