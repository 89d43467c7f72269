"""Anisotropic analytic phantoms: cylinders and cones along x, y or z in a linear dose gradient.

After Nelms et al. (Med Phys 2015;42:4435): solids of principal dimension 24 mm (cylinder r = 12 mm,
length 24 mm; cone base radius 12 mm, height 24 mm), a 1 Gy/mm gradient along x, y or z, dose grids of
1–3 mm and contour planes 1–3 mm apart, the solid shifted by sub-voxel steps. The centre dose is 20 Gy
(Nelms: 16 Gy) so that the dose grid, which reaches a few voxels beyond the solid, holds no negative dose.

Contours lie on a fixed CT lattice (planes at k × spacing), the solid moves; the dose grid is its own
lattice, with frames between the contour planes. Two references per phantom:

- ``truth()``: the solid itself, from its exact cross-section area A(u) along the gradient (closed forms:
  π ρ(u)² along the axis; 2 √(r² − u²) · L across a cylinder; (H/R)(R √(R² − u²) − u² ln((R + √(R² − u²))
  / |u|)) across a cone);
- ``stack_truth()``: the slab stack a slab-based engine models (each contour plane's exact section
  extruded over its slab, end caps of half a spacing), the *achievable* reference where the contours
  themselves misrepresent the solid (a cone's tip between planes, a cylinder's rounded side cut into
  slabs).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from oligoboard.dose._sampling import slab_extents
from oligoboard.dose.phantoms import write_rt_pair

FloatArray = NDArray[np.float64]
Axis = Literal["x", "y", "z"]
Solid = Literal["cylinder", "cone"]
AXES: tuple[Axis, ...] = ("x", "y", "z")
#: Metrics of the Nelms comparison (volume in cc, doses in Gy).
METRICS = ("volume_cc", "mean_gy", "d99_gy", "d95_gy", "d5_gy", "d1_gy", "d0_03cc_gy")
_SAMPLES = 200_001


@dataclass(frozen=True)
class AxisPhantom:
    """A cylinder or cone with its axis along ``axis`` in a dose gradient along ``gradient``."""

    solid: Solid
    axis: Axis
    gradient: Axis
    voxel_mm: float = 2.0
    plane_spacing_mm: float = 2.0
    shift: float = 0.0  # solid centre offset, in dose voxels, along x, y and z alike
    radius_mm: float = 12.0
    half_length_mm: float = 12.0
    centre_dose_gy: float = 20.0
    gradient_gy_per_mm: float = 1.0
    vertices: int = 360

    @property
    def name(self) -> str:
        return (
            f"{self.solid}-{self.axis}-grad{self.gradient}-g{self.voxel_mm:g}-"
            f"p{self.plane_spacing_mm:g}-s{self.shift:g}"
        )

    @property
    def centre(self) -> FloatArray:
        centre: FloatArray = np.full(3, self.shift * self.voxel_mm) + np.array([0.11, 0.11, 0.23])
        return centre

    # --- the profile: radius ρ(s) along the axis, s ∈ [−h, h] from the centre (cone: apex at +h)
    def rho(self, s: FloatArray) -> FloatArray:
        h, r = self.half_length_mm, self.radius_mm
        inside = np.abs(s) <= h
        if self.solid == "cylinder":
            return np.where(inside, r, 0.0)
        return np.where(inside, r * (h - s) / (2 * h), 0.0)

    def length_above(self, q: FloatArray) -> FloatArray:
        """Length of the axis where ρ(s) ≥ q."""
        h, r = self.half_length_mm, self.radius_mm
        if self.solid == "cylinder":
            return np.where(q <= r, 2 * h, 0.0)
        return 2 * h * np.clip(1 - q / r, 0.0, None)

    def area_across(self, q: FloatArray) -> FloatArray:
        """Area of the solid's section by a plane parallel to the axis at distance q from it."""
        h, r = self.half_length_mm, self.radius_mm
        q = np.abs(q)
        root = np.sqrt(np.clip(r * r - q * q, 0.0, None))
        if self.solid == "cylinder":
            return 2.0 * root * 2 * h
        with np.errstate(divide="ignore", invalid="ignore"):
            log = np.where(q > 0, np.log((r + root) / np.where(q > 0, q, 1.0)), 0.0)
        return np.where(q < r, (2 * h / r) * (r * root - q * q * log), 0.0)

    # --- geometry of the contours
    def plane_z(self) -> FloatArray:
        t = self.plane_spacing_mm
        cz = self.centre[2]
        reach = self.half_length_mm if self.axis == "z" else self.radius_mm
        ks = np.arange(np.floor((cz - reach) / t) - 1, np.ceil((cz + reach) / t) + 2)
        zs = ks * t
        keep = self.section_area(zs) > 1e-6
        return np.asarray(zs[keep], dtype=np.float64)

    def section_area(self, zs: FloatArray) -> FloatArray:
        dz = zs - self.centre[2]
        if self.axis == "z":
            return np.asarray(np.pi * self.rho(dz) ** 2, dtype=np.float64)
        return self.area_across(dz)

    def contours(self) -> list[FloatArray]:
        cx, cy, cz = self.centre
        result = []
        for z in self.plane_z():
            dz = z - cz
            if self.axis == "z":
                radius = float(self.rho(np.array([dz]))[0])
                n = self.vertices
                radius *= np.sqrt(2 * np.pi / (n * np.sin(2 * np.pi / n)))  # polygon area = disk area
                angle = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
                xy = np.column_stack([cx + radius * np.cos(angle), cy + radius * np.sin(angle)])
            else:
                h, r = self.half_length_mm, self.radius_mm
                if self.solid == "cylinder":
                    w = np.sqrt(r * r - dz * dz)
                    along = np.array([-h, h, h, -h])
                    across = np.array([-w, -w, w, w])
                else:
                    end = h - 2 * h * abs(dz) / r  # where ρ(s) = |dz|: the section's tip
                    tau = np.linspace(0.0, 1.0, 400)
                    s = -h + (end + h) * (1 - (1 - tau) ** 2)  # dense near the tip
                    w = np.sqrt(np.clip(self.rho(s) ** 2 - dz * dz, 0.0, None))
                    along = np.concatenate([s, s[-2::-1]])
                    across = np.concatenate([w, -w[-2::-1]])
                    along, across = along[:-1], across[:-1]  # first vertex is not repeated
                if self.axis == "x":
                    xy = np.column_stack([cx + along, cy + across])
                else:
                    xy = np.column_stack([cx + across, cy + along])
            result.append(np.column_stack([xy, np.full(len(xy), z)]))
        return result

    # --- references
    def _dvh(self, u: FloatArray, area: FloatArray) -> dict[str, float]:
        step = u[1] - u[0]
        slices = (area[1:] + area[:-1]) / 2.0 * step
        hotter = np.concatenate([np.cumsum(slices[::-1])[::-1], [0.0]])  # mm³ at u' >= u
        total = float(hotter[0])
        g, d0 = self.gradient_gy_per_mm, self.centre_dose_gy
        mean_u = float(np.sum(slices * (u[1:] + u[:-1]) / 2.0) / total)

        def dose_at(volume_mm3: float) -> float:
            return float(d0 + g * np.interp(volume_mm3, hotter[::-1], u[::-1]))

        result = {"volume_cc": total / 1000.0, "mean_gy": d0 + g * mean_u}
        for p in (99, 95, 5, 1):
            result[f"d{p}_gy"] = dose_at(total * p / 100.0)
        result["d0_03cc_gy"] = dose_at(30.0)
        occupied = np.flatnonzero(area > 0)
        result["min_gy"] = d0 + g * float(u[occupied[0]])
        result["max_gy"] = d0 + g * float(u[occupied[-1]])
        return result

    def truth(self) -> dict[str, float]:
        """Exact volume and dose metrics of the solid."""
        reach = max(self.half_length_mm, self.radius_mm)
        u = np.linspace(-reach, reach, _SAMPLES)
        area = np.pi * self.rho(u) ** 2 if self.gradient == self.axis else self.area_across(u)
        return self._dvh(u, area)

    def stack_truth(self) -> dict[str, float]:
        """Exact metrics of the slab stack (exact sections extruded over the slabs, half-spacing end caps)."""
        zs = self.plane_z()
        below, above = slab_extents(zs, self.plane_spacing_mm)
        thickness = below + above
        dz = zs - self.centre[2]
        reach = max(self.half_length_mm, self.radius_mm) + self.plane_spacing_mm
        u = np.linspace(-reach, reach, _SAMPLES)
        if self.gradient == "z":
            area = np.zeros_like(u)
            sections = self.section_area(zs)
            for k in range(len(zs)):
                slab = (u >= dz[k] - below[k]) & (u < dz[k] + above[k])
                area[slab] = sections[k]
        elif self.axis == "z":
            rho = self.rho(dz)
            area = np.sum(
                thickness[:, None] * 2 * np.sqrt(np.clip(rho[:, None] ** 2 - u**2, 0, None)), axis=0
            )
        elif self.gradient == self.axis:
            rho = self.rho(u)
            area = np.sum(
                thickness[:, None] * 2 * np.sqrt(np.clip(rho**2 - dz[:, None] ** 2, 0, None)), axis=0
            )
        else:
            q = np.sqrt(u[None, :] ** 2 + dz[:, None] ** 2)
            area = np.sum(thickness[:, None] * self.length_above(q), axis=0)
        return self._dvh(u, np.asarray(area, dtype=np.float64))

    def write(self, directory: Path) -> tuple[Path, Path]:
        """RTSTRUCT and RTDOSE files of the phantom in ``directory``."""
        v = self.voxel_mm
        reach = max(self.half_length_mm, self.radius_mm) + 3 * v
        axis = np.arange(np.floor(-reach / v), np.ceil(reach / v) + 1) * v
        frames = axis + 0.4 * v  # frames between the contour planes
        c = self.centre
        g, d0 = self.gradient_gy_per_mm, self.centre_dose_gy
        x, y, z = axis[None, None, :], axis[None, :, None], frames[:, None, None]
        along = {"x": x - c[0], "y": y - c[1], "z": z - c[2]}[self.gradient]
        dose = np.broadcast_to(d0 + g * along, (len(frames), len(axis), len(axis)))
        return write_rt_pair(self.name, self.contours(), axis, axis, frames, dose, directory)


def phantom_set(
    voxels: tuple[float, ...] = (1.0, 2.0, 3.0),
    spacings: tuple[float, ...] = (1.0, 2.0, 3.0),
    shifts: tuple[float, ...] = (0.0, 0.37),
) -> list[AxisPhantom]:
    """Cylinders and cones along x, y and z, each in a gradient along x, y and z, on every grid, spacing
    and shift given."""
    return [
        AxisPhantom(solid, axis, gradient, voxel, spacing, shift)
        for solid in ("cylinder", "cone")
        for axis in AXES
        for gradient in AXES
        for voxel in voxels
        for spacing in spacings
        for shift in shifts
    ]
