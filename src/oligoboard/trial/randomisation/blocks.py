"""Stratified permuted blocks with random block sizes, generated lazily from a server-side secret.

No list is stored: block `b` of stratum `s` is rebuilt on demand from HMAC-SHA256(secret, trial|s|b), which
seeds the choice of its total length (from the configured sizes) and the shuffle of `length / sum(ratio)`
copies of the ratio's arm unit. The n-th patient of a stratum gets position n of the concatenated blocks.
So the sequence is reproducible by whoever holds the secret (it never leaves the database: no route or
command prints it), and unpredictable to site staff, who see neither the secret nor the block lengths.
Block sizes are *total* lengths (randomizeR's `rb` semantics, trial-operations.md §3.1), not blockrand's
"times each arm appears".
"""

from __future__ import annotations

import hashlib
import hmac
import random
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class BlockDraw:
    """The arm at one position of a stratum, and where it sits (kept in the hash-chained log only)."""

    arm: str
    block_index: int
    block_size: int
    position_in_block: int


def _rng(secret: bytes, trial_id: str, stratum: str, block_index: int) -> random.Random:
    digest = hmac.new(secret, f"blocks|{trial_id}|{stratum}|{block_index}".encode(), hashlib.sha256).digest()
    return random.Random(int.from_bytes(digest, "big"))


def block(
    secret: bytes,
    trial_id: str,
    stratum: str,
    block_index: int,
    sizes: Sequence[int],
    arms: Sequence[str],
    ratio: Sequence[int],
) -> list[str]:
    """One permuted block: a random total length from `sizes`, each arm `ratio × length/sum(ratio)` times."""
    unit_length = sum(ratio)
    rng = _rng(secret, trial_id, stratum, block_index)
    size = rng.choice(list(sizes))
    if size % unit_length:
        raise ValueError("block size is not a multiple of sum(ratio)")
    unit = [arm for arm, r in zip(arms, ratio, strict=True) for _ in range(r)]
    arms_in_block = unit * (size // unit_length)
    rng.shuffle(arms_in_block)
    return arms_in_block


def draw(
    secret: bytes,
    trial_id: str,
    stratum: str,
    position: int,
    sizes: Sequence[int],
    arms: Sequence[str],
    ratio: Sequence[int],
) -> BlockDraw:
    """The arm of the `position`-th (0-based) patient randomised in `stratum`."""
    if position < 0:
        raise ValueError("position must be ≥ 0")
    start, index = 0, 0
    while True:
        current = block(secret, trial_id, stratum, index, sizes, arms, ratio)
        if position < start + len(current):
            offset = position - start
            return BlockDraw(current[offset], index, len(current), offset)
        start += len(current)
        index += 1
