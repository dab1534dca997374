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
# Outermost regions (the Canaries, the Azores, Madeira, the French overseas regions) lie far
# outside EUROPE_BOX; each NUTS 2 one is drawn in its own small inset box in a strip below the
# map, as Eurostat's maps do, so that it can be coloured like any other region.
INSET_SIZE = 90.0
INSET_GAP = 8.0
INSET_TOLERANCE = 0.1  # finer than the main map: the islands are small even when scaled up


@dataclass(frozen=True)
class Shape:
    """One NUTS region's outline as an SVG path."""

    code: str
    level: int
    name: str
    path: str


@dataclass(frozen=True)
class Inset:
    """A framed box at the bottom of the map holding one outermost NUTS 2 region."""

    code: str
    x: float
    y: float
    size: float


@dataclass(frozen=True)
class NutsMap:
    """Every region of a NUTS GeoJSON file, projected into one SVG coordinate frame."""

    shapes: dict[str, Shape]
    width: float
    height: float
    insets: tuple[Inset, ...] = ()

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


def _inset_paths(
    far: dict[str, list[list[list[float]]]], height: float
) -> tuple[dict[str, str], list[Inset]]:
    """SVG paths of the outermost regions' rings, each NUTS 2 area scaled into its own box.

    ``far`` maps NUTS codes to the rings that lie outside EUROPE_BOX; codes under one NUTS 2
    code (e.g. ES70 and ES703) share that code's box."""
    groups = sorted({code[:4] for code in far if len(code) >= 4})
    paths: dict[str, str] = {}
    insets: list[Inset] = []
    for index, key in enumerate(groups):
        rings = [ring for code, found in far.items() if code.startswith(key) for ring in found]
        lat0 = math.radians(sum(p[1] for ring in rings for p in ring[:1]) / len(rings))
        points = [(lon * math.cos(lat0), -lat) for ring in rings for lon, lat, *_ in ring]
        xmin, ymin = min(x for x, _ in points), min(y for _, y in points)
        span = max(max(x for x, _ in points) - xmin, max(y for _, y in points) - ymin, 1e-6)
        inner = INSET_SIZE - 2 * INSET_GAP
        left = INSET_GAP + index * (INSET_SIZE + INSET_GAP)
        top = height + INSET_GAP
        insets.append(Inset(code=key, x=left, y=top, size=INSET_SIZE))
        for code, found in far.items():
            if not code.startswith(key):
                continue
            parts = []
            for ring in found:
                kept: list[tuple[float, float]] = []
                for lon, lat, *_ in ring:
                    x = left + INSET_GAP + (lon * math.cos(lat0) - xmin) / span * inner
                    y = top + INSET_GAP + (-lat - ymin) / span * inner
                    if kept and math.dist((x, y), kept[-1]) < INSET_TOLERANCE:
                        continue
                    kept.append((x, y))
                if len(kept) >= 3:
                    parts.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in kept) + "Z")
            if parts:
                paths[code] = "".join(parts)
    return paths, insets


def load_nuts_map(path: Path, levels: tuple[int, ...] = (0, 1, 2, 3)) -> NutsMap:
    """Read, project and simplify the NUTS regions of ``levels`` from a GeoJSON file."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        features = data["features"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UnprocessableFile(str(path), f"not a NUTS GeoJSON file: {exc}") from None
    frame = _frame()
    shapes: dict[str, Shape] = {}
    far: dict[str, list[list[list[float]]]] = {}
    labels: dict[str, tuple[int, str]] = {}
    for feature in features:
        props = feature.get("properties") or {}
        code, level = props.get("NUTS_ID"), props.get("LEVL_CODE")
        if not code or level not in levels:
            continue
        labels[code] = (int(level), props.get("NAME_LATN") or props.get("NUTS_NAME") or code)
        parts = []
        for polygon in _polygons(feature.get("geometry") or {}):
            if polygon and polygon[0] and _in_europe(polygon[0]):
                parts.extend(_ring_path(ring, frame) for ring in polygon)
            elif polygon and polygon[0]:
                far.setdefault(code, []).append(polygon[0])
        path_data = "".join(part for part in parts if part)
        if path_data:
            shapes[code] = Shape(
                code=code, level=labels[code][0], name=labels[code][1], path=path_data
            )
    inset_paths, insets = _inset_paths(
        {code: rings for code, rings in far.items() if code not in shapes}, frame[4]
    )
    for code, path_data in inset_paths.items():
        shapes[code] = Shape(code=code, level=labels[code][0], name=labels[code][1], path=path_data)
    if not shapes:
        raise UnprocessableFile(str(path), "no NUTS region with NUTS_ID and LEVL_CODE")
    height = frame[4] + (INSET_SIZE + 2 * INSET_GAP if insets else 0.0)
    return NutsMap(shapes=shapes, width=frame[3], height=height, insets=tuple(insets))
