"""scikit-learn baseline of examples/spam-filter.mjs, on the very same hashed features.

  node examples/spam-filter.mjs --svmlight --out DIR      # writes DIR/spam-{train,test}.svmlight
  /usr/bin/python3 bench/spam-sklearn.py DIR [--epochs N] [--l2 X] [--sgd-lr X] [--json FILE]
                                             [--models all|sgd] [--repeats N]
  (bench/hogwild.mjs runs it with --models sgd to time SGDClassifier against the Hogwild! loop)

Trains the objective the example minimises (mean logistic loss + l2/2 * ||w||^2, unpenalised bias;
--l2 0: the mean logistic loss alone, penalty=None)
with SGDClassifier (one thread, Cython, sparse CSR, one example per step with lazy weight decay:
its own "optimal" step-size schedule, and a constant step of the example's plain-SGD learning rate
divided by its batch size; same epochs, shuffled)
and, as the reference optimum of that objective, LogisticRegression (lbfgs to convergence;
C = 1 / (n * l2) makes its summed loss the same objective). Prints a table like the example's.
Needs `apt-get install python3-sklearn` (Debian's 1.2.1 for /usr/bin/python3).
"""
import argparse
import json
import os
import sys
import time


def log_loss_objective(np, clf, X, y, l2):
    """Mean logistic loss on +-1 labels plus l2/2 * ||w||^2 (the example's train loss column; l2 = 0: its test loss)."""
    margin = y * (X @ clf.coef_.ravel() + clf.intercept_[0])
    return float(np.mean(np.logaddexp(0.0, -margin)) + 0.5 * l2 * float(clf.coef_.ravel() @ clf.coef_.ravel()))


