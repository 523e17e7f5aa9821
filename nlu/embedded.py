"""The embedded intent classifier: char n-gram + word n-gram TF-IDF and a multinomial logistic
regression, trained from ``nlu/data/nlu.yml`` (the same file Rasa trains from).

Training uses scikit-learn; prediction does not: the learned vocabulary, IDF weights and
coefficients are kept as numpy arrays and a message is scored with a sparse dot product
(tens of microseconds). The arrays are cached in ``{var_path}/nlu/embedded-{hash}.npz``, where
the hash covers the data file, ``nlu/embedded.yml`` and the feature code version, so a change
to any of them retrains.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
import tempfile
import threading
import time
from collections import Counter as _Counter
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from .data import NLUData, load_nlu_data
from .entities import ProcedureMatcher, extract_entities
from .features import feature_spec, message_features, names_elsewhere, row_groups, row_weights
from .text import normalize

log = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_FILE = PACKAGE_DIR / "data" / "nlu.yml"
CONFIG_FILE = PACKAGE_DIR / "embedded.yml"
FALLBACK_INTENT = "out_of_scope"
FEATURE_VERSION = "9"  # bump when features() changes


def load_config(path: Path = CONFIG_FILE) -> dict[str, Any]:
    return (
        yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        or {}
    )


def data_hash(data_file: Path, config_file: Path) -> str:
    h = hashlib.sha256()
    h.update(FEATURE_VERSION.encode())
    for p in (data_file, config_file):
        h.update(b"\0" + p.read_bytes())
    return h.hexdigest()[:20]


class IntentModel:
    """Vocabulary + IDF + linear weights, scored without scikit-learn."""

    def __init__(
        self,
        vocab: list[str],
        idf: np.ndarray,
        coef: np.ndarray,
        intercept: np.ndarray,
        classes: list[str],
        spec: dict[str, Any],
    ) -> None:
        self.vocab_list = vocab
        self.vocab = {f: i for i, f in enumerate(vocab)}
        self.idf = idf.astype(np.float64)
        self.coef_t = np.ascontiguousarray(coef.T.astype(np.float64))  # (n_features, n_classes)
        self.intercept = intercept.astype(np.float64)
        self.classes = list(classes)
        self.spec = dict(spec)  # feature settings (see message_features)
        self.groups = row_groups(vocab)  # channel of each feature (see row_weights)

    # -- training ---------------------------------------------------------------------
    @classmethod
    def train(cls, texts: list[str], labels: list[str], cfg: dict[str, Any]) -> IntentModel:
        from scipy.sparse import csr_matrix
        from sklearn.linear_model import LogisticRegression

        spec = feature_spec(cfg)
        docs = [_Counter(message_features(t, spec)) for t in texts]
        df: _Counter[str] = _Counter()
        for d in docs:
            df.update(d.keys())
        vocab = sorted(f for f, c in df.items() if c >= int(cfg.get("min_df", 1)))
        oov_weight = float(cfg.get("oov_weight", 0.0))
        # Unknown words are a sign of an out-of-scope message. At training time every word is
        # known, so a word seen in only one example stands in for an unknown one.
        oov_train = [_oov_share(d, lambda w: df[w] <= 1) for d in docs]
        vocab.append(OOV_FEATURE)
        index = {f: i for i, f in enumerate(vocab)}
        n = len(docs)
        weights = {
            "d:": float(cfg.get("diacritic_weight", 1.0)),
            "g:": float(cfg.get("elsewhere_weight", 1.0)),
            "w:": float(cfg.get("word_weight", 1.0)),
            "b:": float(cfg.get("bigram_weight", 1.0)),
        }
        idf = np.array(
            [(math.log((1 + n) / (1 + df[f])) + 1.0) * weights.get(f[:2], 1.0) for f in vocab[:-1]]
            + [oov_weight]
        )
        rows, cols, vals = [], [], []
        groups = row_groups(vocab)
        for r, d in enumerate(docs):
            idx = [index[f] for f in d if f in index]
            w = np.array([(1.0 + math.log(d[vocab[i]])) * idf[i] for i in idx])
            w = row_weights(groups[idx], w, spec)
            rows += [r] * len(idx) + [r]
            cols += idx + [index[OOV_FEATURE]]
            vals += list(w) + [oov_weight * oov_train[r]]
        X = csr_matrix((vals, (rows, cols)), shape=(n, len(vocab)))
        clf = LogisticRegression(
            C=float(cfg.get("C", 20.0)),
            max_iter=int(cfg.get("max_iter", 500)),
            tol=float(cfg.get("tol", 1e-3)),
            class_weight=cfg.get("class_weight") or None,
        )
        try:  # a small problem: BLAS threads only contend (5x slower on a busy 2-CPU machine)
            from threadpoolctl import threadpool_limits
        except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
            clf.fit(X, labels)
        else:
            with threadpool_limits(1):
                clf.fit(X, labels)
        return cls(vocab, idf, clf.coef_, clf.intercept_, [str(c) for c in clf.classes_], spec)

    # -- persistence --------------------------------------------------------------------
    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp.npz")
        os.close(fd)
        np.savez(
            tmp,
            vocab=np.array(self.vocab_list),
            idf=self.idf,
            coef_t=self.coef_t,
            intercept=self.intercept,
            classes=np.array(self.classes),
            spec=np.array(json.dumps(self.spec, sort_keys=True)),
        )
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> IntentModel:
        with np.load(path, allow_pickle=False) as z:
            return cls(
                [str(v) for v in z["vocab"].tolist()],
                z["idf"],
                z["coef_t"].T,
                z["intercept"],
                [str(c) for c in z["classes"].tolist()],
                json.loads(str(z["spec"])),
            )

    # -- prediction ---------------------------------------------------------------------
    def predict(self, text: str) -> tuple[list[tuple[str, float]], int]:
        """Intent ranking (name, probability), best first, and the number of known features."""
        counts = _Counter(message_features(text, self.spec))
        idx = [self.vocab[f] for f in counts if f in self.vocab]
        if not idx:
            return [], 0
        ia = np.fromiter(idx, dtype=np.int64, count=len(idx))
        tf = 1.0 + np.log(
            np.fromiter((counts[self.vocab_list[i]] for i in idx), dtype=np.float64, count=len(idx))
        )
        w = row_weights(self.groups[ia], tf * self.idf[ia], self.spec)
        scores = w @ self.coef_t[ia] + self.intercept
        oov = self.vocab.get(OOV_FEATURE)
        if oov is not None:
            share = _oov_share(counts, lambda f: f not in self.vocab)
            scores = scores + (self.idf[oov] * share) * self.coef_t[oov]
        scores /= float(self.spec.get("temperature", 1.0))  # calibration (embedded.yml)
        scores -= scores.max()
        p = np.exp(scores)
        p /= p.sum()
        order = np.argsort(-p)
        return [(self.classes[i], float(p[i])) for i in order], len(idx)


OOV_FEATURE = "x:oov"


def _oov_share(counts: Any, unknown: Any) -> float:
    """Share of the word unigrams of a message that are unknown."""
    words = [f for f in counts if f.startswith("w:")]
    return sum(1 for f in words if unknown(f)) / len(words) if words else 0.0


_HAS_LETTER = re.compile(r"[^\W\d_]")
# A bare "?", "??", "…" or "..." asks "what now?": help, not out of scope.
_PUZZLED = re.compile(r"[\s?？.…!]*(?:[?？…]|\.\.)[\s?？.…!]*")
HELP_INTENT = "help"
_CACHE: dict[str, EmbeddedNLU] = {}
_CACHE_LOCK = threading.Lock()


class EmbeddedNLU:
    """In-process NLU: intent classifier + rule/synonym entity extractors."""

    def __init__(
        self,
        model: IntentModel,
        procedures: ProcedureMatcher,
        cfg: dict[str, Any],
        agency_code: str | None = None,
        train_seconds: float | None = None,
        source: str = "trained",
    ) -> None:
        self.model = model
        self.procedures = procedures
        self.cfg = cfg
        self.threshold = float(cfg.get("threshold", 0.3))
        self.ranking_size = int(cfg.get("ranking_size", 10))
        self.elsewhere_rule = bool(cfg.get("elsewhere_rule", False))
        self.agency_code = agency_code
        self.train_seconds = train_seconds
        self.source = source  # "trained", "artefact" or "memory"

    @classmethod
    def load(
        cls,
        var_path: Path | str | None = None,
        data_file: Path = DATA_FILE,
        config_file: Path = CONFIG_FILE,
        agency_code: str | None = None,
        use_cache: bool = True,
        use_artefact: bool = True,
    ) -> EmbeddedNLU:
        """Build from the cached artefact when the data and config are unchanged, else train
        (and write the artefact). Also memoised per process (``use_cache``)."""
        digest = data_hash(data_file, config_file)
        with _CACHE_LOCK:
            if use_cache and digest in _CACHE:
                base = _CACHE[digest]
                return cls(base.model, base.procedures, base.cfg, agency_code, base.train_seconds, "memory")
            cfg = load_config(config_file)
            data = load_nlu_data(data_file)
            procedures = ProcedureMatcher.from_config(data.synonyms, cfg)
            artefact = Path(var_path) / "nlu" / f"embedded-{digest}.npz" if var_path is not None else None
            model = None
            source = "trained"
            train_seconds = None
            if use_artefact and artefact is not None and artefact.exists():
                try:
                    model = IntentModel.load(artefact)
                    source = "artefact"
                except Exception:  # a corrupt or foreign file: retrain
                    log.warning("nlu: unreadable artefact %s, retraining", artefact, exc_info=True)
            if model is None:
                t0 = time.perf_counter()
                model = train_model(data, cfg)
                train_seconds = time.perf_counter() - t0
                log.info(
                    "nlu: trained embedded classifier on %d examples in %.2f s",
                    len(data.examples),
                    train_seconds,
                )
                if use_artefact and artefact is not None:
                    try:
                        model.save(artefact)
                    except OSError:
                        log.warning("nlu: cannot write artefact %s", artefact, exc_info=True)
                    else:
                        for old in artefact.parent.glob("embedded-*.npz"):
                            if old != artefact:  # artefacts of earlier data versions
                                old.unlink(missing_ok=True)
            inst = cls(model, procedures, cfg, agency_code, train_seconds, source)
            if use_cache:
                _CACHE[digest] = inst
            return inst

    def classify(
        self, text: str, entities: list[dict[str, Any]] | None = None
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        ranking, known = self.model.predict(text)
        if entities is not None and self.elsewhere_rule:
            ranking = elsewhere_rule(text, ranking, entities, self.procedures, self.model.spec)
        ranked = [{"name": n, "confidence": round(c, 4)} for n, c in ranking[: self.ranking_size]]
        if _PUZZLED.fullmatch(text):
            return {"name": HELP_INTENT, "confidence": 1.0}, [{"name": HELP_INTENT, "confidence": 1.0}]
        if not ranking or not _HAS_LETTER.search(text):
            # nothing the model knows, or no word at all (digits, punctuation, emoji)
            return {"name": FALLBACK_INTENT, "confidence": 1.0}, []
        name, conf = ranking[0]
        if conf < self.threshold:
            # Like Rasa's FallbackClassifier: the fallback leads the ranking with the threshold
            # as its confidence; the model's own guesses follow.
            fb = {"name": FALLBACK_INTENT, "confidence": self.threshold}
            return fb, [fb] + [r for r in ranked if r["name"] != FALLBACK_INTENT]
        return {"name": name, "confidence": round(conf, 4)}, ranked

    def parse_sync(self, text: str) -> dict[str, Any]:
        entities = extract_entities(text, self.procedures, self.agency_code)
        intent, ranking = self.classify(text, entities)
        return {"text": text, "intent": intent, "intent_ranking": ranking, "entities": entities}

    async def parse(self, text: str) -> dict[str, Any]:
        return self.parse_sync(text)


def train_model(data: NLUData, cfg: dict[str, Any]) -> IntentModel:
    return IntentModel.train([e.text for e in data.examples], [e.intent for e in data.examples], cfg)


# Intents that ask about a procedure. Asked about another office's service ("làm hộ chiếu cần gì")
# with none of ours named, such a question is out of scope (embedded.yml, elsewhere_rule).
PROCEDURE_QUESTIONS = frozenset(
    {"ask_requirements", "start_procedure", "ask_fee", "ask_processing_time", "ask_location_hours"}
)


def elsewhere_rule(
    text: str,
    ranking: list[tuple[str, float]],
    entities: list[dict[str, Any]],
    procedures: ProcedureMatcher,
    spec: dict[str, Any],
) -> list[tuple[str, float]]:
    """The ranking with out_of_scope moved first (with the top probability) when the top intent
    asks about a procedure, the message names another office's service and none of ours."""
    if not ranking or ranking[0][0] not in PROCEDURE_QUESTIONS or not names_elsewhere(normalize(text), spec):
        return ranking
    if procedures.names_own(text, entities):
        return ranking
    top = ranking[0][1]
    return [(FALLBACK_INTENT, top)] + [(n, c) for n, c in ranking if n != FALLBACK_INTENT]
