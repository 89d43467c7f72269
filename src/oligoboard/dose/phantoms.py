"""Synthetic DICOM RT phantoms with an exactly known DVH (spheres, cylinders, cubes; uniform or linear dose).

Used by the tests and by ``benchmarks/dvh_accuracy.py``. A structure is contoured on planes placed so that
the slab of each plane (half-way to its neighbours, half a spacing beyond the end planes) tiles the true
solid; the dose grid is deliberately offset from the structure centre and from the contour planes, so the
engine's partial-voxel, end-cap and dose-interpolation handling are all exercised. The truth is computed
from the solid's exact cross-section along the dose gradient, not from the contours. No patient data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import UID, ExplicitVRLittleEndian, generate_uid

FloatArray = NDArray[np.float64]
Shape = Literal["sphere", "cylinder", "cube"]
Field = Literal["uniform", "gradient_x", "gradient_z"]

RT_STRUCT_SOP = "1.2.840.10008.5.1.4.1.1.481.3"
RT_DOSE_SOP = "1.2.840.10008.5.1.4.1.1.481.2"
DOSE_SCALING = 1e-5


@dataclass(frozen=True)
class Phantom:
    """One phantom: a solid of ``size_mm`` (radius, or half-side of the cube) in a dose field."""

    name: str
    shape: Shape
    size_mm: float
    field: Field
    voxel_mm: float = 2.5
    plane_spacing_mm: float = 2.5
    centre_dose_gy: float = 50.0
    gradient_gy_per_mm: float = 0.5
    frame_offset_mm: float = 0.7  # dose frames are shifted from the contour planes by this much
    vertices: int = 256

    @property
    def half_height_mm(self) -> float:
        return self.size_mm  # cylinders are as high as they are wide

    def area_along(self, u: FloatArray) -> FloatArray:
        """Exact cross-section area (mm²) of the solid at signed distance ``u`` along the gradient."""
        r = self.size_mm
        inside = np.abs(u) <= r
        if self.shape == "sphere":
            area = np.pi * (r * r - u * u)
        elif self.shape == "cube":
            area = np.full_like(u, (2 * r) ** 2)
        elif self.field == "gradient_z":
            area = np.full_like(u, np.pi * r * r)
        else:  # cylinder across its axis: chord length × height
            area = 2.0 * np.sqrt(np.clip(r * r - u * u, 0.0, None)) * 2.0 * self.half_height_mm
        return np.where(inside, area, 0.0)

    def truth(self) -> dict[str, float]:
        """Exact volume (cc) and Dmean, Dmin, Dmax, D98, D95, D50, D2 (Gy) of the solid."""
        r = self.size_mm
        volume = {"sphere": 4.0 / 3.0 * np.pi * r**3, "cube": (2 * r) ** 3, "cylinder": np.pi * r * r * 2 * r}
        total_mm3 = float(volume[self.shape])
        d0 = self.centre_dose_gy
        if self.field == "uniform":
            metrics = dict.fromkeys(
                ("mean_gy", "min_gy", "max_gy", "d98_gy", "d95_gy", "d50_gy", "d2_gy"), d0
            )
            return {"volume_cc": total_mm3 / 1000.0, **metrics}
        g = self.gradient_gy_per_mm
        u = np.linspace(-r, r, 400_001)
        area = self.area_along(u)
        step = u[1] - u[0]
        hotter = np.concatenate([np.cumsum((area[::-1][1:] + area[::-1][:-1]) / 2.0 * step)[::-1], [0.0]])
        fraction = hotter / hotter[0]  # fraction of volume at u' >= u (decreasing in u)

        def d_percent(p: float) -> float:
            return float(d0 + g * np.interp(p / 100.0, fraction[::-1], u[::-1]))

        return {
            "volume_cc": total_mm3 / 1000.0,
            "mean_gy": d0,
            "min_gy": d0 - g * r,
            "max_gy": d0 + g * r,
            "d98_gy": d_percent(98),
            "d95_gy": d_percent(95),
            "d50_gy": d_percent(50),
            "d2_gy": d_percent(2),
        }

    def contours(self) -> list[FloatArray]:
        """(N, 3) closed contours, one per plane, centred on the origin."""
        r, t = self.size_mm, self.plane_spacing_mm
        half = r if self.shape != "cylinder" else self.half_height_mm
        planes = round(2 * half / t)
        zs = -half + (np.arange(planes) + 0.5) * t
        angle = np.linspace(0.0, 2 * np.pi, self.vertices, endpoint=False)
        result = []
        for z in zs:
            if self.shape == "cube":
                xy = np.array([[-r, -r], [r, -r], [r, r], [-r, r]])
            else:
                radius = np.sqrt(max(r * r - z * z, 0.0)) if self.shape == "sphere" else r
                # polygon with the circle's exact area (radius scaled for the inscribed-polygon loss)
                n = self.vertices
                radius *= np.sqrt(2 * np.pi / (n * np.sin(2 * np.pi / n)))
                xy = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
            result.append(np.column_stack([xy, np.full(len(xy), z)]))
        return result

    def dose_field(self, x: FloatArray, y: FloatArray, z: FloatArray) -> FloatArray:
        if self.field == "uniform":
            return np.full(np.broadcast_shapes(x.shape, y.shape, z.shape), self.centre_dose_gy)
        along = x if self.field == "gradient_x" else z
        return np.broadcast_to(
            self.centre_dose_gy + self.gradient_gy_per_mm * along,
            np.broadcast_shapes(x.shape, y.shape, z.shape),
        ).astype(np.float64)


def _base(modality: str, sop_class: str, frame_uid: str, study_uid: str) -> Dataset:
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = UID(sop_class)
    instance_uid = generate_uid()
    meta.MediaStorageSOPInstanceUID = instance_uid
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = instance_uid
    ds.Modality = modality
    ds.PatientName, ds.PatientID = "PHANTOM^SYNTHETIC", "PHANTOM"
    ds.StudyInstanceUID, ds.SeriesInstanceUID = study_uid, generate_uid()
    ds.FrameOfReferenceUID = frame_uid
    return ds


def write_phantom(phantom: Phantom, directory: Path, *, frame_uid: str | None = None) -> tuple[Path, Path]:
    """Write ``<name>_rtss.dcm`` and ``<name>_rtdose.dcm`` into ``directory``; return their paths."""
    v = phantom.voxel_mm
    extent = phantom.size_mm + 4 * v
    shift = 0.37 * v  # grid not centred on the structure
    x = np.arange(-extent + shift, extent, v)
    y = np.arange(-extent - shift, extent, v)
    z = np.arange(-extent + phantom.frame_offset_mm, extent, phantom.plane_spacing_mm)
    dose = phantom.dose_field(x[None, None, :], y[None, :, None], z[:, None, None])
    return write_rt_pair(phantom.name, phantom.contours(), x, y, z, dose, directory, frame_uid=frame_uid)


def write_rt_pair(
    name: str,
    contours: list[FloatArray],
    x: FloatArray,
    y: FloatArray,
    z: FloatArray,
    dose: FloatArray,
    directory: Path,
    *,
    frame_uid: str | None = None,
) -> tuple[Path, Path]:
    """An RTSTRUCT with one ROI of closed planar ``contours`` ((N, 3) arrays, mm) and an RTDOSE of ``dose``
    (Gy, shape (z, y, x), uint32 with DoseGridScaling 1e-5) on the ascending axes x, y, z."""
    directory.mkdir(parents=True, exist_ok=True)
    frame = frame_uid or generate_uid()
    study = generate_uid()
    rtss = _base("RTSTRUCT", RT_STRUCT_SOP, frame, study)
    roi = Dataset()
    roi.ROINumber, roi.ROIName, roi.ReferencedFrameOfReferenceUID = 1, name, frame
    rtss.StructureSetROISequence = [roi]
    items = []
    for contour in contours:
        item = Dataset()
        item.ContourGeometricType = "CLOSED_PLANAR"
        item.NumberOfContourPoints = len(contour)
        item.ContourData = [f"{v:.4f}" for v in contour.ravel()]
        items.append(item)
    roi_contour = Dataset()
    roi_contour.ReferencedROINumber = 1
    roi_contour.ROIDisplayColor = [255, 0, 0]
    roi_contour.ContourSequence = items
    rtss.ROIContourSequence = [roi_contour]
    observation = Dataset()
    observation.ObservationNumber, observation.ReferencedROINumber = 1, 1
    observation.RTROIInterpretedType = "ORGAN"
    observation.ROIInterpreter = ""
    rtss.RTROIObservationsSequence = [observation]
    rtss.StructureSetLabel = name[:16]
    reference = Dataset()
    reference.FrameOfReferenceUID = frame
    rtss.ReferencedFrameOfReferenceSequence = [reference]

    rtdose = _base("RTDOSE", RT_DOSE_SOP, frame, study)
    pixels = np.empty(dose.shape, dtype=np.uint32)
    for k in range(dose.shape[0]):  # frame by frame: ``dose`` may be a broadcast view of a huge grid
        pixels[k] = np.round(np.clip(dose[k], 0.0, None) / DOSE_SCALING)
    rtdose.ImagePositionPatient = [f"{x[0]:.4f}", f"{y[0]:.4f}", f"{z[0]:.4f}"]
    rtdose.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    rtdose.PatientPosition = "HFS"
    rtdose.PixelSpacing = [f"{y[1] - y[0]:.6g}", f"{x[1] - x[0]:.6g}"]
    rtdose.SliceThickness = ""
    rtdose.GridFrameOffsetVector = [f"{o:.4f}" for o in z - z[0]]
    rtdose.FrameIncrementPointer = 0x3004000C
    rtdose.NumberOfFrames = len(z)
    rtdose.Rows, rtdose.Columns = len(y), len(x)
    rtdose.SamplesPerPixel, rtdose.PhotometricInterpretation = 1, "MONOCHROME2"
    rtdose.BitsAllocated = rtdose.BitsStored = 32
    rtdose.HighBit, rtdose.PixelRepresentation = 31, 0
    rtdose.DoseUnits, rtdose.DoseType, rtdose.DoseSummationType = "GY", "PHYSICAL", "PLAN"
    rtdose.DoseGridScaling = f"{DOSE_SCALING:g}"
    rtdose.PixelData = pixels.tobytes()
    rtss_path = directory / f"{name}_rtss.dcm"
    dose_path = directory / f"{name}_rtdose.dcm"
    rtss.save_as(rtss_path, enforce_file_format=True)
    rtdose.save_as(dose_path, enforce_file_format=True)
    return rtss_path, dose_path


#: The analytic phantom set of the tests and the accuracy benchmark.
STANDARD_PHANTOMS: tuple[Phantom, ...] = tuple(
    Phantom(f"{shape}_{size:g}mm_{field}", shape, size, field)  # type: ignore[arg-type]
    for shape, size in (("sphere", 20.0), ("sphere", 7.5), ("cylinder", 15.0), ("cube", 12.5))
    for field in ("uniform", "gradient_x", "gradient_z")
)
