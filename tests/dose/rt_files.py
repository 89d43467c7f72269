"""Small edits of phantom DICOM files for the CLI tests: more ROIs, renamed or moved ones, a broken contour."""

from __future__ import annotations

import copy
from pathlib import Path

import pydicom
from pydicom.dataelem import RawDataElement
from pydicom.tag import Tag


def add_roi(rtss: Path, number: int, name: str, *, shift_mm: float = 0.0) -> Path:
    """Append ROI `number` named `name` with the first ROI's contours, moved `shift_mm` along x and y."""
    ds = pydicom.dcmread(rtss)
    roi = copy.deepcopy(ds.StructureSetROISequence[0])
    roi.ROINumber, roi.ROIName = number, name
    ds.StructureSetROISequence.append(roi)
    contours = copy.deepcopy(ds.ROIContourSequence[0])
    contours.ReferencedROINumber = number
    for contour in contours.ContourSequence:
        data = [float(v) for v in contour.ContourData]
        for i in range(len(data)):
            if i % 3 != 2:
                data[i] += shift_mm
        contour.ContourData = [f"{v:.4f}" for v in data]
    ds.ROIContourSequence.append(contours)
    ds.save_as(rtss)
    return rtss


def rename_roi(rtss: Path, name: str) -> Path:
    ds = pydicom.dcmread(rtss)
    ds.StructureSetROISequence[0].ROIName = name
    ds.save_as(rtss)
    return rtss


def add_broken_contour(rtss: Path) -> Path:
    """A contour of the first ROI whose ContourData length is not a multiple of 3 (dropped with a warning)."""
    ds = pydicom.dcmread(rtss)
    contours = ds.ROIContourSequence[0].ContourSequence
    item = copy.deepcopy(contours[0])
    raw = b"1\\2\\3\\4 "
    item[0x30060050] = RawDataElement(Tag(0x30060050), "DS", len(raw), raw, 0, False, True)
    contours.append(item)
    ds.save_as(rtss)
    return rtss


def write_plan(directory: Path, frame_uid: str, fractions: int, prescription_gy: float) -> Path:
    """An RTPLAN in `frame_uid` with a fraction number and a target prescription dose."""
    from oligoboard.dose.phantoms import _base

    ds = _base("RTPLAN", "1.2.840.10008.5.1.4.1.1.481.5", frame_uid, pydicom.uid.generate_uid())
    ds.RTPlanLabel = "P1"
    group = pydicom.Dataset()
    group.NumberOfFractionsPlanned = str(fractions)
    ds.FractionGroupSequence = [group]
    reference = pydicom.Dataset()
    reference.TargetPrescriptionDose = f"{prescription_gy:g}"
    ds.DoseReferenceSequence = [reference]
    path = directory / "plan.dcm"
    ds.save_as(path, enforce_file_format=True)
    return path
