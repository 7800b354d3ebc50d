#!/usr/bin/env python3
"""Import time of a workspace that has learned titles (the learning loop of issue 13.5).

Usage, from the repository root:
    cargo build --release -p metiers
    python3 bench/cartographie/learned.py [--metiers target/release/metiers]
        [--positions 5000] [--learned 3000] [--out /tmp/bench-learned]

Generates POSITIONS real-shaped job titles (bench/cartographie/generate.py), imports them
into a fresh SQLite workspace, teaches LEARNED of their titles as reviews would (each
position's title becomes a learned title of the occupation it was given: rows of
`learned_titles`, written directly so that the setup does not take thousands of reviews),
then times a second import of the same file, which classifies every position again with
the learned titles. Prints one Markdown table row (for docs/PERFORMANCE.md), then how many
positions whose title is learned follow their lesson (its occupation, proposed).

With `--teach other`, each title is taught as another occupation than the one it was given
(the next one, in the order of ids, among those given): a lesson that contradicts the
fiches, as an organisation's own conventions do.
"""
import argparse
import os
import sqlite3
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--metiers", default=os.path.join(ROOT, "target", "release", "metiers"))
    ap.add_argument("--positions", type=int, default=5000)
    ap.add_argument("--learned", type=int, default=3000)
    ap.add_argument("--out", default="/tmp/bench-learned")
    ap.add_argument("--teach", choices=["given", "other"], default="given",
                    help="occupation taught: the one given at the first import, or another")
    args = ap.parse_args()
    if not os.access(args.metiers, os.X_OK):
        sys.exit(f"{args.metiers} introuvable : construisez d’abord (cargo build --release -p metiers)")
    os.makedirs(args.out, exist_ok=True)
    subprocess.run(
        [sys.executable, os.path.join(ROOT, "bench", "cartographie", "generate.py"),
         "--count", str(args.positions), "--out", args.out, "--metiers", args.metiers],
        check=True, stdout=subprocess.DEVNULL)
    csv = os.path.join(args.out, f"titres-{args.positions}.csv")
    db = os.path.join(args.out, "learned.db")
    for suffix in ("", "-wal", "-shm", ".lock"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    url = f"sqlite://{db}"
    subprocess.run([args.metiers, "cartographie", "--db", url, "import", csv],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    con = sqlite3.connect(db)
    seen = set()
    taught = 0
    rows = con.execute(
        "SELECT id, title, title_key, occupation_id FROM positions "
        "WHERE occupation_id IS NOT NULL ORDER BY id").fetchall()
    given = sorted({occ for _, _, _, occ in rows})
    for pid, title, k, occ in rows:
        if taught >= args.learned or k in seen:
            continue
        seen.add(k)
        if args.teach == "other":
            occ = given[(given.index(occ) + 1) % len(given)]
        con.execute(
            "INSERT INTO learned_titles (title, title_key, occupation_id, source_position_id, learned_by, learned_at) "
            "VALUES (?, ?, ?, ?, 'banc', '2026-12-02T00:00:00Z')", (title, k, occ, pid))
        taught += 1
    con.commit()
    con.close()
    started = time.monotonic()
    subprocess.run([args.metiers, "cartographie", "--db", url, "import", csv],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.monotonic() - started
    print("| postes | intitulés appris | second import (s) | postes/s |")
    print("|---:|---:|---:|---:|")
    print(f"| {args.positions} | {taught} | {wall:.2f} | {args.positions / wall:.0f} |")
    con = sqlite3.connect(db)
    total, same, proposed = con.execute(
        "SELECT COUNT(*), COALESCE(SUM(p.occupation_id = l.occupation_id), 0), "
        "COALESCE(SUM(p.occupation_id = l.occupation_id AND p.status = 'proposed'), 0) "
        "FROM positions p JOIN learned_titles l "
        "ON l.title_key = p.title_key AND l.removed_at IS NULL").fetchone()
    con.close()
    print()
    print("| postes dont l’intitulé est appris | avec le métier appris | dont proposés |")
    print("|---:|---:|---:|")
    print(f"| {total} | {same} | {proposed} |")


if __name__ == "__main__":
    main()
