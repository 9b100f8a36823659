"""Writes the benchmark's request bodies from a cleaned CSV: one row and 100 rows as JSON.

Usage: /usr/bin/python3 make_bodies.py CLEAN.csv OUT_DIR
"""
import csv
import json
import sys

with open(sys.argv[1], newline="") as f:
    reader = csv.DictReader(f)
    rows = [next(reader) for _ in range(100)]


def typed(row):
    out = {}
    for k, v in row.items():
        try:
            out[k] = float(v) if k != "ocean_proximity" else v
        except ValueError:
            out[k] = v
    return out


rows = [typed(r) for r in rows]
with open(sys.argv[2] + "/one.json", "w") as f:
    json.dump(rows[0], f)
with open(sys.argv[2] + "/hundred.json", "w") as f:
    json.dump(rows, f)
