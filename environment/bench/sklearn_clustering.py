#!/usr/bin/python3
"""scikit-learn peer of the clustering benchmark (environment/bench/clustering).

Runs the C-BTM reference clustering pipeline with scikit-learn, on the same passages and with the same settings
as the Java library, and writes timings as JSON:

  fit:        TfidfVectorizer (reference tokenisation: lowercase, (?u)\\b\\w\\w+\\b, English stop words, tokens that
              start with a digit -> '#NUMBER', itself a stop word), TruncatedSVD(100, randomized, 5 power
              iterations, 10 oversamples), Normalizer, then Lloyd k-means (KMeans, algorithm='lloyd', n_init=1,
              the same initial documents as the Java run, the same number of iterations, tol=0).
  assignment: transform (tf-idf -> SVD -> normalise) + nearest centre (KMeans.predict) of the first N passages.
  --repeats R: the fit, and each assignment up to --repeat-max-n passages, runs R times; the best run is reported
              (the Java side does the same).

Run with Debian's /usr/bin/python3 and python3-sklearn (the scikit-learn generation the reference used).
"""
import argparse
import hashlib
import json
import os
import sys
import time

import numpy as np
import scipy
import sklearn
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction import text
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import Normalizer


def number_normalizer(tokens):
    return ("#NUMBER" if token[0].isdigit() else token for token in tokens)


class NumberNormalizingVectorizer(TfidfVectorizer):
    # the reference's vectorizer (metaseq/scripts/train_clusterer.py in the C-BTM repository)
    def build_tokenizer(self):
        tokenize = super().build_tokenizer()
        return lambda doc: list(number_normalizer(tokenize(doc)))


def read_texts(path, n):
    texts = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            texts.append(json.loads(line)["text"])
            if len(texts) >= n:
                break
    return texts


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--input", required=True)
    p.add_argument("--fit-n", type=int, required=True)
    p.add_argument("--k", type=int, required=True)
    p.add_argument("--iterations", type=int, default=20)
    p.add_argument("--init", required=True, help="file with the initial document indices, one per line")
    p.add_argument("--sizes", required=True, help="comma-separated assignment sizes")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--repeats", type=int, default=1,
                   help="runs of the fit, and of each assignment up to --repeat-max-n; the best (least disturbed) is kept")
    p.add_argument("--repeat-max-n", type=int, default=100000)
    p.add_argument("--out", required=True)
    a = p.parse_args()

    sizes = [int(s) for s in a.sizes.split(",") if s]
    max_n = max(sizes + [a.fit_n])
    t0 = time.perf_counter()
    texts = read_texts(a.input, max_n)
    read_s = time.perf_counter() - t0
    fit_texts = texts[: a.fit_n]
    init_idx = [int(x) for x in open(a.init).read().split()]
    stop_words = list(text.ENGLISH_STOP_WORDS.union(["#NUMBER"]))

    def pipeline():
        return Pipeline([("tfidf", NumberNormalizingVectorizer(stop_words=stop_words)),
                         ("svd", TruncatedSVD(n_components=100, random_state=a.seed)),
                         ("normalizer", Normalizer(copy=False))])

    res = {"versions": {"python": sys.version.split()[0], "sklearn": sklearn.__version__,
                        "numpy": np.__version__, "scipy": scipy.__version__},
           "threads": os.cpu_count(), "read_s": read_s, "fit_n": a.fit_n, "k": a.k, "repeats": a.repeats}

    best = None
    for _ in range(max(1, a.repeats)):  # the run with the best total is kept, with its stages
        m = pipeline()
        t0 = time.perf_counter()
        tfidf = m["tfidf"].fit_transform(fit_texts)
        t1 = time.perf_counter()
        emb = m["svd"].fit_transform(tfidf)
        emb = m["normalizer"].fit_transform(emb)
        t2 = time.perf_counter()
        k_means = KMeans(n_clusters=a.k, init=emb[init_idx], n_init=1, max_iter=a.iterations, tol=0.0,
                         algorithm="lloyd", random_state=a.seed)
        k_means.fit(emb)
        t3 = time.perf_counter()
        if best is None or t3 - t0 < best[0][3] - best[0][0]:
            best = ((t0, t1, t2, t3), m, k_means, tfidf)
    (t0, t1, t2, t3), model, km, tfidf = best
    vocab = model["tfidf"].get_feature_names_out()
    res["vocabulary_size"] = int(len(vocab))
    res["vocabulary_sha256"] = hashlib.sha256("\n".join(vocab).encode("utf-8")).hexdigest()
    res["fit"] = {"tfidf_s": t1 - t0, "svd_s": t2 - t1, "kmeans_s": t3 - t2, "total_s": t3 - t0,
                  "kmeans_iterations": int(km.n_iter_), "nnz": int(tfidf.nnz)}
    print(f"[sklearn] fit {a.fit_n} passages: tfidf {t1 - t0:.2f}s, svd {t2 - t1:.2f}s, "
          f"kmeans {t3 - t2:.2f}s ({km.n_iter_} iterations); vocabulary {len(vocab)} (best of {a.repeats})",
          flush=True)

    res["assign"] = []
    for n in sizes:
        batch = texts[:n]
        runs = []
        for _ in range(a.repeats if n <= a.repeat_max_n else 1):
            t0 = time.perf_counter()
            e = model.transform(batch)
            t1 = time.perf_counter()
            labels = km.predict(e)
            t2 = time.perf_counter()
            runs.append((t2 - t0, t1 - t0, t2 - t1, labels))
            del e
        total, embed, predict, labels = min(runs, key=lambda r: r[0])
        res["assign"].append({"n": n, "embed_s": embed, "predict_s": predict, "total_s": total,
                              "sizes": np.bincount(labels, minlength=a.k).tolist()})
        print(f"[sklearn] assign {n} passages: {total:.2f}s ({n / total:.0f} docs/s)", flush=True)
        del labels, runs
    with open(a.out, "w") as f:
        json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
