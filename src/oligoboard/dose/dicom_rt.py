"""Read DICOM RT Structure Set, Dose and Plan files (pydicom 3) into plain numpy-backed objects.

Everything the DVH engine must not get wrong is decided here, once: DoseGridScaling and Dose Units,
Grid Frame Offset Vector option a (relative) versus option b (absolute z), axis-aligned orientations
(arrays are flipped so every coordinate vector ascends), frames missing from the pixel data, contour
geometric types (only CLOSED_PLANAR and CLOSEDPLANAR_XOR enclose volume), and Frame of Reference matching
(PS3.3 C.8.8.3, C.8.8.6; reference note §6). Any violation raises ``DicomError`` naming the file and tag.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pydicom
from numpy.typing import NDArray
from pydicom.errors import InvalidDicomError
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian

from oligoboard.errors import DicomError, Problem

FloatArray = NDArray[np.float64]

#: Contour types that enclose an area (PS3.3 C.8.8.6.1; CLOSEDPLANAR_XOR added in 2024c).
CLOSED_TYPES = frozenset({"CLOSED_PLANAR", "CLOSEDPLANAR_XOR"})
#: Contour planes closer than this (mm) are the same plane.
PLANE_TOLERANCE_MM = 0.01


@dataclass(frozen=True)
class Structure:
    """One ROI: its number (the key, never the order), name, type and closed polygons grouped by plane."""

    number: int
    name: str
    interpreted_type: str | None
    #: plane z (mm, ascending) → list of (N, 2) arrays of (x, y) vertices in mm
    planes: dict[float, list[FloatArray]] = field(default_factory=dict)
    skipped_contours: int = 0

    @property
    def plane_z(self) -> FloatArray:
        return np.array(sorted(self.planes), dtype=np.float64)


@dataclass(frozen=True)
class StructureSet:
    path: Path
    frame_of_reference_uid: str | None
    structures: dict[int, Structure]

    def by_name(self, name: str) -> Structure:
        for structure in self.structures.values():
            if structure.name.strip().lower() == name.strip().lower():
                return structure
        known = ", ".join(s.name for s in self.structures.values())
        raise DicomError(
            f"{self.path.name}: no structure named '{name}'",
            problems=[Problem("--structure", f"no structure named '{name}'", expected=known, found=name)],
        )


@dataclass(frozen=True)
class EmbeddedDvh:
    """A cumulative DVH stored in the RTDOSE DVH Sequence by the planning system (dose Gy, volume cc)."""

    roi_number: int
    dose_gy: FloatArray  # upper bin edges
    volume_cc: FloatArray  # volume receiving at least the bin's lower edge


@dataclass(frozen=True)
class DoseGrid:
    """Dose in Gy on an axis-aligned grid; ``dose_gy[k, j, i]`` is at (x[i], y[j], z[k]), all ascending."""

    path: Path
    dose_gy: FloatArray
    x: FloatArray
    y: FloatArray
    z: FloatArray
    frame_of_reference_uid: str | None
    summation_type: str | None
    dose_type: str | None
    embedded_dvhs: dict[int, EmbeddedDvh] = field(default_factory=dict)

    @property
    def max_gy(self) -> float:
        return float(self.dose_gy.max()) if self.dose_gy.size else 0.0


@dataclass(frozen=True)
class Plan:
    path: Path
    label: str | None
    fractions: int | None
    prescription_gy: float | None
    frame_of_reference_uid: str | None


def _read(path: Path | str, modality: str) -> Any:
    path = Path(path)
    try:
        ds = pydicom.dcmread(path)
    except FileNotFoundError as exc:
        raise DicomError(f"{path}: file not found") from exc
    except (InvalidDicomError, OSError, ValueError, EOFError) as exc:
        raise DicomError(f"{path.name}: not a readable DICOM file ({exc})") from exc
    found = getattr(ds, "Modality", None)
    if found != modality:
        raise DicomError(
            f"{path.name}: expected a DICOM {modality} file, found Modality {found!r}",
            problems=[
                Problem(f"{path.name}:Modality", "wrong modality", expected=modality, found=str(found))
            ],
        )
    return ds


def read_rtstruct(path: Path | str) -> StructureSet:
    """Structures keyed by ROI Number; contours grouped by plane; POINT/OPEN contours counted and skipped."""
    ds = _read(path, "RTSTRUCT")
    path = Path(path)
    names: dict[int, tuple[str, str | None]] = {}
    frames: set[str] = set()
    for roi in getattr(ds, "StructureSetROISequence", []):
        names[int(roi.ROINumber)] = (str(getattr(roi, "ROIName", "")), None)
        if "ReferencedFrameOfReferenceUID" in roi:
            frames.add(str(roi.ReferencedFrameOfReferenceUID))
    for obs in getattr(ds, "RTROIObservationsSequence", []):
        number = int(obs.ReferencedROINumber)
        if number in names:
            names[number] = (names[number][0], getattr(obs, "RTROIInterpretedType", None) or None)
    planes: dict[int, dict[float, list[FloatArray]]] = {n: {} for n in names}
    skipped: dict[int, int] = dict.fromkeys(names, 0)
    closed: list[tuple[int, Any]] = []
    for roi_contour in getattr(ds, "ROIContourSequence", []):
        number = int(roi_contour.ReferencedROINumber)
        if number not in names:
            raise DicomError(
                f"{path.name}: ROIContourSequence references ROI {number}, not in StructureSetROISequence"
            )
        for contour in getattr(roi_contour, "ContourSequence", []):
            if str(getattr(contour, "ContourGeometricType", "CLOSED_PLANAR")) in CLOSED_TYPES:
                closed.append((number, contour))
            else:
                skipped[number] += 1
    for (number, _), data in zip(closed, _contour_data([c for _, c in closed], path), strict=True):
        if data.size < 9:
            skipped[number] += 1
            continue
        if data.size % 3:
            raise DicomError(f"{path.name}: ROI {number} has ContourData whose length is not a multiple of 3")
        points = data.reshape(-1, 3)
        z = float(points[0, 2])
        if np.ptp(points[:, 2]) > PLANE_TOLERANCE_MM * 10:
            raise DicomError(f"{path.name}: ROI {number} has a non-planar contour (z varies); not supported")
        key = _plane_key(planes[number], z)
        planes[number].setdefault(key, []).append(np.ascontiguousarray(points[:, :2]))
    structures = {
        n: Structure(n, name, kind, dict(sorted(planes[n].items())), skipped[n])
        for n, (name, kind) in names.items()
    }
    frame = next(iter(frames)) if len(frames) == 1 else (None if not frames else sorted(frames)[0])
    if frame is None:
        ref = getattr(ds, "ReferencedFrameOfReferenceSequence", None)
        frame = str(ref[0].FrameOfReferenceUID) if ref else None
    return StructureSet(path, frame, structures)


def _contour_data(contours: list[Any], path: Path) -> list[FloatArray]:
    """ContourData of many contours as float arrays, parsed from the raw DS bytes in one vectorised pass
    (``parse_decimal_strings``): going through pydicom's DS class value by value takes over a second for an
    ordinary body contour, and even ``float()`` per value costs 60 ms on the example case."""
    raws: list[bytes] = []
    for contour in contours:
        element = contour.get_item(0x30060050)
        value = b"" if element is None or element.value is None else element.value
        if not isinstance(value, bytes):  # already converted (a dataset built or edited in memory)
            value = "\\".join(str(v) for v in value).encode() if len(value) else b""
        raws.append(value)
    counts = [raw.count(b"\\") + 1 if raw.strip() else 0 for raw in raws]
    try:
        values = parse_decimal_strings(b"\\".join(raw for raw, n in zip(raws, counts, strict=True) if n))
    except ValueError as exc:
        raise DicomError(f"{path.name}: unreadable ContourData ({exc})") from exc
    if values.size != sum(counts):
        raise DicomError(f"{path.name}: unreadable ContourData (empty values)")
    return np.split(values, np.cumsum(counts)[:-1]) if counts else []


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


def _plane_key(existing: dict[float, list[FloatArray]], z: float) -> float:
    for key in existing:
        if abs(key - z) <= PLANE_TOLERANCE_MM:
            return key
    return z


def _axis_aligned(cosines: FloatArray, path: Path) -> tuple[int, float]:
    axis = int(np.argmax(np.abs(cosines)))
    if not np.isclose(abs(cosines[axis]), 1.0, atol=1e-4):
        raise DicomError(f"{path.name}: oblique ImageOrientationPatient {cosines.tolist()} is not supported")
    return axis, float(np.sign(cosines[axis]))


def read_rtdose(path: Path | str) -> DoseGrid:
    """The dose grid in Gy with ascending x, y, z vectors (see module docstring for the rules applied)."""
    ds = _read(path, "RTDOSE")
    path = Path(path)
    units = str(getattr(ds, "DoseUnits", "GY")).upper()
    if units != "GY":
        raise DicomError(
            f"{path.name}: DoseUnits is {units}; only absolute dose in GY can be evaluated",
            problems=[
                Problem(f"{path.name}:DoseUnits (3004,0002)", "unsupported unit", expected="GY", found=units)
            ],
        )
    if "DoseGridScaling" not in ds:
        raise DicomError(
            f"{path.name}: RTDOSE has no DoseGridScaling (3004,000E); cannot convert pixels to Gy"
        )
    frames = int(getattr(ds, "NumberOfFrames", 1) or 1)
    pixels = _dose_pixels(ds, frames, path)
    pixels = pixels.reshape(frames, int(ds.Rows), int(ds.Columns)) if pixels.ndim == 2 else pixels
    offsets = np.asarray(getattr(ds, "GridFrameOffsetVector", [0.0]) or [0.0], dtype=np.float64)
    if frames > 1 and len(offsets) != frames:
        raise DicomError(
            f"{path.name}: {frames} dose frames but GridFrameOffsetVector has {len(offsets)} entries "
            "(missing or extra slices)",
            problems=[
                Problem(
                    f"{path.name}:GridFrameOffsetVector (3004,000C)",
                    "length differs from NumberOfFrames",
                    expected=str(frames),
                    found=str(len(offsets)),
                )
            ],
        )
    if pixels.shape[0] != frames:
        raise DicomError(
            f"{path.name}: pixel data holds {pixels.shape[0]} frames, NumberOfFrames says {frames}"
        )
    dose = pixels * float(ds.DoseGridScaling)  # one pass, straight to float64 Gy
    ipp = np.asarray(ds.ImagePositionPatient, dtype=np.float64)
    iop = np.asarray(ds.ImageOrientationPatient, dtype=np.float64)
    row_cos, col_cos = iop[:3], iop[3:]
    normal = np.cross(row_cos, col_cos)
    row_axis, row_sign = _axis_aligned(row_cos, path)
    col_axis, col_sign = _axis_aligned(col_cos, path)
    normal_axis, normal_sign = _axis_aligned(normal, path)
    if (row_axis, col_axis, normal_axis) != (0, 1, 2):
        raise DicomError(
            f"{path.name}: only axial dose grids are supported (ImageOrientationPatient {iop.tolist()})"
        )
    dy, dx = (float(v) for v in ds.PixelSpacing)  # PixelSpacing = (row spacing Δy, column spacing Δx)
    x = ipp[0] + row_sign * dx * np.arange(int(ds.Columns))
    y = ipp[1] + col_sign * dy * np.arange(int(ds.Rows))
    absolute = (
        len(offsets) > 0
        and offsets[0] != 0
        and np.isclose(offsets[0], ipp[2])
        and np.allclose(iop, [1, 0, 0, 0, 1, 0])
    )
    z = offsets.copy() if absolute else ipp[2] + normal_sign * offsets
    if row_sign < 0:
        x, dose = x[::-1], dose[:, :, ::-1]
    if col_sign < 0:
        y, dose = y[::-1], dose[:, ::-1, :]
    order = np.argsort(z, kind="stable")
    if np.any(order != np.arange(len(z))):
        z, dose = z[order], dose[order]
    if len(z) > 1 and np.any(np.diff(z) <= 0):
        raise DicomError(f"{path.name}: GridFrameOffsetVector has repeated frame positions")
    return DoseGrid(
        path=path,
        dose_gy=np.ascontiguousarray(dose),
        x=x,
        y=y,
        z=z,
        frame_of_reference_uid=str(getattr(ds, "FrameOfReferenceUID", "")) or None,
        summation_type=getattr(ds, "DoseSummationType", None),
        dose_type=getattr(ds, "DoseType", None),
        embedded_dvhs=_embedded_dvhs(ds),
    )


def _dose_pixels(ds: Any, frames: int, path: Path) -> NDArray[Any]:
    """Stored dose values as (frames, rows, columns). Uncompressed little-endian data (what RTDOSE files
    are) is viewed in place with ``np.frombuffer``; anything else goes through pydicom's ``pixel_array``."""
    rows, columns = int(ds.Rows), int(ds.Columns)
    bits, signed = int(getattr(ds, "BitsAllocated", 0)), int(getattr(ds, "PixelRepresentation", 0))
    syntax = getattr(getattr(ds, "file_meta", None), "TransferSyntaxUID", None)
    raw = ds.get_item(0x7FE00010)
    plain = (
        syntax in (ExplicitVRLittleEndian, ImplicitVRLittleEndian) and bits in (16, 32) and raw is not None
    )
    if plain and isinstance(raw.value, bytes) and int(getattr(ds, "SamplesPerPixel", 1)) == 1:
        dtype = np.dtype(f"<{'i' if signed else 'u'}{bits // 8}")
        expected = frames * rows * columns * dtype.itemsize
        if len(raw.value) in (expected, expected + 1):  # + 1: even-length padding
            return np.frombuffer(raw.value[:expected], dtype=dtype).reshape(frames, rows, columns)
    try:
        pixels = np.asarray(ds.pixel_array)
    except (AttributeError, ValueError, TypeError) as exc:
        raise DicomError(f"{path.name}: dose pixel data unreadable ({exc})") from exc
    return pixels.reshape(-1, rows, columns) if pixels.ndim == 2 else pixels


