"""The world map of solidarity actions: a self-hosted SVG, coloured on the server.

`static/vendor/world-map/world.svg` is the world map of the npm package @svg-maps/world
(CC BY 4.0, see the README beside it), made smaller by `simplify_svg` below: coordinates
rounded to a tenth of a unit and simplified (Douglas–Peucker), so that the page that
inlines it stays light. To make it again from the package:

    npm pack @svg-maps/world && tar xzf svg-maps-world-*.tgz
    .venv/bin/python -m campaign.world_map package/world.svg > static/vendor/world-map/world.svg

The map page reads the shapes once per process (`world_shapes`) and draws each country
with a class by how many actions took place there (`map-level-0` … `map-level-4`): no
script, no tiles, no request to another origin, colours in actions.css.
"""

import functools
import html
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

MAP_PATH = Path(__file__).resolve().parent.parent / "static" / "vendor" / "world-map" / "world.svg"
# Count buckets: a country with `n` actions gets the highest level whose threshold n reaches.
LEVEL_THRESHOLDS = (1, 2, 5, 15)
# Shapes smaller than this (in map units, on their longer side) also get a dot, so that an
# action in Malta or Singapore can be seen and clicked.
SMALL_SHAPE = 6.0
TOLERANCE = 0.3  # map units; the map is 1010 wide

_NUMBER = r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_COMMANDS = frozenset("MmLlZz")
_TOKEN = re.compile(rf"[MmLlZz]|{_NUMBER}")
_PATH = re.compile(r"<path\b([^>]*)/?>", re.S)
_ATTRIBUTE = re.compile(r'([\w:-]+)="([^"]*)"')
_VIEWBOX = re.compile(r'viewBox="([^"]+)"')


@dataclass(frozen=True)
class Shape:
    code: str  # lower-case ISO 3166-1 alpha-2, as the map's ids ("um-dq" for a few territories)
    name: str  # the map's English name, used when django-countries does not know the code
    d: str
    cx: str  # the middle of its bounding box: where a small shape gets a dot
    cy: str  # (strings, so that templates never localise them as "479,7")
    small: bool


@dataclass(frozen=True)
class WorldMap:
    viewbox: str
    shapes: tuple


def level(count):
    """0 for no action, then 1–4 by LEVEL_THRESHOLDS."""
    return sum(1 for threshold in LEVEL_THRESHOLDS if count >= threshold)


def rings(d):
    """The absolute points of each ring of a path made of M/m, L/l and Z/z commands."""
    tokens = _TOKEN.findall(d)
    result, ring = [], []
    x = y = start_x = start_y = 0.0
    command = "M"
    i = 0
    while i < len(tokens):
        item = tokens[i]
        if item in _COMMANDS:
            if item in ("Z", "z"):
                if ring:
                    result.append(ring)
                ring = []
                x, y = start_x, start_y
            command = item
            i += 1
            continue
        dx, dy = float(tokens[i]), float(tokens[i + 1])
        i += 2
        relative = command.islower()
        x, y = (x + dx, y + dy) if relative else (dx, dy)
        if command in "Mm":
            if ring:
                result.append(ring)
            ring = []
            start_x, start_y = x, y
            command = "l" if relative else "L"  # pairs after a move are lines
        ring.append((x, y))
    if ring:
        result.append(ring)
    return result


def _simplify(points, tolerance):
    """Douglas–Peucker, iterative: the points that keep the line within `tolerance`."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        length = math.hypot(x2 - x1, y2 - y1)
        worst, worst_distance = None, tolerance
        for index in range(first + 1, last):
            x, y = points[index]
            if length:
                distance = abs((x2 - x1) * (y1 - y) - (x1 - x) * (y2 - y1)) / length
            else:
                distance = math.hypot(x - x1, y - y1)
            if distance > worst_distance:
                worst, worst_distance = index, distance
        if worst is not None:
            keep[worst] = True
            stack += [(first, worst), (worst, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _number(tenths):
    text = f"{tenths / 10:.1f}".removesuffix(".0")
    return text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text


def compact_path(path_rings, tolerance=TOLERANCE):
    """A short path: rings simplified, rounded to tenths, written as relative moves.

    Relative steps are taken between rounded absolute points, so rounding never drifts.
    A shape too small to survive simplification keeps its largest ring as it was, only
    rounded; a speck smaller than a tenth of a unit becomes a tiny square, so that it stays
    on the map (where a dot can mark it).
    """
    parts = []
    for ring in path_rings:
        points = _simplify([*ring, ring[0]], tolerance)[:-1]
        part = _ring_path(points)
        if part:
            parts.append(part)
    if not parts and path_rings:
        largest = max(path_rings, key=len)
        parts.append(_ring_path(largest) or _speck(largest[0]))
    return "".join(parts)


def _ring_path(points):
    """Path data for one ring, or "" if fewer than three distinct points survive rounding."""
    tenths = []
    for x, y in points:
        point = (round(x * 10), round(y * 10))
        if not tenths or point != tenths[-1]:
            tenths.append(point)
    if len(tenths) > 1 and tenths[-1] == tenths[0]:
        tenths.pop()
    if len(tenths) < 3:
        return ""
    steps = []
    for (x1, y1), (x2, y2) in zip(tenths, tenths[1:], strict=False):
        steps += [x2 - x1, y2 - y1]
    return f"M{_join(tenths[0])}l{_join(steps)}z"


def _speck(point):
    x, y = point
    return f"M{_join((round(x * 10), round(y * 10)))}l{_join((1, 0, 0, 1, -1, 0))}z"


def _join(numbers):
    """Numbers as SVG path data: a space between two, none before a minus sign."""
    out = ""
    for tenths in numbers:
        text = _number(tenths)
        out += text if not out or text.startswith("-") else f" {text}"
    return out


def simplify_svg(source, tolerance=TOLERANCE):
    """The compact SVG that MAP_PATH holds, from @svg-maps/world's world.svg."""
    viewbox = _VIEWBOX.search(source).group(1)
    lines = [
        "<!-- World map from @svg-maps/world by Victor Cazanave, CC BY 4.0, simplified: "
        "see README.md -->",
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{viewbox}">',
    ]
    for match in _PATH.finditer(source):
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        d = compact_path(rings(attributes["d"]), tolerance)
        name = html.escape(html.unescape(attributes.get("aria-label", attributes["id"])))
        lines.append(f'<path id="{attributes["id"]}" aria-label="{name}" d="{d}"/>')
    lines.append("</svg>")
    return "\n".join(lines) + "\n"


def parse_map(source):
    viewbox = _VIEWBOX.search(source).group(1)
    shapes = []
    for match in _PATH.finditer(source):
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        points = [point for ring in rings(attributes["d"]) for point in ring]
        xs, ys = [x for x, _y in points], [y for _x, y in points]
        shapes.append(
            Shape(
                code=attributes["id"],
                name=html.unescape(attributes.get("aria-label", attributes["id"])),
                d=attributes["d"],
                cx=f"{(min(xs) + max(xs)) / 2:.1f}",
                cy=f"{(min(ys) + max(ys)) / 2:.1f}",
                small=max(max(xs) - min(xs), max(ys) - min(ys)) < SMALL_SHAPE,
            )
        )
    return WorldMap(viewbox=viewbox, shapes=tuple(shapes))


@functools.cache
def world_map():
    """The shipped map, read once per process."""
    return parse_map(MAP_PATH.read_text(encoding="utf-8"))


if __name__ == "__main__":  # pragma: no cover - a maintenance script, see the docstring
    with open(sys.argv[1], encoding="utf-8") as source:
        sys.stdout.write(simplify_svg(source.read()))
