#!/usr/bin/env python3
"""Import circles between the files of one Rust crate (src/ folder): each file is a module, an
arrow goes from a file to each file whose module it names (use crate::…, super::…, crate::a::b
in code). Prints the strongly connected components with more than one file.
Usage: module_cycles.py CRATE_SRC_DIR

Copied from the project's shared tools (shared/tools/module_cycles.py) so that a fresh clone
checks it: scripts/test fails when a crate has an import circle."""
import os, re, sys

def modules(src):
    mods = {}
    for root, _, files in os.walk(src):
        for f in files:
            if not f.endswith(".rs"): continue
            p = os.path.join(root, f); rel = os.path.relpath(p, src)[:-3].split(os.sep)
            if rel[-1] in ("mod", "lib", "main"): rel = rel[:-1]
            mods[tuple(rel)] = p
    return mods

def expand(path):
    # a::{b, c::d} -> a::b, a::c::d (one level of braces, enough for use trees)
    m = re.match(r"^(.*?)::\{(.*)\}$", path, re.S)
    if not m: return [path]
    head, inner = m.group(1), m.group(2)
    parts, depth, cur = [], 0, ""
    for ch in inner:
        if ch == "{": depth += 1
        if ch == "}": depth -= 1
        if ch == "," and depth == 0: parts.append(cur); cur = ""
        else: cur += ch
    parts.append(cur)
    out = []
    for p in parts:
        p = p.strip()
        if p and p != "self": out += expand(head + "::" + p)
        elif p == "self": out.append(head)
    return out

def refs(text, me):
    text = re.sub(r"//[^\n]*", "", text)
    paths = []
    for m in re.finditer(r"\buse\s+((?:crate|super|self)(?:::[^;]*)?);", text, re.S):
        paths += expand(re.sub(r"\s+", "", m.group(1)))
    paths += re.findall(r"\b((?:crate|super)(?:::\w+)+)", text)
    out = set()
    for p in paths:
        segs = p.split("::")
        if segs[0] == "crate": base = []
        elif segs[0] in ("super", "self"):
            base = list(me)
            while segs and segs[0] in ("super", "self"):
                if segs[0] == "super" and base: base = base[:-1]
                segs = segs[1:]
            segs = ["crate"] + segs
        segs = [s for s in segs[1:] if re.match(r"^\w+$", s)]
        out.add(tuple(base + segs))
    return out

def main(src):
    mods = modules(src)
    graph = {m: set() for m in mods}
    for m, p in mods.items():
        for r in refs(open(p, encoding="utf-8").read(), m if not p.endswith(("mod.rs", "lib.rs")) else m + ("_",)):
            for k in range(len(r), 0, -1):
                if r[:k] in mods:
                    if r[:k] != m and r[:k] != (): graph[m].add(r[:k])
                    break
    index, low, stack, on, sccs, n = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)
    def strong(v):
        index[v] = low[v] = n[0]; n[0] += 1; stack.append(v); on.add(v)
        for w in graph[v]:
            if w not in index: strong(w); low[v] = min(low[v], low[w])
            elif w in on: low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v: break
            if len(comp) > 1: sccs.append(comp)
    for v in graph:
        if v not in index: strong(v)
    return [[os.path.relpath(mods[c], src) for c in comp] for comp in sccs]

if __name__ == "__main__":
    for comp in main(sys.argv[1]):
        print(len(comp), " ".join(sorted(comp)))
