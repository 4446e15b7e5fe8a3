"""The locator's knowledge of the layouts, read from the layout files and their renders.

For each layout (``current``, ``next``) and side, :func:`default_templates` renders a few
fictitious holders (``template_holders.json``) with and without the preview's sample mark,
averages them into a canonical grey image, and reads from the layout data the outlines a
camera may see (the edges of printed frames), the orientation mark and the regions that
:func:`cardface.oblique.mask_number` blacks out. Built once per process.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from cardface.oblique.config import settings
from cardface.oblique.content import Template
from cardface.oblique.geometry import rect_mm

LAYOUTS = ("current", "next")
SIDES = ("front", "back")


def _holders() -> list[dict]:
    return json.loads(Path(__file__).with_name("template_holders.json").read_text(encoding="utf-8"))


def _shape_polygon(shape) -> np.ndarray | None:
    kind = getattr(shape, "kind", "")
    if kind == "polygon":
        return np.array(shape.points, np.float64)
    if kind == "corner":
        return np.array(shape.polygon(), np.float64)
    if kind == "circle":
        a = np.linspace(0, 2 * np.pi, 24, endpoint=False)
        return np.c_[shape.center[0] + shape.radius_mm * np.cos(a), shape.center[1] + shape.radius_mm * np.sin(a)]
    if kind in ("rect", "frame"):
        b = shape.box
        return rect_mm(b.x, b.y, b.x1, b.y1)
    return None


def layout_features(layout, side: str) -> dict:
    """Outlines, orientation mark and mask regions (mm) of one side of a layout."""
    cfg = settings()["templates"]
    spec = layout.side(side)
    outlines, bands, mark, mask = [], [], None, {}
    for sh in spec.shapes:
        if sh.kind in cfg["outline_kinds"] and sh.stroke is not None and sh.stroke_width_mm > 0:
            half = sh.stroke_width_mm / 2
            b = sh.box
            bands.append((rect_mm(b.x, b.y, b.x1, b.y1), float(sh.stroke_width_mm)))
            for d in (half, -half):
                b = sh.box.expand(d)
                outlines.append(rect_mm(b.x, b.y, b.x1, b.y1))
        if sh.id == cfg["orientation_id"]:
            mark = _shape_polygon(sh)
    wanted = set(cfg["mask_items"])
    for f in spec.fields:
        if f.id in wanted:
            b = f.box
            mask[f.id] = rect_mm(b.x, b.y, b.x1, b.y1)
    qr = getattr(spec, "qr", None)
    if qr is not None and "qr" in wanted:
        b = qr.box
        mask["qr"] = rect_mm(b.x, b.y, b.x1, b.y1)
    return {"outlines_mm": outlines, "bands_mm": bands, "mark_mm": mark, "mask_mm": mask}


def render_faces(layout_name: str, side: str, dpi: float) -> list[np.ndarray]:
    """RGB renders of one side for the template holders, with and without the sample mark."""
    from cardface.backends.png import draw
    from cardface.scene import SampleMark, build_scene

    faces = []
    for holder in _holders():
        scene = build_scene(holder, side, layout_name, preview=True)
        for with_mark in (True, False):
            if not with_mark:
                scene.elements = [e for e in scene.elements if not isinstance(e, SampleMark)]
            img = draw(scene, dpi).convert("RGBA")
            rgba = np.asarray(img, np.float32)
            a = rgba[:, :, 3:4] / 255.0
            faces.append((rgba[:, :, :3] * a + 255 * (1 - a)).astype(np.uint8))
    return faces


@lru_cache(maxsize=4)
def templates_for(layout_names: tuple[str, ...] = LAYOUTS) -> tuple[Template, ...]:
    from cardface.layout import load_layout

    dpi = float(settings()["templates"]["dpi"])
    out = []
    for name in layout_names:
        layout = load_layout(name)
        for side in SIDES:
            feats = layout_features(layout, side)
            out.append(Template.from_faces(layout.name, side, render_faces(name, side, dpi), **feats))
    return tuple(out)


def default_templates() -> list[Template]:
    """Templates of both packaged layouts, both sides (built on first use, then cached)."""
    return list(templates_for(LAYOUTS))


def edge_rgb(layout_name: str) -> tuple[int, int, int] | None:
    """The layout's card core colour (seen on the card's edge), if it records one."""
    from cardface.layout import load_layout

    c = load_layout(layout_name).card.core_color
    return None if c is None else tuple(int(v) for v in c[:3])


def sample_face(layout_name: str, side: str, dpi: float = 300) -> np.ndarray:
    """An RGB render of one side of a layout for the first template holder (a preview)."""
    from cardface.backends.png import draw
    from cardface.scene import build_scene

    scene = build_scene(_holders()[0], side, layout_name, preview=True)
    rgba = np.asarray(draw(scene, dpi).convert("RGBA"))
    return rgba.copy()
