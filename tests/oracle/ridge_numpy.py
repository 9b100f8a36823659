#!/usr/bin/env python3
"""An independent implementation of train's model (SPEC section 4) with numpy's closed
form, used by the tests as an oracle: prints the test and training metrics, the baseline
and the intercept as JSON.

  ridge_numpy.py clean.csv median_house_value [alpha] [seed] [test_fraction]
"""
import csv
import json
import sys

import numpy as np

MASK = (1 << 64) - 1


def splitmix64(x):
    z = (x + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def metrics(y, p):
    e = y - p
    rmse = float(np.sqrt(np.mean(e * e)))
    mae = float(np.mean(np.abs(e)))
    r2 = float(1 - np.sum(e * e) / np.sum((y - y.mean()) ** 2))
    return {"rows": int(len(y)), "rmse": rmse, "mae": mae, "r2": r2}


def main():
    path, target = sys.argv[1], sys.argv[2]
    alpha = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 42
    fraction = float(sys.argv[5]) if len(sys.argv) > 5 else 0.2
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, data = rows[0], rows[1:]
    t = header.index(target)
    features = [i for i in range(len(header)) if i != t]
    numeric = {i: all(is_number(r[i]) for r in data) for i in features}
    test = np.array([splitmix64((seed + i) & MASK) / 2.0**64 < fraction for i in range(len(data))])
    train = ~test
    y = np.array([float(r[t]) for r in data])
    columns = []
    for i in features:
        if numeric[i]:
            x = np.array([float(r[i]) for r in data])
            mean = x[train].mean()
            scale = x[train].std()
            columns.append((x - mean) / (scale if scale > 0 else 1.0))
        else:
            categories = sorted({r[i] for r, is_train in zip(data, train) if is_train},
                                key=lambda s: s.encode("utf-8"))
            for c in categories:
                columns.append(np.array([1.0 if r[i] == c else 0.0 for r in data]))
    X = np.column_stack(columns)
    Xt, yt = X[train], y[train]
    # Centre by the training means so the intercept is not penalised.
    xm, ym = Xt.mean(axis=0), yt.mean()
    A = (Xt - xm).T @ (Xt - xm) + alpha * np.eye(X.shape[1])
    w = np.linalg.solve(A, (Xt - xm).T @ (yt - ym))
    b = ym - xm @ w
    p = X @ w + b
    out = {"test": metrics(y[test], p[test]), "train": metrics(yt, p[train]),
           "baseline_test_rmse": float(np.sqrt(np.mean((y[test] - ym) ** 2))),
           "intercept": float(b), "columns": int(X.shape[1])}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