def metrics(np, clf, X, y):
    pred = clf.predict(X)
    tp = int(np.sum((pred > 0) & (y > 0)))
    fp = int(np.sum((pred > 0) & (y < 0)))
    fn = int(np.sum((pred < 0) & (y > 0)))
    return {
        "accuracy": float(np.mean(pred == y)),
        "precision": tp / (tp + fp) if tp + fp else float("nan"),
        "recall": tp / (tp + fn) if tp + fn else float("nan"),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dir", help="the --out directory of `spam-filter.mjs --svmlight`")
    parser.add_argument("--epochs", type=int, help="default: the example's, else 10")
    parser.add_argument("--l2", type=float, help="default: the example's objective.l2, else 1e-7")
    parser.add_argument("--sgd-lr", type=float, help="default: the example's SGD lr, else 100")
    parser.add_argument("--batch-size", type=int, help="default: the example's mini-batch size, else 32")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", help="also write the rows here")
    parser.add_argument("--models", choices=["all", "sgd"], default="all",
                        help="sgd: the SGDClassifier rows only (what bench:hogwild times)")
    parser.add_argument("--repeats", type=int, default=1,
                        help="fit each SGDClassifier this many times and keep the fastest (other load only slows)")
    args = parser.parse_args()
    # Defaults from the example's run in the same directory, so both sides train the same objective.
    example = {}
    example_json = os.path.join(args.dir, "spam-filter.json")
    if os.path.exists(example_json):
        with open(example_json) as f:
            example = json.load(f)
    sgd = next((r for r in example.get("results", []) if r["optimizer"] == "SGD"), {})
    args.epochs = args.epochs or example.get("epochs", 10)
    args.l2 = args.l2 if args.l2 is not None else example.get("objective", {}).get("l2", 1e-7)
    args.sgd_lr = args.sgd_lr or sgd.get("lr", 100.0)
    args.batch_size = args.batch_size or example.get("batchSize", 32)
    try:
        import numpy as np
        import sklearn
        from sklearn.datasets import load_svmlight_file
        from sklearn.linear_model import LogisticRegression, SGDClassifier
    except ImportError as e:
        print(f"scikit-learn is not importable ({e}); apt-get install -y python3-sklearn", file=sys.stderr)
        return 2

    n_features = 2 ** 18
    X_train, y_train = load_svmlight_file(os.path.join(args.dir, "spam-train.svmlight"), n_features=n_features, dtype=np.float32)
    X_test, y_test = load_svmlight_file(os.path.join(args.dir, "spam-test.svmlight"), n_features=n_features, dtype=np.float32)
    X_train, X_test = X_train.astype(np.float64), X_test.astype(np.float64)  # SGDClassifier computes in float64 anyway

    # --l2 0: no penalty at all (penalty=None; LogisticRegression unpenalised). The "optimal" schedule
    # eta = 1 / (alpha (t + t0)) still needs an alpha: sklearn's default 1e-4, which then sets the
    # step size only.
    penalty = dict(penalty="l2", alpha=args.l2) if args.l2 > 0 else dict(penalty=None)
    common = dict(loss="log_loss", max_iter=args.epochs, tol=None, shuffle=True, random_state=args.seed, average=False)
    lbfgs = dict(C=1.0 / (X_train.shape[0] * args.l2)) if args.l2 > 0 else dict(penalty=None)
    models = [
        ("SGDClassifier optimal", SGDClassifier(learning_rate="optimal", **common, **penalty)),
        # one example per step: the example's lr over its batch of 32 moves each example's gradient as far
        ("SGDClassifier constant", SGDClassifier(learning_rate="constant", eta0=args.sgd_lr / args.batch_size, **common, **penalty)),
        ("LogisticRegression lbfgs", LogisticRegression(solver="lbfgs", max_iter=10000, tol=1e-8, **lbfgs)),
    ]
    if args.models == "sgd":
        models = [m for m in models if m[0].startswith("SGDClassifier")]
    rows = []
    for name, clf in models:
        seconds = cpu_seconds = float("inf")
        for _ in range(max(1, args.repeats) if name.startswith("SGDClassifier") else 1):
            started, cpu_started = time.perf_counter(), time.process_time()
            with_warnings_silenced(lambda: clf.fit(X_train, y_train))
            seconds = min(seconds, time.perf_counter() - started)
            cpu_seconds = min(cpu_seconds, time.process_time() - cpu_started)  # this process's CPU time, every thread
        lr = clf.eta0 if getattr(clf, "learning_rate", "") == "constant" else None
        rows.append({
            "model": name, "lr": lr, "epochs": int(np.max(clf.n_iter_)),
            "trainSeconds": seconds, "trainCpuSeconds": cpu_seconds, "trainLoss": log_loss_objective(np, clf, X_train, y_train, args.l2),
            "testLoss": log_loss_objective(np, clf, X_test, y_test, 0.0),
            "test": metrics(np, clf, X_test, y_test),
        })

    print(f"scikit-learn {sklearn.__version__}, train {X_train.shape[0]}, test {X_test.shape[0]}, {n_features} features, l2 {args.l2}")
    header = f"{'model':<26} {'lr':>6} {'epochs':>6} {'train s':>8} {'train loss':>10} {'test loss':>9} {'test acc':>8} {'spam prec':>9} {'spam recall':>11}"
    print(header)
    print("-" * len(header))
    for r in rows:
        lr = "—" if r["lr"] is None else f"{r['lr']:g}"
        print(f"{r['model']:<26} {lr:>6} {r['epochs']:>6} {r['trainSeconds']:>8.2f} {r['trainLoss']:>10.4f} {r['testLoss']:>9.4f} "
              f"{r['test']['accuracy']:>8.4f} {r['test']['precision']:>9.4f} {r['test']['recall']:>11.4f}")
    print("train loss: mean logistic loss + l2/2 * ||w||^2 on the training set (the objective; lbfgs is its optimum).")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"sklearn": sklearn.__version__, "l2": args.l2, "rows": rows}, f, indent=1)
    return 0


def with_warnings_silenced(fit):
    # max_iter epochs with tol=None is what we ask for; the ConvergenceWarning says just that.
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit()


if __name__ == "__main__":
    sys.exit(main())