def _embedded_dvhs(ds: Any) -> dict[int, EmbeddedDvh]:
    """Cumulative Gy/cc DVHs of the DVH Sequence (other kinds are ignored: they are references only)."""
    result: dict[int, EmbeddedDvh] = {}
    for item in getattr(ds, "DVHSequence", []):
        if (
            getattr(item, "DVHType", None) != "CUMULATIVE"
            or str(getattr(item, "DoseUnits", "")).upper() != "GY"
            or str(getattr(item, "DVHVolumeUnits", "")).upper() != "CM3"
        ):
            continue
        raw = item.get_item(0x30040058)
        if raw is not None and isinstance(raw.value, bytes):
            data = parse_decimal_strings(raw.value).reshape(-1, 2)
        else:
            data = np.asarray(item.DVHData, dtype=np.float64).reshape(-1, 2)
        scaling = float(getattr(item, "DVHDoseScaling", 1.0) or 1.0)
        edges = np.cumsum(data[:, 0]) * scaling
        number = int(item.DVHReferencedROISequence[0].ReferencedROINumber)
        result[number] = EmbeddedDvh(number, edges, data[:, 1])
    return result


def read_rtplan(path: Path | str) -> Plan:
    """Plan label, planned fractions and the target prescription dose, where present."""
    ds = _read(path, "RTPLAN")
    fractions = None
    if getattr(ds, "FractionGroupSequence", None):
        value = getattr(ds.FractionGroupSequence[0], "NumberOfFractionsPlanned", None)
        fractions = int(value) if value is not None else None
    prescription = None
    for ref in getattr(ds, "DoseReferenceSequence", []):
        if "TargetPrescriptionDose" in ref:
            prescription = float(ref.TargetPrescriptionDose)
            break
    return Plan(
        path=Path(path),
        label=getattr(ds, "RTPlanLabel", None),
        fractions=fractions,
        prescription_gy=prescription,
        frame_of_reference_uid=str(getattr(ds, "FrameOfReferenceUID", "")) or None,
    )


def check_same_frame(*items: StructureSet | DoseGrid | Plan) -> None:
    """Refuse to overlay files whose Frame of Reference UIDs differ (structures would be misplaced)."""
    known = [(i.path.name, i.frame_of_reference_uid) for i in items if i.frame_of_reference_uid]
    uids = {uid for _, uid in known}
    if len(uids) > 1:
        listing = "; ".join(f"{name}: {uid}" for name, uid in known)
        raise DicomError(
            f"FrameOfReferenceUID mismatch, the files do not belong to one patient set-up ({listing})",
            problems=[Problem(name, "FrameOfReferenceUID differs", found=uid) for name, uid in known],
        )
