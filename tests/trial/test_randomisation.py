"""The randomisation algorithms, statistically: blocks balance within strata, block lengths come from the
configured set in the configured proportions, minimisation beats simple randomisation on marginal
imbalance, the worked example of trial-operations.md §3.3 (T10) holds, and everything is reproducible
from the secret (and differs with another one)."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from oligoboard.trial.randomisation import blocks, minimisation
from oligoboard.trial.randomisation.config import configured_trials

ARMS = ("a", "b")
SECRET = b"test-secret-0001"


def _sequence(
    secret: bytes, stratum: str, n: int, sizes: tuple[int, ...], ratio: tuple[int, ...] = (1, 1)
) -> list[str]:
    return [blocks.draw(secret, "T", stratum, i, sizes, ARMS, ratio).arm for i in range(n)]


def test_blocks_balance_at_every_block_end_and_never_drift_more_than_half_the_longest_block() -> None:
    sizes = (2, 4, 6)
    for stratum in ("ecog=0", "ecog=1", "centre=A|ecog=1"):
        arms_so_far: Counter[str] = Counter()
        for i in range(600):
            d = blocks.draw(SECRET, "T", stratum, i, sizes, ARMS, (1, 1))
            arms_so_far[d.arm] += 1
            assert abs(arms_so_far["a"] - arms_so_far["b"]) <= max(sizes) // 2
            if d.position_in_block == d.block_size - 1:
                assert arms_so_far["a"] == arms_so_far["b"], (stratum, i)


def test_block_lengths_are_total_lengths_drawn_uniformly_from_the_set() -> None:
    """randomizeR's `rb` semantics (§3.1): lengths 2, 4, 6 — not blockrand's 4, 8, 12 for two arms."""
    sizes = (2, 4, 6)
    lengths = Counter(len(blocks.block(SECRET, "T", "s", b, sizes, ARMS, (1, 1))) for b in range(3000))
    assert set(lengths) == set(sizes)
    for size in sizes:  # binomial(3000, 1/3): sd ≈ 25.8; 4 sd either side
        assert abs(lengths[size] - 1000) < 4 * 25.8, lengths


def test_unequal_ratio_blocks_hold_the_ratio() -> None:
    for b in range(200):
        content = Counter(blocks.block(SECRET, "T", "s", b, (3, 6), ARMS, (2, 1)))
        assert content["a"] == 2 * content["b"]


def test_blocks_are_reproducible_from_the_secret_and_differ_with_another() -> None:
    first = _sequence(SECRET, "s", 200, (2, 4, 6))
    assert first == _sequence(SECRET, "s", 200, (2, 4, 6))
    assert first != _sequence(b"another-secret", "s", 200, (2, 4, 6))
    assert first != _sequence(SECRET, "other stratum", 200, (2, 4, 6))


def test_pocock_simon_worked_example_t10() -> None:
    """§3.3 T10: 'G_A = 2 … G_B = 6 … With ECOG weight 2: 3 vs 9. Variance measure: 0.5 vs 3.5.'"""
    counts = {
        "site": {"S1": {"A": 4, "B": 5}},
        "ecog": {"1": {"A": 3, "B": 5}},
        "mets": {"1-3": {"A": 6, "B": 6}},
    }
    levels = {"site": "S1", "ecog": "1", "mets": "1-3"}
    equal = {"site": 1.0, "ecog": 1.0, "mets": 1.0}
    assert minimisation.imbalance_scores(counts, levels, equal, ("A", "B")) == {"A": 2, "B": 6}
    assert minimisation.imbalance_scores(counts, levels, {**equal, "ecog": 2.0}, ("A", "B")) == {
        "A": 3,
        "B": 9,
    }
    assert minimisation.imbalance_scores(counts, levels, equal, ("A", "B"), "variance") == {
        "A": 0.5,
        "B": 3.5,
    }


@pytest.mark.parametrize(("u", "arm"), [(0.0, "A"), (0.79, "A"), (0.8, "B"), (0.99, "B")])
def test_the_preferred_arm_gets_probability_p(u: float, arm: str) -> None:
    counts = {"ecog": {"1": {"A": 3, "B": 5}}}
    draw = minimisation.choose(counts, {"ecog": "1"}, {"ecog": 1.0}, ("A", "B"), 0.8, u)
    assert draw.preferred == ("A",) and draw.arm == arm


def test_a_tie_gives_each_arm_half() -> None:
    picks = Counter(
        minimisation.choose({}, {"ecog": "0"}, {}, ("A", "B"), 0.8, u / 100).arm for u in range(100)
    )
    assert picks == {"A": 50, "B": 50}


def _marginal_imbalance(patients: list[dict[str, str]], arms: list[str]) -> int:
    counts: dict[str, dict[str, dict[str, int]]] = {}
    for levels, arm in zip(patients, arms, strict=True):
        minimisation.add(counts, levels, arm)
    return sum(abs(c.get("a", 0) - c.get("b", 0)) for f in counts.values() for c in f.values())


def test_minimisation_keeps_margins_far_more_balanced_than_simple_randomisation() -> None:
    rng = random.Random(20261202)
    runs, n = 100, 100
    minimised_total, simple_total = 0, 0
    for _ in range(runs):
        patients = [
            {"ecog": rng.choice("01"), "brain": rng.choice(["none", "1-5"]), "centre": rng.choice("ABC")}
            for _ in range(n)
        ]
        counts: dict[str, dict[str, dict[str, int]]] = {}
        chosen = []
        for levels in patients:
            arm = minimisation.choose(counts, levels, {}, ARMS, 0.8, rng.random()).arm
            minimisation.add(counts, levels, arm)
            chosen.append(arm)
        minimised_total += _marginal_imbalance(patients, chosen)
        simple_total += _marginal_imbalance(patients, [rng.choice(ARMS) for _ in patients])
    # simple randomisation: E|D| ≈ 0.8·sqrt(n_level) per level, ≈ 40 summed over the 7 levels; minimisation
    # with p = 0.8 keeps each level within a few patients
    assert minimised_total * 3 < simple_total, (minimised_total, simple_total)


def test_packaged_configurations_load_with_a_source_on_every_factor() -> None:
    found = configured_trials()
    assert set(found) == {"NCT06114108", "NCT06523673"}
    assert found["NCT06523673"].ratio.value == (1, 1) and found["NCT06523673"].ratio.verified
    assert "1:1" in found["NCT06523673"].ratio.source
    assert (
        found["NCT06114108"].target_accrual.value == 128 and found["NCT06523673"].target_accrual.value == 104
    )
    for config in found.values():
        assert all(f.source and f.weight.source for f in config.factors)
