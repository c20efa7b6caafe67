#!/usr/bin/python3
"""scikit-learn peer of the clustering benchmark (environment/bench/clustering).

Runs the C-BTM reference clustering pipeline with scikit-learn, on the same passages and with the same settings
as the Java library, and writes timings as JSON:

  fit:        TfidfVectorizer (reference tokenisation: lowercase, (?u)\\b\\w\\w+\\b, English stop words, tokens that
              start with a digit -> '#NUMBER', itself a stop word), TruncatedSVD(100, randomized, 5 power
              iterations, 10 oversamples), Normalizer, then Lloyd k-means (KMeans, algorithm='lloyd', n_init=1,
              the same initial documents as the Java run, the same number of iterations, tol=0).
  assignment: transform (tf-idf -> SVD -> normalise) + nearest centre (KMeans.predict) of the first N passages.

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
    model = Pipeline([("tfidf", NumberNormalizingVectorizer(stop_words=stop_words)),
                      ("svd", TruncatedSVD(n_components=100, random_state=a.seed)),
                      ("normalizer", Normalizer(copy=False))])
    res = {"versions": {"python": sys.version.split()[0], "sklearn": sklearn.__version__,
                        "numpy": np.__version__, "scipy": scipy.__version__},
           "threads": os.cpu_count(), "read_s": read_s, "fit_n": a.fit_n, "k": a.k}

    t0 = time.perf_counter()
    tfidf = model["tfidf"].fit_transform(fit_texts)
    t1 = time.perf_counter()
    emb = model["svd"].fit_transform(tfidf)
    emb = model["normalizer"].fit_transform(emb)
    t2 = time.perf_counter()
    km = KMeans(n_clusters=a.k, init=emb[init_idx], n_init=1, max_iter=a.iterations, tol=0.0,
                algorithm="lloyd", random_state=a.seed)
    km.fit(emb)
    t3 = time.perf_counter()
    vocab = model["tfidf"].get_feature_names_out()
    res["vocabulary_size"] = int(len(vocab))
    res["vocabulary_sha256"] = hashlib.sha256("\n".join(vocab).encode("utf-8")).hexdigest()
    res["fit"] = {"tfidf_s": t1 - t0, "svd_s": t2 - t1, "kmeans_s": t3 - t2, "total_s": t3 - t0,
                  "kmeans_iterations": int(km.n_iter_), "nnz": int(tfidf.nnz)}
    print(f"[sklearn] fit {a.fit_n} passages: tfidf {t1 - t0:.2f}s, svd {t2 - t1:.2f}s, "
          f"kmeans {t3 - t2:.2f}s ({km.n_iter_} iterations); vocabulary {len(vocab)}", flush=True)

    res["assign"] = []
    for n in sizes:
        batch = texts[:n]
        t0 = time.perf_counter()
        e = model.transform(batch)
        t1 = time.perf_counter()
        labels = km.predict(e)
        t2 = time.perf_counter()
        res["assign"].append({"n": n, "embed_s": t1 - t0, "predict_s": t2 - t1, "total_s": t2 - t0,
                              "sizes": np.bincount(labels, minlength=a.k).tolist()})
        print(f"[sklearn] assign {n} passages: {t2 - t0:.2f}s ({n / (t2 - t0):.0f} docs/s)", flush=True)
        del e, labels
    with open(a.out, "w") as f:
        json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
