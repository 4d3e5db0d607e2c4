#!/usr/bin/env python3
"""Reading real exports: what `accord.toml`'s reading settings cost.

On the export of benches/e2e.py (default 1M leads, ~10M activities), times
in one run, interleaved so that machine noise hits all alike:

  baseline   a build of accord from before the reading settings (--baseline),
             on the plain UTF-8 export: "no slower than today";
  utf-8      this build, the same export and no settings;
  cp1252     the same rows saved as Windows-1252 (`encoding = "windows-1252"`),
             decoded before reading: target at most 1.5x utf-8;
  excel      a European Excel re-save: `;`-separated, Windows-1252
             (delimiter detected, `encoding` set).

Each is checked to give the same verdict document as utf-8. Reports the
median wall time of each over RUNS runs and the ratios. Usage:

  python3 benches/exports.py [--leads 1000000] [--runs 5] [--baseline PATH]

The generated data contains only ASCII, so the Windows-1252 files are the
same bytes: what is measured is the decoding pass, which reads and writes
every byte whatever they are.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AS_OF = "2027-04-15T12:00:00+02:00"


def run(cmd):
    """Wall time of one child process, in seconds, and its output."""
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed: {done.stderr.decode()[-2000:]}")
    return elapsed, done.stdout


def semicolons(src, dst):
    """The CSV file `src` with `;` for `,` (the generated cells hold no
    comma and no semicolon; a quoted cell is copied as it is)."""
    with open(src, "rb") as f, open(dst, "wb") as out:
        for line in f:
            if b";" in line:
                sys.exit(f"{src}: a cell holds a semicolon")
            if b'"' in line:
                parts, quoted = [], False
                for ch in line:
                    c = bytes([ch])
                    if c == b'"':
                        quoted = not quoted
                    parts.append(b";" if c == b"," and not quoted else c)
                out.write(b"".join(parts))
            else:
                out.write(line.replace(b",", b";"))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--leads", type=int, default=1_000_000)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--data", default=os.path.join(ROOT, "target", "bench-data"))
    p.add_argument("--baseline", help="an accord binary built from an earlier commit")
    args = p.parse_args()

    subprocess.run(["cargo", "build", "--release", "--quiet", "--example", "generate", "--bin", "accord"],
                   cwd=ROOT, check=True)
    release = os.path.join(ROOT, "target", "release")
    data = os.path.join(args.data, str(args.leads))
    leads, activities = os.path.join(data, "leads.csv"), os.path.join(data, "activities.csv")
    if not os.path.exists(activities):
        subprocess.run([os.path.join(release, "examples", "generate"), "--leads", str(args.leads),
                        "--seed", "1", "--out", data], check=True)
    excel = os.path.join(data, "excel")
    os.makedirs(excel, exist_ok=True)
    for name in ("leads.csv", "activities.csv"):
        dst = os.path.join(excel, name)
        if not os.path.exists(dst):
            semicolons(os.path.join(data, name), dst)
    configs = {}
    for name, folder, extra in [("utf-8", data, ""), ("cp1252", data, 'encoding = "windows-1252"\n'),
                                ("excel", excel, 'encoding = "windows-1252"\n')]:
        path = os.path.join(data, f"{name}.toml")
        with open(path, "w") as f:
            f.write(f'[leads]\npath = "{os.path.join(folder, "leads.csv")}"\n{extra}'
                    f'[activities]\npath = "{os.path.join(folder, "activities.csv")}"\n{extra}')
        configs[name] = path
    size = (os.path.getsize(leads) + os.path.getsize(activities)) / 2**20
    print(f"data: {args.leads} leads, {size:.0f} MiB of CSV in {data}")

    accord = os.path.join(release, "accord")
    common = ["eval", "benches/e2e.sla", "--as-of", AS_OF, "--format", "json"]
    contenders = {}
    if args.baseline:
        contenders["baseline"] = [args.baseline] + common + ["--leads", leads, "--activities", activities,
                                                              "--config", "/dev/null"]
    for name, config in configs.items():
        contenders[name] = [accord] + common + ["--config", config]
    times = {name: [] for name in contenders}
    outputs = {}
    for _ in range(args.runs):
        for name, cmd in contenders.items():
            elapsed, out = run(cmd)
            times[name].append(elapsed)
            outputs.setdefault(name, out)
    # Same verdicts whatever the shape; issues name their own files, which
    # differ for the re-saved copy.
    import json

    def seen(out):
        doc = json.loads(out)
        issues = [(i["line"], i.get("column"), i["message"]) for i in doc["issues"]]
        return doc["rules"], doc["data"], issues, doc["warnings"]

    reference = seen(outputs["utf-8"])
    for name in ("cp1252", "excel"):
        if seen(outputs[name]) != reference:
            sys.exit(f"{name} gives other verdicts than utf-8")
    def unordered(rules):
        # Breaches are listed in an order of the data since the baseline
        # (by deadline, then lead): compare them as sets.
        for rule in rules:
            for w in rule["windows"]:
                w["breaches"] = sorted(w["breaches"], key=lambda b: (b["lead"], b["reason"]))
        return rules

    if "baseline" in outputs and unordered(json.loads(outputs["baseline"])["rules"]) != unordered(reference[0]):
        sys.exit("the baseline gives other verdicts")
    med = {name: statistics.median(t) for name, t in times.items()}
    print(f"median of {args.runs} runs (interleaved):")
    for name in contenders:
        print(f"  {name:10} {med[name]:7.2f} s   runs: " + ", ".join(f"{t:.2f}" for t in times[name]))
    if "baseline" in med:
        print(f"utf-8 / baseline  = {med['utf-8'] / med['baseline']:.2f}  (target <= 1.0, noise aside)")
    print(f"cp1252 / utf-8    = {med['cp1252'] / med['utf-8']:.2f}  (target <= 1.5)")
    print(f"excel / utf-8     = {med['excel'] / med['utf-8']:.2f}")


if __name__ == "__main__":
    main()
