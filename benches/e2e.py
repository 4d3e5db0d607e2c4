#!/usr/bin/env python3
"""End-to-end benchmark: accord eval against a plain CSV read and DuckDB.

Generates a CRM export once per order of its activities (default 1M leads,
~10M activities, with examples/generate.rs: wide lead columns, 26 owners),
by time (as most CRMs export), shuffled, and by lead. Then times, in the
same run and interleaved so that machine noise hits all alike, on each
order:

  floor   examples/read_csv: the csv crate reads both files, nothing else;
  accord  accord eval benches/e2e.sla --format json;
  duckdb  SQL computing the same quota, response, attempts and duty figures
          over the same CSV files (pip install duckdb).

Reports the median wall time of each over RUNS runs, the peak memory (the
largest of the runs), and the ratios accord/floor and duckdb/accord; checks
that DuckDB's figures are accord's, and that the three orders give
byte-identical verdict documents. Usage:

  python3 benches/e2e.py [--leads 1000000] [--runs 5] [--data target/bench-data]
                         [--orders time,shuffled,lead] [--threads N]
"""

import argparse
import hashlib
import os
import resource
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AS_OF = "2027-04-15T12:00:00+02:00"

SQL = """
SET TimeZone = 'Europe/Amsterdam';
CREATE TEMP TABLE l AS
  SELECT id, owner, email, phone, TRY_CAST(handed_off_at AS TIMESTAMPTZ) AS h
  FROM read_csv('{leads}', all_varchar = true)
  WHERE source = 'marketing';
CREATE TEMP TABLE a AS
  SELECT lead, kind, outcome, TRY_CAST("at" AS TIMESTAMPTZ) AS t
  FROM read_csv('{activities}', all_varchar = true);
CREATE TEMP TABLE judged AS
  SELECT l.id, l.owner, l.h, strftime(l.h, '%Y-%m') AS m,
         min(a.t) FILTER (WHERE a.kind IN ('call', 'email', 'meeting') AND a.t >= l.h) AS first_touch,
         min(a.t) FILTER (WHERE a.kind = 'call' AND a.outcome = 'connected'
                          AND a.t BETWEEN l.h AND l.h + INTERVAL 14 DAY) AS connected,
         list(a.t) FILTER (WHERE a.kind = 'call' AND a.t BETWEEN l.h AND l.h + INTERVAL 14 DAY) AS calls,
         coalesce(l.email, '') <> '' AND coalesce(l.phone, '') <> '' AS dossier
  FROM l LEFT JOIN a ON a.lead = l.id AND a.t <= TIMESTAMPTZ '{as_of}'
  WHERE l.h < TIMESTAMPTZ '{as_of}'
  GROUP BY ALL;
SELECT 'volume' AS figure, m, NULL AS owner, count(*) AS n, NULL AS met FROM judged GROUP BY ALL
UNION ALL
SELECT 'speed', m, owner,
       count(*) FILTER (WHERE first_touch IS NOT NULL OR h + INTERVAL 1 HOUR < TIMESTAMPTZ '{as_of}'),
       count(*) FILTER (WHERE first_touch <= h + INTERVAL 1 HOUR)
FROM judged GROUP BY ALL
UNION ALL
SELECT 'depth', m, owner, count(*),
       count(*) FILTER (WHERE
         (connected IS NOT NULL AND len(list_filter(calls, lambda c: c <= connected)) <= 9)
         OR len(coalesce(calls, [])) BETWEEN 3 AND 9)
FROM judged GROUP BY ALL
UNION ALL
SELECT 'dossier', m, NULL, count(*), count(*) FILTER (WHERE dossier) FROM judged GROUP BY ALL
UNION ALL
SELECT 'uncontacted', NULL, owner, count(*) FILTER (WHERE first_touch IS NULL), NULL FROM judged GROUP BY ALL
ORDER BY 1, 2, 3;
"""


