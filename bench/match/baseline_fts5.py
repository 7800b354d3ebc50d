#!/usr/bin/env python3
"""The naive baseline: SQLite FTS5 (BM25) over the fiches, with the standard library only.

Usage: baseline_fts5.py REFERENTIEL.json < texts.txt > results.jsonl
REFERENTIEL.json comes from `metiers export --format json`; each input line is one text; each
output line is {"query", "matches": [{"id", "title", "score"}]}, best first (top 3).
"""
import json
import re
import sqlite3
import sys


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        referentiel = json.load(f)
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE fiche USING fts5(id UNINDEXED, title, alt, headings, body,"
        " tokenize = 'unicode61 remove_diacritics 2')"
    )
    for o in referentiel["occupations"]:
        groups = o.get("activity_groups", [])
        body = [a["text"] + " " + " ".join(a.get("details", [])) for g in groups for a in g["activities"]]
        db.execute(
            "INSERT INTO fiche VALUES (?, ?, ?, ?, ?)",
            (
                o["id"],
                o["title"],
                " ; ".join(o.get("alt_titles", [])),
                " ; ".join(g["heading"] or "" for g in groups),
                " ".join(o.get("summary", []) + body),
            ),
        )
    titles = {o["id"]: o["title"] for o in referentiel["occupations"]}
    out = sys.stdout
    for line in sys.stdin:
        text = line.rstrip("\n")
        words = [w for w in re.findall(r"\w+", text.lower()) if len(w) > 1]
        matches = []
        if words:
            query = " OR ".join('"' + w.replace('"', "") + '"' for w in words)
            rows = db.execute(
                "SELECT id, bm25(fiche) AS s FROM fiche WHERE fiche MATCH ? ORDER BY s LIMIT 3",
                (query,),
            ).fetchall()
            matches = [{"id": i, "title": titles[i], "score": -s} for i, s in rows]
        out.write(json.dumps({"query": text, "matches": matches}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
