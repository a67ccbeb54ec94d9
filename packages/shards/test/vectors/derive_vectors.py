"""Derives the golden vectors in ../hashing-vectors.test.ts from the reference XXH64 (python-xxhash 4.0.1,
which wraps the xxHash C library) and an independent re-implementation of the original's algorithms as the
reference document describes them (§1.5 checksum, §3.4 rendezvous, §3.5 ring, §3.6 locality).

Run: pip install xxhash==4.0.1 && python3 derive_vectors.py > vectors.json
"""
import json
import math

import xxhash


def h(s: str) -> int:
    return xxhash.xxh64_intdigest(s.encode("utf-8"), seed=0)


def unit(v: int) -> float:
    # (double)ulong / (double)ulong.MaxValue; float(2**64 - 1) rounds to 2**64
    return float(v) / float(2**64 - 1)


def dotnet_double(x: float) -> str:
    # .NET Core 3.0+ invariant double.ToString(): shortest round-trip, E notation outside [1e-4, 1e15)
    if x == 0:
        return "-0" if math.copysign(1, x) < 0 else "0"
    r = repr(x)
    mant, _, exp = ("%r" % x).partition("e")
    digits_exp = "{:e}".format(x)  # not used; repr gives the shortest digits
    # shortest digits via repr; recompute decimal exponent
    d = r.lstrip("-")
    if "e" in d:
        m, e = d.split("e")
        e = int(e)
        ds = m.replace(".", "")
        ip = m.split(".")[0]
        exp10 = e + len(ip) - 1
    else:
        ip, _, fp = d.partition(".")
        fp = fp.rstrip("0") if fp != "0" else ""
        if ip != "0":
            ds = (ip + fp).rstrip("0") or "0"
            exp10 = len(ip) - 1
        else:
            stripped = fp.lstrip("0")
            exp10 = -(len(fp) - len(stripped)) - 1
            ds = stripped
    ds = ds.rstrip("0") or "0"
    sign = "-" if x < 0 else ""
    if exp10 >= 15 or exp10 < -4:
        m = ds[0] + ("." + ds[1:] if len(ds) > 1 else "")
        return f"{sign}{m}E{'-' if exp10 < 0 else '+'}{abs(exp10):02d}"
    if exp10 < 0:
        return f"{sign}0.{'0' * (-exp10 - 1)}{ds}"
    if len(ds) <= exp10 + 1:
        return f"{sign}{ds}{'0' * (exp10 + 1 - len(ds))}"
    return f"{sign}{ds[:exp10 + 1]}.{ds[exp10 + 1:]}"


STATUS = {"active": 0, "draining": 1, "paused": 2, "disabled": 3}


def checksum(ns, sid, strat, owner, leader, cap, status, ticket):
    s = f"{ns}|{sid}|{strat}|{owner}|{leader or ''}|{dotnet_double(cap)}|{STATUS[status]}|{ticket or ''}"
    return s, "%016X" % h(s)


def rendezvous(ns, shards, nodes):
    out = []
    for sid in shards:
        best, owner = -math.inf, None
        for n in nodes:
            score = unit(h(f"{ns}/{sid}::{n['nodeId']}")) * max(0.001, n.get("weight", 1.0))
            if score > best or (owner is not None and abs(score - best) < 1e-12 and n["nodeId"] < owner):
                best, owner = score, n["nodeId"]
        out.append(owner)
    return out


def ring(ns, shards, nodes):
    points = []
    for n in nodes:
        w = n.get("weight", 1.0) * 64
        replicas = max(1, int(math.floor(abs(w) + 0.5)) * (1 if w >= 0 else -1))
        for i in range(replicas):
            points.append((h(f"{n['nodeId']}#{i}"), n["nodeId"]))
    points.sort()
    out = []
    for sid in shards:
        sh = h(f"{ns}/{sid}")
        owner = next((p[1] for p in points if p[0] >= sh), points[0][1])
        out.append(owner)
    return out


def locality(ns, shards_with_hints, nodes):
    out = []
    for sid, hint in shards_with_hints:
        t = (hint or "").strip()
        region = zone = None
        if t:
            if t.lower().startswith("zone:"):
                zone = t[5:]
            elif t.lower().startswith("region:"):
                region = t[7:]
            elif "/" in t:
                parts = [p for p in t.split("/", 1) if p]
                region = parts[0] if parts else None
                zone = parts[1] if len(parts) > 1 else None
            else:
                region = t
        cands = []
        if zone is not None:
            cands = [n for n in nodes if (n.get("zone") or "").upper() == zone.upper() and n.get("zone") is not None]
        if not cands and region is not None:
            cands = [n for n in nodes if n.get("region") is not None and n["region"].upper() == region.upper()]
        if not cands:
            cands = nodes
        out.append(rendezvous(ns, [sid], cands)[0])
    return out


NODES = [
    {"nodeId": "iad-zone-1", "weight": 1.0, "region": "iad", "zone": "iad-1"},
    {"nodeId": "iad-zone-2", "weight": 0.8, "region": "iad", "zone": "iad-2"},
    {"nodeId": "phx-zone-1", "weight": 1.3, "region": "phx", "zone": "phx-1"},
    {"nodeId": "phx-zone-2", "weight": 1.1, "region": "phx", "zone": "phx-2"},
    {"nodeId": "dub-zone-1", "weight": 0.9, "region": "dub", "zone": "dub-1"},
    {"nodeId": "dub-zone-2", "weight": 0.9, "region": "dub", "zone": "dub-2"},
]
SHARDS = [f"shard-{i:03d}" for i in range(24)]
HINTS = ["iad/iad-1", "phx/phx-1", "dub", "zone:dub-2", "region:phx", "", "/iad", "IAD/IAD-2"]

print(json.dumps({
    "xxh64": {s: "%016X" % h(s) for s in ["", "a", "abc", "xxhash", "mesh.control/shard-01::node-a", "node-a#0", "héllo wörld ✓ 𝄞", "a" * 100]},
    "formatted": {repr(x): dotnet_double(x) for x in [0.0, 1.0, 0.5, 1.2, 1.3, 100.0, 1e14, 1e15, 1.5e15, 0.0001, 1e-05, 1.25e-07, -0.0, -2.5, 123456.789]},
    "checksums": [
        list(checksum("mesh.control", "shard-01", "rendezvous", "node-a", None, 1.0, "active", None)),
        list(checksum("mesh.control", "shard-01", "rendezvous", "node-a", "node-b", 1.0, "active", None)),
        list(checksum("mesh.control", "shard-01", "rendezvous", "node-a", None, 1.0, "active", "CHG-42")),
        list(checksum("mesh.control", "shard-01", "ring", "node-b", None, 0.5, "draining", None)),
        list(checksum("ns", "a|b", "locality", "nödé-ü", "", 1e15, "disabled", "t")),
        list(checksum("ns", "s", "rendezvous", "n", None, 1e-05, "paused", None)),
    ],
    "rendezvous": rendezvous("mesh.control", SHARDS, NODES),
    "weighted_linear_1_4": sum(1 for o in rendezvous("w", [f"s-{i}" for i in range(200)], [{"nodeId": "light", "weight": 1}, {"nodeId": "heavy", "weight": 4}]) if o == "heavy"),
    "ring": ring("mesh.control", SHARDS, NODES),
    "ring_other_ns": ring("other", SHARDS, NODES),
    "locality": locality("mesh.control", [(s, HINTS[i % len(HINTS)]) for i, s in enumerate(SHARDS)], NODES),
}, ensure_ascii=False, indent=1))