def run(cmd, cwd=ROOT):
    """Wall time and peak memory (MiB) of one child process."""
    start = time.perf_counter()
    child = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # Read stderr before waiting, so that a chatty child cannot block.
    err = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed: {err.decode()[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024


def agree(contenders, data):
    """The benchmark is only fair if both compute the same thing: compare
    DuckDB's figures with accord's verdict document, window by window.
    Returns the document's digest, with the data's folder (which issues
    name) left out, to compare across orders."""
    import json

    out = subprocess.run(contenders["accord eval"], cwd=ROOT, capture_output=True).stdout
    doc = json.loads(out)
    rows = json.loads(subprocess.run(contenders["duckdb"], cwd=ROOT, capture_output=True, text=True).stdout)
    names = {"volume": "Volume", "speed": "Speed", "depth": "Depth", "dossier": "Dossier"}
    ours = {}
    for rule in doc["rules"]:
        for w in rule["windows"]:
            if w["state"] != "closed":
                continue  # open windows hold undecided leads the SQL counts
            c = w["counts"]
            judged = c.get("leads", c.get("met", 0) + c.get("missed", 0))
            ours[(rule["name"], w["window"], w["group"])] = (judged, c.get("met"))
    differ, compared = [], 0
    for figure, month, owner, n, met in rows:
        if figure not in names:
            continue
        key = (names[figure], month, owner if figure in ("speed", "depth") else None)
        if key[2] is None and figure in ("speed", "depth"):
            key = (key[0], key[1], "")
        if key[1] is None or key[1] >= "2027-04":
            continue  # the open month: undecided leads are counted differently
        compared += 1
        if ours.get(key) != (n, met):
            differ.append((key, ours.get(key), (n, met)))
    if differ:
        sys.exit(f"accord and DuckDB disagree on {len(differ)} windows, e.g. {differ[:3]}")
    print(f"  same figures: all {compared} closed windows agree between DuckDB and accord")
    return hashlib.sha256(out.replace(os.path.relpath(data, ROOT).encode(), b"DATA")).hexdigest()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--leads", type=int, default=1_000_000)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--data", default=os.path.join(ROOT, "target", "bench-data"))
    p.add_argument("--orders", default="time,shuffled,lead")
    p.add_argument("--threads", type=int, help="accord's --threads (default: its own, the cores)")
    args = p.parse_args()
    orders = args.orders.split(",")

    subprocess.run(["cargo", "build", "--release", "--quiet", "--examples", "--bin", "accord"], cwd=ROOT, check=True)
    release = os.path.join(ROOT, "target", "release")
    contenders, folders = {}, {}
    for order in orders:
        data = os.path.join(args.data, f"wide-{args.leads}-{order}")
        folders[order] = data
        leads, activities = os.path.join(data, "leads.csv"), os.path.join(data, "activities.csv")
        if not os.path.exists(activities):
            subprocess.run([os.path.join(release, "examples", "generate"), "--leads", str(args.leads),
                            "--seed", "1", "--order", order, "--out", data], check=True)
        size = (os.path.getsize(leads) + os.path.getsize(activities)) / 2**20
        print(f"data by {order}: {args.leads} leads, {size:.0f} MiB of CSV in {data}")

        duck = os.path.join(data, "duck.py")
        with open(duck, "w") as f:
            f.write("import duckdb, json\n")
            f.write("con = duckdb.connect()\n")
            f.write("con.execute(\"SET threads = 2\")\n")
            for stmt in SQL.format(leads=leads, activities=activities, as_of=AS_OF).split(";"):
                if stmt.strip():
                    f.write(f"rows = con.execute({stmt.strip()!r}).fetchall()\n")
            f.write("print(json.dumps(rows))\n")
        threads = ["--threads", str(args.threads)] if args.threads else []
        contenders[order] = {
            "floor (csv read)": [os.path.join(release, "examples", "read_csv"), leads, activities],
            "accord eval": [os.path.join(release, "accord"), "eval", "benches/e2e.sla", "--leads", leads,
                            "--activities", activities, "--as-of", AS_OF, "--format", "json"] + threads,
            "duckdb": [sys.executable, duck],
        }

    times = {(o, name): [] for o in orders for name in contenders[o]}
    peaks = {key: 0.0 for key in times}
    for _ in range(args.runs):
        for order in orders:
            for name, cmd in contenders[order].items():
                elapsed, peak = run(cmd)
                times[(order, name)].append(elapsed)
                peaks[(order, name)] = max(peaks[(order, name)], peak)
    digests = {}
    for order in orders:
        med = {name: statistics.median(times[(order, name)]) for name in contenders[order]}
        print(f"by {order}, median of {args.runs} runs (interleaved):")
        for name in contenders[order]:
            print(f"  {name:18} {med[name]:8.2f} s   peak {peaks[(order, name)]:7.0f} MiB   runs: "
                  + ", ".join(f"{t:.2f}" for t in times[(order, name)]))
        digests[order] = agree(contenders[order], folders[order])
        print(f"  accord / floor  = {med['accord eval'] / med['floor (csv read)']:.2f}  (target <= 1.5)")
        print(f"  duckdb / accord = {med['duckdb'] / med['accord eval']:.2f}  (target >= 3)")
    if len(set(digests.values())) == 1:
        print(f"verdict documents byte-identical across {', '.join(orders)}")
    else:
        sys.exit(f"verdict documents differ between orders: {digests}")


if __name__ == "__main__":
    main()
