#!/usr/bin/env python3
"""Server CPU time per request, one keep-alive client sending requests one after the other
(read from /proc/PID/stat before and after; the client's own time is not counted).

    target/release/metiers serve --addr 127.0.0.1:18555 --db aucune &   # METIERS_MATCH_CACHE=0 for no cache
    python3 bench/load/cpu_per_request.py PID health|page|match [--port 18555] [--titles FILE]

`match` sends each line of --titles once (bench/load/distinct_titles.py --posts writes them).
"""
import argparse
import http.client
import json
import os


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pid", type=int)
    ap.add_argument("kind", choices=["health", "page", "match"])
    ap.add_argument("--port", type=int, default=18555)
    ap.add_argument("--titles", default="target/bench-load/titres-public-it-posts.txt")
    ap.add_argument("--page", default="/metiers/webmestre")
    args = ap.parse_args()
    c = http.client.HTTPConnection("127.0.0.1", args.port)
    start = cpu_seconds(args.pid)
    n = 0
    if args.kind == "health":
        for _ in range(4000):
            c.request("GET", "/healthz")
            c.getresponse().read()
            n += 1
    elif args.kind == "page":
        for _ in range(1000):
            c.request("GET", args.page)
            c.getresponse().read()
            n += 1
    else:
        with open(args.titles, encoding="utf-8") as f:
            titles = [line.strip() for line in f if line.strip()]
        for t in titles:
            body = json.dumps({"text": t, "top": 3})
            c.request("POST", "/api/v1/match", body=body, headers={"Content-Type": "application/json"})
            c.getresponse().read()
            n += 1
    used = cpu_seconds(args.pid) - start
    print(f"{args.kind} : {n} requêtes ; CPU du serveur par requête : {used / n * 1e6:.0f} µs")


if __name__ == "__main__":
    main()
