"""DICOM decimal strings (DS, PS3.5 6.2) from raw bytes to float64 in one vectorised pass.

Why its own module: contour data is millions of DS values, and going through pydicom's DS objects one by one
dominated reading an RTSTRUCT; this parser is the one piece of `dicom_rt` that is pure numpy arithmetic.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

#: Bytes a decimal string may hold: digits, sign, point, exponent mark, padding, separator.
_DECIMAL_BYTES = np.zeros(256, dtype=bool)
_DECIMAL_BYTES[np.frombuffer(b"0123456789+-.eE \\", dtype=np.uint8)] = True
#: Place value of a digit by its rank r relative to the decimal point (r > 0: 10^(r-1), r < 0: 10^r).
_MAX_RANK = 30
_POWERS_BY_RANK = np.array(
    [10.0**r if r < 0 else (10.0 ** (r - 1) if r > 0 else 0.0) for r in range(-_MAX_RANK, _MAX_RANK + 1)]
)


def parse_decimal_strings(raw: bytes) -> FloatArray:
    """Backslash-separated DICOM DS values (PS3.5 6.2) to float64, vectorised over the bytes.

    Plain values (what planning systems mostly write) are decoded with numpy arithmetic on the digits, the
    few with an exponent by ``float``; both agree with ``float`` to a couple of ulp. Raises ``ValueError``
    on a value that is not a number.
    """
    if not raw.strip():
        return np.empty(0)
    chars = np.frombuffer(raw, dtype=np.uint8)
    if not _DECIMAL_BYTES[chars].all():
        return np.array([float(v) for v in raw.split(b"\\")], dtype=np.float64)
    separator = chars == ord("\\")
    token = np.cumsum(separator.view(np.uint8), dtype=np.int32) - separator  # token index of each byte
    count = int(token[-1]) + 1
    scientific = np.zeros(count, dtype=bool)
    scientific[token[(chars == ord("e")) | (chars == ord("E"))]] = True
    digit = (chars >= ord("0")) & (chars <= ord("9"))
    if scientific.any():
        digit &= ~scientific[token]
    digit_at = np.flatnonzero(digit).astype(np.int32)
    digit_token = token[digit_at]
    point_pos = np.flatnonzero(chars == ord(".")).astype(np.int32)
    point_token = token[point_pos]
    if scientific.any():
        keep = ~scientific[point_token]
        point_pos, point_token = point_pos[keep], point_token[keep]
    last = np.append(np.flatnonzero(np.diff(digit_token)), digit_at.size - 1) if digit_at.size else digit_at
    if last.size + int(scientific.sum()) != count or np.any(np.diff(point_token) == 0):
        return np.array([float(v) for v in raw.split(b"\\")], dtype=np.float64)  # raises on the bad value
    point_at = np.zeros(count, dtype=np.int32)
    point_at[digit_token[last]] = digit_at[last] + 1  # an integer's implied point follows its last digit
    point_at[point_token] = point_pos
    rank = point_at[digit_token] - digit_at  # > 0 before the point, < 0 after it; never 0
    if rank.size and (rank.max() > _MAX_RANK or rank.min() < -_MAX_RANK):
        return np.array([float(v) for v in raw.split(b"\\")], dtype=np.float64)
    value = (chars[digit_at] - np.float64(ord("0"))) * _POWERS_BY_RANK[rank + _MAX_RANK]
    magnitude = np.bincount(digit_token, weights=value, minlength=count)
    negative = np.zeros(count, dtype=bool)
    negative[token[chars == ord("-")]] = True
    result: FloatArray = np.where(negative, -magnitude, magnitude).astype(np.float64)
    if scientific.any():
        bounds = np.concatenate([[-1], np.flatnonzero(separator), [chars.size]])
        for index in np.flatnonzero(scientific):
            result[index] = float(raw[bounds[index] + 1 : bounds[index + 1]])
    return result
