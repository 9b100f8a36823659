"""The Flask baseline for bench/serve: the same model document, predictions with numpy.

Usage: /usr/bin/python3 flask_app.py MODEL.json PORT

POST /predict takes one JSON object or an array of objects (like serve) and answers
{"predictions": [...]}. It follows docs/model.md: numeric features standardized with the
document's mean and scale, one-hot categories (an unseen one adds nothing), plus the intercept.
"""
import json
import logging
import sys

import numpy as np
from flask import Flask, jsonify, request

model = json.load(open(sys.argv[1]))
numeric = [f for f in model["features"] if f["type"] == "numeric"]
categorical = [f for f in model["features"] if f["type"] == "categorical"]
weights = {}
for c in model["coefficients"]:
    weights[(c["feature"], c.get("category"))] = c["value"]
names = [f["name"] for f in numeric]
mean = np.array([f["mean"] for f in numeric])
scale = np.array([f["scale"] for f in numeric])
coef = np.array([weights[(f["name"], None)] for f in numeric])
category_weights = {f["name"]: {cat: weights[(f["name"], cat)] for cat in f["categories"]} for f in categorical}
intercept = model["intercept"]

app = Flask(__name__)
logging.getLogger("werkzeug").setLevel(logging.ERROR)


@app.post("/predict")
def predict():
    body = request.get_json()
    rows = body if isinstance(body, list) else [body]
    x = np.array([[float(r[n]) for n in names] for r in rows], dtype=np.float64)
    y = intercept + ((x - mean) / scale) @ coef
    for name, table in category_weights.items():
        y = y + np.array([table.get(r[name], 0.0) for r in rows])
    return jsonify(predictions=y.tolist())


@app.get("/health")
def health():
    return jsonify(status="ok")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(sys.argv[2]), threaded=True)
