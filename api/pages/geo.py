"""NUTS boundaries as inline SVG paths: read a GISCO GeoJSON, project, simplify, cache.

The projection is Lambert azimuthal equal-area centred on Europe (the projection of EPSG:3035),
so shapes and areas look familiar; no tile server is needed. Overseas parts far outside
continental Europe (the outermost regions) are left out so that the map stays legible.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from observatory.errors import UnprocessableFile

CENTRE_LAT, CENTRE_LON = 52.0, 10.0
EUROPE_BOX = (-25.0, 34.0, 45.0, 72.0)  # lon min, lat min, lon max, lat max
WIDTH = 1000.0
TOLERANCE = 1.2  # drop points closer than this (in SVG units) to the last kept one


@dataclass(frozen=True)
class Shape:
    """One NUTS region's outline as an SVG path."""

    code: str
    level: int
    name: str
    path: str


@dataclass(frozen=True)
class NutsMap:
    """Every region of a NUTS GeoJSON file, projected into one SVG coordinate frame."""

    shapes: dict[str, Shape]
    width: float
    height: float

    def at_level(self, level: int) -> list[Shape]:
        """Shapes of one NUTS level."""
        return [shape for shape in self.shapes.values() if shape.level == level]


def _project(lon: float, lat: float) -> tuple[float, float]:
    phi, lam = math.radians(lat), math.radians(lon - CENTRE_LON)
    phi0 = math.radians(CENTRE_LAT)
    k = math.sqrt(
        2.0
        / (1.0 + math.sin(phi0) * math.sin(phi) + math.cos(phi0) * math.cos(phi) * math.cos(lam))
    )
    x = k * math.cos(phi) * math.sin(lam)
    y = k * (math.cos(phi0) * math.sin(phi) - math.sin(phi0) * math.cos(phi) * math.cos(lam))
    return x, -y  # SVG y grows downwards


def _in_europe(ring: list[list[float]]) -> bool:
    lon_min, lat_min, lon_max, lat_max = EUROPE_BOX
    lon = sum(point[0] for point in ring) / len(ring)
    lat = sum(point[1] for point in ring) / len(ring)
    return lon_min <= lon <= lon_max and lat_min <= lat <= lat_max


def _polygons(geometry: dict[str, Any]) -> list[list[list[list[float]]]]:
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"]]
    if geometry.get("type") == "MultiPolygon":
        return list(geometry["coordinates"])
    return []


def _frame() -> tuple[float, float, float, float, float]:
    """Offset and scale mapping the projected Europe box onto WIDTH."""
    lon_min, lat_min, lon_max, lat_max = EUROPE_BOX
    corners = [
        _project(lon, lat) for lon in (lon_min, CENTRE_LON, lon_max) for lat in (lat_min, lat_max)
    ]
    xs = [x for x, _ in corners]
    ys = [y for _, y in corners]
    # the box's top corners bend inwards; trim the empty margins a little
    x0, x1 = min(xs) * 0.62, max(xs) * 0.78
    y0, y1 = min(ys), max(ys)
    scale = WIDTH / (x1 - x0)
    return x0, y0, scale, WIDTH, (y1 - y0) * scale


def _ring_path(ring: list[list[float]], frame: tuple[float, float, float, float, float]) -> str:
    x0, y0, scale, _w, _h = frame
    kept: list[tuple[float, float]] = []
    for lon, lat, *_ in ring:
        x, y = _project(lon, lat)
        point = ((x - x0) * scale, (y - y0) * scale)
        if kept and math.dist(point, kept[-1]) < TOLERANCE:
            continue
        kept.append(point)
    if len(kept) < 3:
        return ""
    return "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in kept) + "Z"


def load_nuts_map(path: Path, levels: tuple[int, ...] = (0, 1, 2, 3)) -> NutsMap:
    """Read, project and simplify the NUTS regions of ``levels`` from a GeoJSON file."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        features = data["features"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UnprocessableFile(str(path), f"not a NUTS GeoJSON file: {exc}") from None
    frame = _frame()
    shapes: dict[str, Shape] = {}
    for feature in features:
        props = feature.get("properties") or {}
        code, level = props.get("NUTS_ID"), props.get("LEVL_CODE")
        if not code or level not in levels:
            continue
        parts = []
        for polygon in _polygons(feature.get("geometry") or {}):
            if polygon and polygon[0] and _in_europe(polygon[0]):
                parts.extend(_ring_path(ring, frame) for ring in polygon)
        path_data = "".join(part for part in parts if part)
        if path_data:
            name = props.get("NAME_LATN") or props.get("NUTS_NAME") or code
            shapes[code] = Shape(code=code, level=int(level), name=name, path=path_data)
    if not shapes:
        raise UnprocessableFile(str(path), "no NUTS region with NUTS_ID and LEVL_CODE")
    return NutsMap(shapes=shapes, width=frame[3], height=frame[4])
