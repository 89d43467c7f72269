"""Read DICOM RT Structure Set, Dose and Plan files (pydicom 3) into plain numpy-backed objects.

Everything the DVH engine must not get wrong is decided here, once: DoseGridScaling and Dose Units,
Grid Frame Offset Vector option a (relative) versus option b (absolute z), axis-aligned orientations
(arrays are flipped so every coordinate vector ascends), frames missing from the pixel data, contour
geometric types (only CLOSED_PLANAR and CLOSEDPLANAR_XOR enclose volume), and Frame of Reference matching
(PS3.3 C.8.8.3, C.8.8.6; reference note §6). Any violation raises ``DicomError`` (an ``InputError``: exit 2)
naming the file and the element (tag and keyword), never its value; whatever pydicom raises while an element
is read (a truncated file, a malformed value) is turned into that error by ``_reading``. Contours that cannot
enclose volume are dropped with a ``ContourWarning`` (structure, ROI number, plane z, reason) kept on the
``Structure``. Strings from the files (ROI names) stay plain data: nothing here interprets them.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pydicom
from numpy.typing import NDArray
from pydicom.datadict import tag_for_keyword
from pydicom.errors import InvalidDicomError
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian

from oligoboard.dose.decimal_strings import parse_decimal_strings as parse_decimal_strings
from oligoboard.dose.rt_objects import ContourWarning as ContourWarning
from oligoboard.dose.rt_objects import DoseGrid as DoseGrid
from oligoboard.dose.rt_objects import EmbeddedDvh as EmbeddedDvh
from oligoboard.dose.rt_objects import Plan as Plan
from oligoboard.dose.rt_objects import Structure as Structure
from oligoboard.dose.rt_objects import StructureSet as StructureSet
from oligoboard.errors import DicomError, Problem

FloatArray = NDArray[np.float64]

#: Contour types that enclose an area (PS3.3 C.8.8.6.1; CLOSEDPLANAR_XOR added in 2024c).
CLOSED_TYPES = frozenset({"CLOSED_PLANAR", "CLOSEDPLANAR_XOR"})
#: Contour planes closer than this (mm) are the same plane.
PLANE_TOLERANCE_MM = 0.01


def element_label(keyword: str) -> str:
    """``(gggg,eeee) Keyword`` of a DICOM element, as error messages name it."""
    tag = tag_for_keyword(keyword)
    if tag is None:
        return keyword
    return f"({tag >> 16:04X},{tag & 0xFFFF:04X}) {keyword}"


def _problem(path: Path, keyword: str, message: str, expected: str | None = None) -> DicomError:
    label = element_label(keyword)
    return DicomError(
        f"{path.name}: {label}: {message}",
        problems=[Problem(f"{path.name}:{label}", message, expected=expected)],
    )


@contextmanager
def _reading(path: Path, keyword: str) -> Iterator[None]:
    """Turn whatever goes wrong while element ``keyword`` is read into a ``DicomError`` naming the file and
    the element (not its value: it may be patient data)."""
    try:
        yield
    except DicomError:
        raise
    except (
        AttributeError,
        KeyError,
        IndexError,
        TypeError,
        ValueError,
        OverflowError,
        EOFError,
        OSError,
    ) as exc:
        raise _problem(path, keyword, f"missing or malformed ({type(exc).__name__})") from exc


def _read(path: Path | str, modality: str) -> Any:
    path = Path(path)
    try:
        ds = pydicom.dcmread(path)
    except FileNotFoundError as exc:
        raise DicomError(f"{path}: file not found") from exc
    except IsADirectoryError as exc:
        raise DicomError(f"{path}: is a directory, not a DICOM file") from exc
    except (
        InvalidDicomError,
        OSError,
        ValueError,
        EOFError,
        KeyError,
        IndexError,
        TypeError,
        struct.error,
    ) as exc:
        raise DicomError(f"{path.name}: not a readable DICOM file ({type(exc).__name__})") from exc
    with _reading(path, "Modality"):
        found = ds.get("Modality", None)
    if found != modality:
        raise DicomError(
            f"{path.name}: expected a DICOM {modality} file, found Modality {found!r}",
            problems=[
                Problem(
                    f"{path.name}:{element_label('Modality')}",
                    "wrong modality",
                    expected=modality,
                    found=str(found),
                )
            ],
        )
    return ds


def modality_of(path: Path | str) -> str | None:
    """The Modality of a DICOM file, read without its pixel data; None when it cannot be read (the full
    reader then reports why). Lets `plan check` recognise the old RTDOSE-first argument order."""
    try:
        ds = pydicom.dcmread(path, stop_before_pixels=True, specific_tags=["Modality"])
        value = ds.get("Modality", None)
    except Exception:  # any unreadable file: the readers raise the precise DicomError later
        return None
    return None if value is None else str(value)


def _sequence(ds: Any, keyword: str, path: Path, *, required: bool = False) -> list[Any]:
    with _reading(path, keyword):
        if keyword not in ds:
            if required:
                raise _problem(path, keyword, "missing")
            return []
        return list(ds[keyword].value or [])


def _integer(item: Any, keyword: str, path: Path) -> int:
    with _reading(path, keyword):
        if keyword not in item or item[keyword].value in (None, ""):
            raise _problem(path, keyword, "missing")
        return int(item[keyword].value)


def read_rtstruct(path: Path | str) -> StructureSet:
    """Structures keyed by ROI Number; contours grouped by plane. POINT/OPEN contours are skipped and
    malformed or degenerate ones dropped, each with a ``ContourWarning``; a structural fault (no ROI
    list, a repeated ROI number, a contour of an unknown ROI, an unreadable element) is a ``DicomError``."""
    ds = _read(path, "RTSTRUCT")
    path = Path(path)
    names: dict[int, tuple[str, str | None]] = {}
    frames: set[str] = set()
    for roi in _sequence(ds, "StructureSetROISequence", path, required=True):
        number = _integer(roi, "ROINumber", path)
        if number in names:
            raise _problem(path, "ROINumber", "the same ROI number is used by two ROIs")
        with _reading(path, "ROIName"):
            names[number] = (str(roi.get("ROIName", "") or ""), None)
        with _reading(path, "ReferencedFrameOfReferenceUID"):
            if "ReferencedFrameOfReferenceUID" in roi:
                frames.add(str(roi.ReferencedFrameOfReferenceUID))
    for obs in _sequence(ds, "RTROIObservationsSequence", path):
        number = _integer(obs, "ReferencedROINumber", path)
        if number in names:
            with _reading(path, "RTROIInterpretedType"):
                kind = obs.get("RTROIInterpretedType", None)
            names[number] = (names[number][0], str(kind) if kind else None)
    planes: dict[int, dict[float, list[FloatArray]]] = {n: {} for n in names}
    skipped: dict[int, int] = dict.fromkeys(names, 0)
    warnings: dict[int, list[ContourWarning]] = {n: [] for n in names}

    def drop(number: int, z: float | None, reason: str) -> None:
        skipped[number] += 1
        warnings[number].append(ContourWarning(names[number][0], number, z, reason))

    closed: list[tuple[int, Any]] = []
    for roi_contour in _sequence(ds, "ROIContourSequence", path):
        number = _integer(roi_contour, "ReferencedROINumber", path)
        if number not in names:
            raise _problem(
                path,
                "ReferencedROINumber",
                "an ROIContourSequence item refers to an ROI that StructureSetROISequence does not list",
            )
        for contour in _sequence(roi_contour, "ContourSequence", path):
            with _reading(path, "ContourGeometricType"):
                kind = str(contour.get("ContourGeometricType", None) or "CLOSED_PLANAR").strip()
            if kind in CLOSED_TYPES:
                closed.append((number, contour))
            else:
                drop(number, None, f"{kind} contour encloses no volume: skipped")
    for (number, _), data in zip(closed, _contour_data([c for _, c in closed], path), strict=True):
        if data is None:
            drop(number, None, "ContourData (3006,0050) is not a list of numbers: contour dropped")
            continue
        if data.size % 3:
            drop(number, None, "ContourData (3006,0050) length is not a multiple of 3: contour dropped")
            continue
        points = data.reshape(-1, 3)
        z = float(points[0, 2]) if len(points) and np.isfinite(points[0, 2]) else None
        if not np.all(np.isfinite(points)):
            drop(number, z, "ContourData (3006,0050) holds a non-finite value: contour dropped")
        elif len(points) < 3:
            drop(number, z, f"contour of {len(points)} point(s) encloses no area: dropped")
        elif np.ptp(points[:, 2]) > PLANE_TOLERANCE_MM * 10:
            drop(number, z, "contour is not planar (z varies): dropped")
        elif abs(_shoelace(points[:, :2])) < 1e-6:
            drop(number, z, "contour encloses no area (collinear points): dropped")
        else:
            assert z is not None
            key = _plane_key(planes[number], z)
            planes[number].setdefault(key, []).append(np.ascontiguousarray(points[:, :2]))
    structures = {
        n: Structure(n, name, kind, dict(sorted(planes[n].items())), skipped[n], tuple(warnings[n]))
        for n, (name, kind) in names.items()
    }
    frame = next(iter(frames)) if len(frames) == 1 else (None if not frames else sorted(frames)[0])
    if frame is None:
        refs = _sequence(ds, "ReferencedFrameOfReferenceSequence", path)
        with _reading(path, "FrameOfReferenceUID"):
            frame = str(refs[0].FrameOfReferenceUID) if refs and "FrameOfReferenceUID" in refs[0] else None
    return StructureSet(path, frame, structures)


def _shoelace(xy: FloatArray) -> float:
    x, y = xy[:, 0] - xy[0, 0], xy[:, 1] - xy[0, 1]  # relative to a vertex: no cancellation
    return float(np.dot(x[:-1], y[1:]) - np.dot(y[:-1], x[1:])) / 2.0


def _contour_data(contours: list[Any], path: Path) -> list[FloatArray | None]:
    """ContourData of many contours as float arrays (None where a contour's data is not numbers), parsed
    from the raw DS bytes in one vectorised pass (``parse_decimal_strings``): going through pydicom's DS
    class value by value takes over a second for an ordinary body contour, and even ``float()`` per value
    costs 60 ms on the example case. A batch that fails is parsed contour by contour to find the bad one."""
    raws: list[bytes] = []
    with _reading(path, "ContourData"):
        for contour in contours:
            element = contour.get_item(0x30060050)
            value = b"" if element is None or element.value is None else element.value
            if not isinstance(value, bytes):  # already converted (a dataset built or edited in memory)
                value = "\\".join(str(v) for v in value).encode() if len(value) else b""
            raws.append(value)
    counts = [raw.count(b"\\") + 1 if raw.strip() else 0 for raw in raws]
    try:
        values = parse_decimal_strings(b"\\".join(raw for raw, n in zip(raws, counts, strict=True) if n))
        if values.size == sum(counts):
            return list(np.split(values, np.cumsum(counts)[:-1])) if counts else []
    except ValueError:
        pass
    result: list[FloatArray | None] = []
    for raw in raws:
        try:
            result.append(parse_decimal_strings(raw))
        except ValueError:
            result.append(None)
    return result


def _plane_key(existing: dict[float, list[FloatArray]], z: float) -> float:
    for key in existing:
        if abs(key - z) <= PLANE_TOLERANCE_MM:
            return key
    return z


def _axis_aligned(cosines: FloatArray, path: Path) -> tuple[int, float]:
    axis = int(np.argmax(np.abs(cosines)))
    if not np.isclose(abs(cosines[axis]), 1.0, atol=1e-4):
        raise _problem(path, "ImageOrientationPatient", "oblique orientations are not supported")
    return axis, float(np.sign(cosines[axis]))


def _numbers(ds: Any, keyword: str, path: Path, count: int | None = None) -> FloatArray:
    """A required numeric element (DS/IS, one or many values) as finite float64, else ``DicomError``."""
    with _reading(path, keyword):
        if keyword not in ds or ds[keyword].value in (None, ""):
            raise _problem(path, keyword, "missing")
        value = ds[keyword].value
        values = np.atleast_1d(
            np.asarray(
                list(value) if not isinstance(value, str | bytes) and hasattr(value, "__len__") else [value],
                dtype=np.float64,
            )
        )
    if count is not None and values.size != count:
        raise _problem(path, keyword, f"holds {values.size} values", expected=str(count))
    if not np.all(np.isfinite(values)):
        raise _problem(path, keyword, "holds a value that is not a finite number")
    return values


def read_rtdose(path: Path | str) -> DoseGrid:
    """The dose grid in Gy (float32, see docs/dvh.md "Memory") with ascending x, y, z vectors (see module
    docstring for the rules applied)."""
    ds = _read(path, "RTDOSE")
    path = Path(path)
    with _reading(path, "DoseUnits"):
        units = str(ds.get("DoseUnits", None) or "GY").strip().upper()
    if units != "GY":
        raise DicomError(
            f"{path.name}: DoseUnits is {units}; only absolute dose in GY can be evaluated",
            problems=[
                Problem(
                    f"{path.name}:{element_label('DoseUnits')}",
                    "unsupported unit",
                    expected="GY",
                    found=units,
                )
            ],
        )
    if "DoseGridScaling" not in ds:
        raise DicomError(
            f"{path.name}: RTDOSE has no DoseGridScaling (3004,000E); cannot convert pixels to Gy",
            problems=[Problem(f"{path.name}:{element_label('DoseGridScaling')}", "missing")],
        )
    scaling = float(_numbers(ds, "DoseGridScaling", path, 1)[0])
    if not scaling > 0:
        raise _problem(path, "DoseGridScaling", "must be a positive number")
    rows, columns = (int(_numbers(ds, k, path, 1)[0]) for k in ("Rows", "Columns"))
    if rows < 1 or columns < 1:
        raise _problem(path, "Rows", "Rows and Columns must be positive")
    with _reading(path, "NumberOfFrames"):
        frames = int(ds.get("NumberOfFrames", None) or 1)
    if frames < 1:
        raise _problem(path, "NumberOfFrames", "must be positive")
    with _reading(path, "GridFrameOffsetVector"):
        raw_offsets = ds.get("GridFrameOffsetVector", None)
        offsets = np.asarray(list(raw_offsets) if raw_offsets else [0.0], dtype=np.float64)
    if not np.all(np.isfinite(offsets)):
        raise _problem(path, "GridFrameOffsetVector", "holds a value that is not a finite number")
    if frames > 1 and len(offsets) != frames:
        raise DicomError(
            f"{path.name}: {frames} dose frames but GridFrameOffsetVector has {len(offsets)} entries "
            "(missing or extra slices)",
            problems=[
                Problem(
                    f"{path.name}:{element_label('GridFrameOffsetVector')}",
                    "length differs from NumberOfFrames",
                    expected=str(frames),
                    found=str(len(offsets)),
                )
            ],
        )
    ipp = _numbers(ds, "ImagePositionPatient", path, 3)
    iop = _numbers(ds, "ImageOrientationPatient", path, 6)
    spacing = _numbers(ds, "PixelSpacing", path, 2)
    if not np.all(spacing > 0):
        raise _problem(path, "PixelSpacing", "must be positive")
    row_cos, col_cos = iop[:3], iop[3:]
    normal = np.cross(row_cos, col_cos)
    row_axis, row_sign = _axis_aligned(row_cos, path)
    col_axis, col_sign = _axis_aligned(col_cos, path)
    normal_axis, normal_sign = _axis_aligned(normal, path)
    if (row_axis, col_axis, normal_axis) != (0, 1, 2):
        raise _problem(path, "ImageOrientationPatient", "only axial dose grids are supported")
    dy, dx = (float(v) for v in spacing)  # PixelSpacing = (row spacing Δy, column spacing Δx)
    x = ipp[0] + row_sign * dx * np.arange(columns)
    y = ipp[1] + col_sign * dy * np.arange(rows)
    absolute = (
        len(offsets) > 0
        and offsets[0] != 0
        and np.isclose(offsets[0], ipp[2])
        and np.allclose(iop, [1, 0, 0, 0, 1, 0])
    )
    z = offsets.copy() if absolute else ipp[2] + normal_sign * offsets
    pixels = _dose_pixels(ds, frames, rows, columns, path)
    if pixels.shape[0] != frames:
        raise _problem(
            path, "PixelData", f"holds {pixels.shape[0]} frames", expected=f"{frames} (NumberOfFrames)"
        )
    # Flips and the z order are views of the stored pixels; each frame is scaled once, straight into a
    # C-ordered float32 grid: peak memory is the stored pixels plus the grid, never a float64 copy.
    view = pixels[:, :: -1 if col_sign < 0 else 1, :: -1 if row_sign < 0 else 1]
    x = x[::-1] if row_sign < 0 else x
    y = y[::-1] if col_sign < 0 else y
    order = np.argsort(z, kind="stable")
    z = z[order]
    if len(z) > 1 and np.any(np.diff(z) <= 0):
        raise _problem(path, "GridFrameOffsetVector", "repeats a frame position")
    dose = np.empty((frames, rows, columns), dtype=np.float32)
    factor = np.float32(scaling)
    for target, source in enumerate(order):
        np.multiply(view[source], factor, out=dose[target], casting="unsafe")
    if not np.all(np.isfinite(dose)):
        raise _problem(path, "PixelData", "scaled dose holds a value that is not a finite number")
    with _reading(path, "FrameOfReferenceUID"):
        frame_uid = str(ds.get("FrameOfReferenceUID", "") or "") or None
    with _reading(path, "DoseSummationType"):
        summation = ds.get("DoseSummationType", None)
    with _reading(path, "DoseType"):
        dose_type = ds.get("DoseType", None)
    with _reading(path, "DVHSequence"):
        embedded = _embedded_dvhs(ds)
    return DoseGrid(
        path=path,
        dose_gy=dose,
        x=x,
        y=y,
        z=z,
        frame_of_reference_uid=frame_uid,
        summation_type=summation,
        dose_type=dose_type,
        embedded_dvhs=embedded,
    )


def _dose_pixels(ds: Any, frames: int, rows: int, columns: int, path: Path) -> NDArray[Any]:
    """Stored dose values as (frames, rows, columns). Uncompressed little-endian data (what RTDOSE files
    are) is viewed in place with ``np.frombuffer``; anything else goes through pydicom's ``pixel_array``."""
    with _reading(path, "PixelData"):
        bits = int(ds.get("BitsAllocated", None) or 0)
        signed = int(ds.get("PixelRepresentation", None) or 0)
        syntax = getattr(getattr(ds, "file_meta", None), "TransferSyntaxUID", None)
        raw = ds.get_item(0x7FE00010)
        samples = int(ds.get("SamplesPerPixel", None) or 1)
    if raw is None or raw.value is None:
        raise _problem(path, "PixelData", "missing")
    plain = syntax in (ExplicitVRLittleEndian, ImplicitVRLittleEndian) and bits in (16, 32)
    if plain and isinstance(raw.value, bytes) and samples == 1:
        dtype = np.dtype(f"<{'i' if signed else 'u'}{bits // 8}")
        expected = frames * rows * columns * dtype.itemsize
        if len(raw.value) in (expected, expected + 1):  # + 1: even-length padding
            return np.frombuffer(raw.value, dtype=dtype, count=frames * rows * columns).reshape(
                frames, rows, columns
            )
        raise _problem(
            path,
            "PixelData",
            f"holds {len(raw.value)} bytes",
            expected=f"{expected} (Rows × Columns × frames)",
        )
    try:
        pixels = np.asarray(ds.pixel_array)
    except Exception as exc:  # pydicom's decoders raise many kinds; all mean the same to the user
        raise _problem(path, "PixelData", f"unreadable ({type(exc).__name__})") from exc
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
    path = Path(path)
    fractions = None
    groups = _sequence(ds, "FractionGroupSequence", path)
    if (
        groups
        and "NumberOfFractionsPlanned" in groups[0]
        and groups[0].NumberOfFractionsPlanned not in (None, "")
    ):
        fractions = int(_numbers(groups[0], "NumberOfFractionsPlanned", path, 1)[0])
        if fractions < 1:
            raise _problem(path, "NumberOfFractionsPlanned", "must be positive")
    prescription = None
    for ref in _sequence(ds, "DoseReferenceSequence", path):
        with _reading(path, "TargetPrescriptionDose"):
            present = "TargetPrescriptionDose" in ref and ref.TargetPrescriptionDose not in (None, "")
        if present:
            prescription = float(_numbers(ref, "TargetPrescriptionDose", path, 1)[0])
            if prescription < 0:
                raise _problem(path, "TargetPrescriptionDose", "must not be negative")
            break
    with _reading(path, "RTPlanLabel"):
        label = ds.get("RTPlanLabel", None)
    with _reading(path, "FrameOfReferenceUID"):
        frame_uid = str(ds.get("FrameOfReferenceUID", "") or "") or None
    return Plan(
        path=path,
        label=None if label is None else str(label),
        fractions=fractions,
        prescription_gy=prescription,
        frame_of_reference_uid=frame_uid,
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
