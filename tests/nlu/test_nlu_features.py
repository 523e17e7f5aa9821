"""nlu.features: per-channel weighting of a message's features (group_weights)."""

from __future__ import annotations

import numpy as np

from nlu.features import feature_spec, message_features, row_groups, row_weights


def test_each_channel_is_normalised_apart_and_scaled() -> None:
    spec = feature_spec(
        {"char_min": 3, "char_max": 5, "diacritic_channel": True, "group_weights": [1, 1.5, 0.7]}
    )
    feats = sorted(set(message_features("cho hỏi làm khai sinh cần gì", spec)))
    groups = row_groups(feats)
    assert set(groups.tolist()) == {0, 1, 2}  # char n-grams, words, diacritic words
    w = row_weights(groups, np.linspace(0.5, 2.0, len(feats)), spec)
    for g, weight in enumerate([1.0, 1.5, 0.7]):
        assert np.isclose(np.linalg.norm(w[groups == g]), weight)


def test_without_group_weights_one_norm_covers_all_features() -> None:
    spec = feature_spec({"char_min": 3, "char_max": 5, "diacritic_channel": True})
    feats = message_features("cho hỏi làm khai sinh cần gì", spec)
    w = row_weights(row_groups(feats), np.ones(len(feats)), spec)
    assert np.isclose(np.linalg.norm(w), 1.0)
    # a message typed without diacritics has no diacritic channel: its weights stay finite
    plain = message_features("cho hoi lam khai sinh", spec | {"group_weights": [1.0, 1.5, 0.7]})
    assert all(
        np.isfinite(row_weights(row_groups(plain), np.ones(len(plain)), {"group_weights": [1, 1.5, 0.7]}))
    )
