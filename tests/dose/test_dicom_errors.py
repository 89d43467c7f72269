"""Corrupt or mismatched DICOM gives a clear DicomError (and exit 2 in the CLI), never a traceback."""

from __future__ import annotations

from pathlib import Path

import pydicom
import pytest
from typer.testing import CliRunner

from oligoboard.cli.dose import dvh_command
from oligoboard.dose.dicom_rt import check_same_frame, read_rtdose, read_rtstruct
from oligoboard.dose.phantoms import Phantom, write_phantom
from oligoboard.errors import DicomError

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
