"""Corrupt or mismatched DICOM gives a clear DicomError (and exit 2 in the CLI), never a traceback."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pydicom
import pytest
from pydicom.dataelem import RawDataElement
from pydicom.tag import Tag
from typer.testing import CliRunner

from oligoboard.cli.dose import dvh_command
from oligoboard.dose.dicom_rt import check_same_frame, read_rtdose, read_rtplan, read_rtstruct
from oligoboard.dose.dvh import compute_dvhs
from oligoboard.dose.phantoms import Phantom, write_phantom
from oligoboard.errors import DicomError, InputError

PHANTOM = Phantom("cube", "cube", 5.0, "uniform")


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    return write_phantom(PHANTOM, tmp_path)


def test_wrong_frame_of_reference(files: tuple[Path, Path], tmp_path: Path) -> None:
    rtss, _ = files
    _, other_dose = write_phantom(PHANTOM, tmp_path / "other")
    with pytest.raises(DicomError, match="FrameOfReferenceUID mismatch"):
        check_same_frame(read_rtstruct(rtss), read_rtdose(other_dose))


def test_missing_dose_slice(files: tuple[Path, Path]) -> None:
    _, rtdose = files
    ds = pydicom.dcmread(rtdose)
    ds.GridFrameOffsetVector = list(ds.GridFrameOffsetVector)[:-1]
    ds.save_as(rtdose)
    with pytest.raises(DicomError, match="missing or extra slices"):
        read_rtdose(rtdose)


def test_relative_dose_units_refused(files: tuple[Path, Path]) -> None:
    _, rtdose = files
    ds = pydicom.dcmread(rtdose)
    ds.DoseUnits = "RELATIVE"
    ds.save_as(rtdose)
    with pytest.raises(DicomError, match="DoseUnits is RELATIVE"):
        read_rtdose(rtdose)


def test_wrong_modality_and_garbage(files: tuple[Path, Path], tmp_path: Path) -> None:
    rtss, _ = files
    with pytest.raises(DicomError, match="expected a DICOM RTDOSE file"):
        read_rtdose(rtss)
    junk = tmp_path / "junk.dcm"
    junk.write_bytes(b"not dicom at all")
    with pytest.raises(DicomError, match="not a readable DICOM file"):
        read_rtstruct(junk)


def test_cli_maps_mismatch_to_exit_2(files: tuple[Path, Path], tmp_path: Path) -> None:
    import typer

    rtss, _ = files
    _, other_dose = write_phantom(PHANTOM, tmp_path / "other")
    app = typer.Typer()
    app.command("dvh")(dvh_command)
    app.command("noop")(lambda: None)
    result = CliRunner().invoke(app, ["dvh", str(rtss), str(other_dose)])
    assert result.exit_code == 2
    assert "FrameOfReferenceUID mismatch" in result.output


# --- malformed files: every one is a DicomError (InputError, exit 2) naming the file and the element


@pytest.mark.parametrize("fraction", [0.3, 0.6, 0.8, 0.95])
def test_truncated_rtstruct_is_an_input_error_naming_file_and_element(
    files: tuple[Path, Path], tmp_path: Path, fraction: float
) -> None:
    rtss, _ = files
    data = rtss.read_bytes()
    cut = tmp_path / "cut_rtss.dcm"
    cut.write_bytes(data[: int(len(data) * fraction)])
    with pytest.raises(
        InputError, match=r"cut_rtss\.dcm: .*(\([0-9A-F]{4},[0-9A-F]{4}\) \w+|not a readable)"
    ):
        read_rtstruct(cut)


def test_truncated_rtstruct_exits_2_in_the_cli(files: tuple[Path, Path], tmp_path: Path) -> None:
    import typer

    rtss, rtdose = files
    cut = tmp_path / "cut_rtss.dcm"
    cut.write_bytes(rtss.read_bytes()[: len(rtss.read_bytes()) * 2 // 3])
    app = typer.Typer()
    app.command("dvh")(dvh_command)
    app.command("noop")(lambda: None)
    result = CliRunner().invoke(app, ["dvh", str(cut), str(rtdose)])
    assert result.exit_code == 2
    assert "cut_rtss.dcm" in result.output


@pytest.mark.parametrize(
    ("keyword", "value", "label"),
    [
        ("DoseGridScaling", "NaN", r"\(3004,000E\) DoseGridScaling"),
        ("DoseGridScaling", "-1", r"\(3004,000E\) DoseGridScaling"),
        ("PixelSpacing", None, r"\(0028,0030\) PixelSpacing"),
        ("ImagePositionPatient", ["0", "0"], r"\(0020,0032\) ImagePositionPatient"),
        ("Rows", None, r"\(0028,0010\) Rows"),
        ("GridFrameOffsetVector", "inf", r"\(3004,000C\) GridFrameOffsetVector"),
    ],
)
def test_malformed_rtdose_elements(files: tuple[Path, Path], keyword: str, value: object, label: str) -> None:
    _, rtdose = files
    ds = pydicom.dcmread(rtdose)
    if value is None:
        delattr(ds, keyword)
    elif keyword == "GridFrameOffsetVector":
        ds.GridFrameOffsetVector = ["0"] + [value] * (len(ds.GridFrameOffsetVector) - 1)
    else:
        setattr(ds, keyword, value)
    ds.save_as(rtdose)
    with pytest.raises(InputError, match=rf"{rtdose.name}: {label}"):
        read_rtdose(rtdose)


def test_short_pixel_data_names_the_element(files: tuple[Path, Path]) -> None:
    _, rtdose = files
    ds = pydicom.dcmread(rtdose)
    ds.PixelData = ds.PixelData[:100]
    ds.save_as(rtdose)
    with pytest.raises(InputError, match=r"\(7FE0,0010\) PixelData"):
        read_rtdose(rtdose)


def _plan(tmp_path: Path, fractions: str, prescription: str) -> Path:
    from oligoboard.dose.phantoms import _base

    ds = _base(
        "RTPLAN", "1.2.840.10008.5.1.4.1.1.481.5", pydicom.uid.generate_uid(), pydicom.uid.generate_uid()
    )
    group = pydicom.Dataset()
    group.NumberOfFractionsPlanned = fractions
    ds.FractionGroupSequence = [group]
    reference = pydicom.Dataset()
    reference.TargetPrescriptionDose = prescription
    ds.DoseReferenceSequence = [reference]
    path = tmp_path / "plan.dcm"
    ds.save_as(path, enforce_file_format=True)
    return path


def test_rtplan_reads_and_refuses_malformed_values(tmp_path: Path) -> None:
    plan = read_rtplan(_plan(tmp_path, "5", "30"))
    assert (plan.fractions, plan.prescription_gy) == (5, 30.0)
    with pytest.raises(InputError, match=r"\(300A,0078\) NumberOfFractionsPlanned"):
        read_rtplan(_plan(tmp_path, "0", "30"))
    with pytest.raises(InputError, match=r"\(300A,0026\) TargetPrescriptionDose"):
        read_rtplan(_plan(tmp_path, "5", "NaN"))


def _two_rois(files: tuple[Path, Path], second_name: str) -> Path:
    """The phantom RTSTRUCT with a second ROI (number 7) holding the same contours."""
    rtss, _ = files
    ds = pydicom.dcmread(rtss)
    roi = copy.deepcopy(ds.StructureSetROISequence[0])
    roi.ROINumber, roi.ROIName = 7, second_name
    ds.StructureSetROISequence.append(roi)
    contours = copy.deepcopy(ds.ROIContourSequence[0])
    contours.ReferencedROINumber = 7
    ds.ROIContourSequence.append(contours)
    ds.save_as(rtss)
    return rtss


def test_duplicate_roi_names_are_an_error_unless_picked_by_number(files: tuple[Path, Path]) -> None:
    rtss = _two_rois(files, " CUBE ")  # same name up to case and blanks
    structure_set, grid = read_rtstruct(rtss), read_rtdose(files[1])
    with pytest.raises(InputError, match=r"2 structures are named 'cube' \(ROI numbers 1, 7\)"):
        compute_dvhs(structure_set, grid, ["cube"])
    (picked,) = compute_dvhs(structure_set, grid, roi_numbers=[7])
    assert picked.roi_number == 7 and picked.summary()["roi_number"] == 7
    with pytest.raises(InputError, match="no ROI number 9"):
        compute_dvhs(structure_set, grid, roi_numbers=[9])


def test_markup_in_roi_names_stays_plain_data(files: tuple[Path, Path]) -> None:
    name = "[/bold]{0}%s\x1b[31m"
    rtss = _two_rois(files, name)
    structure_set = read_rtstruct(rtss)
    (dvh,) = compute_dvhs(structure_set, read_rtdose(files[1]), [name])
    assert dvh.summary()["name"] == name
    assert json.loads(json.dumps(dvh.summary()))["name"] == name


def test_malformed_and_degenerate_contours_are_dropped_with_warnings(files: tuple[Path, Path]) -> None:
    rtss, rtdose = files
    ds = pydicom.dcmread(rtss)
    contours = ds.ROIContourSequence[0].ContourSequence
    z = float(contours[0].ContourData[2])
    bad = [
        (["1", "2", "3", "4"], "not a multiple of 3"),
        (["0", "0", str(z), "1", "1", str(z), "2", "2", str(z)], "collinear"),
        (["0", "0", str(z), "1", "0", str(z)], "2 point"),
        (["0", "0", str(z), "1", "0", str(z + 5), "1", "1", str(z)], "not planar"),
        (["0", "x", str(z), "1", "0", str(z), "1", "1", str(z)], "not a list of numbers"),
        (["0", "nan", str(z), "1", "0", str(z), "1", "1", str(z)], "non-finite"),
    ]
    for data, _ in bad:
        item = copy.deepcopy(contours[0])
        raw = "\\".join(data).encode()
        raw += b" " * (len(raw) % 2)
        # stored as raw bytes: pydicom would refuse the bad values on assignment
        item[0x30060050] = RawDataElement(Tag(0x30060050), "DS", len(raw), raw, 0, False, True)
        contours.append(item)
    point = copy.deepcopy(contours[0])
    point.ContourGeometricType = "POINT"
    contours.append(point)
    ds.save_as(rtss)
    (dvh,) = compute_dvhs(read_rtstruct(rtss), read_rtdose(rtdose))
    reasons = [w["reason"] for w in dvh.summary()["warnings"]]  # type: ignore[attr-defined]
    assert len(reasons) == len(bad) + 1
    for _, phrase in bad:
        assert any(phrase in r for r in reasons), phrase
    assert any("POINT" in r for r in reasons)
    assert all(w.structure == "cube" and w.roi_number == 1 for w in dvh.warnings)
    assert dvh.volume_cc == pytest.approx(1.0, rel=0.01)  # the good contours are all still there


def test_crossing_contours_fall_back_to_even_odd_sampling_with_a_warning(files: tuple[Path, Path]) -> None:
    rtss, rtdose = files
    structure_set = read_rtstruct(rtss)
    structure = structure_set.structures[1]
    first = float(structure.plane_z[0])
    structure.planes[first].append(np.array([[0.0, 0.0], [8.0, 0.0], [8.0, 8.0], [0.0, 8.0]]))
    (dvh,) = compute_dvhs(structure_set, read_rtdose(rtdose))
    assert [w.z_mm for w in dvh.warnings] == [first]
    assert "cross" in dvh.warnings[0].reason


def test_structure_outside_the_dose_grid_is_reported(files: tuple[Path, Path]) -> None:
    rtss, rtdose = files
    structure_set = read_rtstruct(rtss)
    structure = structure_set.structures[1]
    for polygons in structure.planes.values():
        polygons[0] = polygons[0] + 500.0  # far outside the grid in x and y
    (dvh,) = compute_dvhs(structure_set, read_rtdose(rtdose))
    summary = dvh.summary()
    assert summary["status"] == "outside_dose_grid"
    assert summary["mean_gy"] is None and summary["d99_gy"] is None
    assert summary["outside_dose_grid_cc"] == pytest.approx(1.0, rel=0.01)
    with pytest.raises(InputError, match="no volume inside the dose grid"):
        _ = dvh.mean_gy
