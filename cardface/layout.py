"""Card layouts as data: TOML files in millimetres on the ID-1 card, loaded and validated.

A layout describes both faces: static labels, data fields (a template such as
``"{expiry}まで有効"`` filled from the holder), generic shapes (rectangles, frames, polygons,
circles, L-shaped corner marks, lines), the photo box, the QR code, the chip module and the
diagonal sample mark. Boxes are ``[x, y, w, h]`` in mm from the card's top-left corner as
seen on that face. ``load_layout("next")`` loads a packaged layout; any other argument is a
path, so a designer copies ``cardface/layouts/next.toml``, edits it and renders with
``--layout my.toml``. Every problem in a file is reported at once as a
:class:`~cardface.errors.LayoutError` (code ``layout.invalid``) listing the keys.

:mod:`cardface.lint` checks a loaded layout for design problems (safe area, overlaps, text
size, chip contacts, quiet zones).
"""

from __future__ import annotations

import math
import re
import tomllib
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from cardface.errors import FieldProblem, LayoutError
from cardface.geometry import Color, Rect, parse_color

PACKAGED = ("current", "next")
SIDES = ("front", "back")
# Template keys a field may use; filled by cardface.content.
TEMPLATE_KEYS = frozenset({
    "name", "surname", "given_name", "name_kana", "surname_kana", "given_name_kana", "romanized_name",
    "address", "birth_date_era", "birth_date_western", "birth_date_en", "sex", "sex_en",
    "expiry", "expiry_en", "expiry_era", "issuer", "my_number", "my_number_qr", "remarks", "issue_date",
    "card_serial", "security_code",
})
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def placeholders(template: str) -> list[str]:
    return PLACEHOLDER.findall(template)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _box(v) -> Rect:
    if isinstance(v, Rect):
        return v
    if not isinstance(v, (list, tuple)) or len(v) != 4 or not all(isinstance(n, (int, float)) for n in v):
        raise ValueError("a box is [x, y, w, h] in mm")
    x, y, w, h = (float(n) for n in v)
    if w <= 0 or h <= 0:
        raise ValueError("box width and height must be positive")
    return Rect(x, y, w, h)


def _color(v) -> Color:
    if isinstance(v, tuple):
        return v
    return parse_color(v)


BoxT = Annotated[Rect, Field()]
ColorT = Annotated[tuple[int, int, int, int], Field()]


class _Boxed(_Model):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    @field_validator("box", mode="before", check_fields=False)
    @classmethod
    def _v_box(cls, v):
        return _box(v)

    @field_validator("color", "fill", "stroke", "background", "module_color", mode="before", check_fields=False)
    @classmethod
    def _v_color(cls, v):
        return None if v is None else _color(v)


class TextStyle(_Boxed):
    """How a label or field is set: font role, size range in pt, alignment, colour, wrapping."""

    id: str
    box: Rect
    font: str = "gothic"
    size: tuple[float, float]
    align: Literal["left", "center", "right"] = "left"
    valign: Literal["top", "center", "bottom"] = "center"
    color: tuple[int, int, int, int] = (0, 0, 0, 255)
    wrap: bool = False
    line_spacing: float = Field(1.2, ge=1.0, le=3.0)
    max_lines: int | None = Field(None, ge=1)
    # a one-line text that does not fit at the minimum size may be condensed (長体) down to this
    # horizontal scale, its height kept (cardface.textfit); 1: never condensed
    min_scale_x: float = Field(1.0, ge=0.5, le=1.0)

    @field_validator("size", mode="before")
    @classmethod
    def _v_size(cls, v):
        if isinstance(v, (int, float)):
            v = (v, v)
        if not isinstance(v, (list, tuple)) or len(v) != 2:
            raise ValueError("size is a number of points or [min, max]")
        lo, hi = float(v[0]), float(v[1])
        if lo <= 0 or hi < lo:
            raise ValueError("size must be positive with min <= max")
        return (lo, hi)

    @property
    def min_size(self) -> float:
        return self.size[0]


class Label(TextStyle):
    """Static text printed on every card (氏名, 住所, 日本国 JAPAN ...)."""

    kind: Literal["label"] = "label"
    text: str


class TextField(TextStyle):
    """Holder data: ``text`` is a template with ``{key}`` placeholders (see TEMPLATE_KEYS)."""

    kind: Literal["field"] = "field"
    text: str
    required: bool = False  # an empty value is an error rather than an empty field

    @field_validator("text")
    @classmethod
    def _v_template(cls, v: str) -> str:
        keys = placeholders(v)
        if not keys:
            raise ValueError("a field's text must use at least one {placeholder}; use a label for fixed text")
        unknown = sorted(set(keys) - TEMPLATE_KEYS)
        if unknown:
            raise ValueError(f"unknown placeholder(s) {', '.join(unknown)}; known: {', '.join(sorted(TEMPLATE_KEYS))}")
        return v


class _ShapeBase(_Boxed):
    id: str
    fill: tuple[int, int, int, int] | None = None
    stroke: tuple[int, int, int, int] | None = None
    stroke_width_mm: float = Field(0.0, ge=0.0)
    quiet_zone_mm: float = Field(0.0, ge=0.0)
    layer: Literal["under", "over"] = "under"

    def bbox(self) -> Rect:  # pragma: no cover - overridden
        raise NotImplementedError

    def ink_bbox(self) -> Rect:
        """The bounding box including half the stroke width."""
        return self.bbox().expand(self.stroke_width_mm / 2 if self.stroke else 0.0)

    def occupies(self, r: Rect, margin: float = 0.0) -> bool:
        """True when ``r`` comes within ``margin`` mm of the shape's ink."""
        return self.ink_bbox().expand(margin).intersects(r)


class RectShape(_ShapeBase):
    """A rectangle (optionally rounded); filled, stroked or both."""

    kind: Literal["rect"]
    box: Rect
    radius_mm: float = Field(0.0, ge=0.0)

    def bbox(self) -> Rect:
        return self.box


class FrameShape(RectShape):
    """A stroked (rounded) rectangle: only its band of ink, not its inside, is occupied."""

    kind: Literal["frame"]  # type: ignore[assignment]

    @model_validator(mode="after")
    def _needs_stroke(self):
        if self.stroke is None or self.stroke_width_mm <= 0:
            raise ValueError("a frame needs a stroke colour and stroke_width_mm > 0")
        return self

    def occupies(self, r: Rect, margin: float = 0.0) -> bool:
        half = self.stroke_width_mm / 2
        outer = self.box.expand(half + margin)
        inner = self.box.expand(-(half + margin))
        if not outer.intersects(r):
            return False
        return not (inner.w > 0 and inner.h > 0 and inner.contains(r))


class PolygonShape(_ShapeBase):
    """A filled polygon; ``points`` are [x, y] pairs in mm."""

    kind: Literal["polygon", "line"]
    points: list[tuple[float, float]] = Field(min_length=2)

    @model_validator(mode="after")
    def _enough(self):
        if self.kind == "polygon" and len(self.points) < 3:
            raise ValueError("a polygon needs at least 3 points")
        if self.kind == "line" and (self.stroke is None or self.stroke_width_mm <= 0):
            raise ValueError("a line needs a stroke colour and stroke_width_mm > 0")
        return self

    def bbox(self) -> Rect:
        xs = [p[0] for p in self.points]
        ys = [p[1] for p in self.points]
        return Rect.from_edges(min(xs), min(ys), max(xs), max(ys))


class CircleShape(_ShapeBase):
    kind: Literal["circle"]
    center: tuple[float, float]
    radius_mm: float = Field(gt=0.0)

    def bbox(self) -> Rect:
        cx, cy = self.center
        r = self.radius_mm
        return Rect(cx - r, cy - r, 2 * r, 2 * r)


class CornerShape(_ShapeBase):
    """An L-shaped corner mark: outer corner at ``at``, arms ``arm_mm`` long, ``thickness_mm`` wide."""

    kind: Literal["corner"]
    at: tuple[float, float]
    corner: Literal["top-left", "top-right", "bottom-left", "bottom-right"]
    arm_mm: float = Field(gt=0.0)
    thickness_mm: float = Field(gt=0.0)

    @model_validator(mode="after")
    def _sane(self):
        if self.thickness_mm >= self.arm_mm:
            raise ValueError("thickness_mm must be smaller than arm_mm")
        if self.fill is None:
            raise ValueError("a corner mark needs a fill colour")
        return self

    def polygon(self) -> list[tuple[float, float]]:
        """The L as a six-point polygon, clockwise on the page."""
        x, y = self.at
        a, t = self.arm_mm, self.thickness_mm
        sx = 1 if "left" in self.corner else -1
        sy = 1 if "top" in self.corner else -1
        pts = [(0, 0), (a, 0), (a, t), (t, t), (t, a), (0, a)]
        return [(x + sx * px, y + sy * py) for px, py in pts]

    def bbox(self) -> Rect:
        pts = self.polygon()
        xs = [p[0] for p in pts]
        ys = [p[1] for p in pts]
        return Rect.from_edges(min(xs), min(ys), max(xs), max(ys))

    def occupies(self, r: Rect, margin: float = 0.0) -> bool:
        # the two arms as rectangles, each grown by the margin
        b = self.bbox()
        a, t = self.arm_mm, self.thickness_mm
        x0 = b.x if "left" in self.corner else b.x1 - t
        y0 = b.y if "top" in self.corner else b.y1 - t
        vertical = Rect(x0, b.y, t, a)
        horizontal = Rect(b.x, y0, a, t)
        return vertical.expand(margin).intersects(r) or horizontal.expand(margin).intersects(r)


Shape = Annotated[RectShape | FrameShape | PolygonShape | CircleShape | CornerShape, Field(discriminator="kind")]


class PhotoSpec(_Boxed):
    """The photo box and where the head goes in it (fractions of the box height).

    ``crown_y`` and ``chin_y`` place the top of the head and the chin; the head is centred
    horizontally on the midpoint of the eyes. ``empty_text`` marks a missing photo in previews.
    """

    box: Rect
    crown_y: float = Field(0.10, ge=0.0, lt=1.0)
    chin_y: float = Field(0.84, gt=0.0, le=1.0)
    background: tuple[int, int, int, int] = (255, 255, 255, 255)
    stroke: tuple[int, int, int, int] | None = None
    stroke_width_mm: float = 0.0
    empty_text: str = "写真 PHOTO"
    empty_font: str = "gothic"
    empty_size: float = 6.0
    max_dpi: int = Field(600, ge=72)
    profile: str = "mynumber-online"  # the photo package's profile the photo must pass

    @model_validator(mode="after")
    def _order(self):
        if self.chin_y <= self.crown_y:
            raise ValueError("chin_y must be below crown_y")
        return self


class QRSpec(_Boxed):
    """The QR code: ``data`` is a template (``{my_number_qr}``); the box includes the quiet zone."""

    box: Rect
    data: str = "{my_number_qr}"
    error_correction: Literal["L", "M", "Q", "H"] = "M"
    quiet_modules: int = Field(2, ge=0, le=8)
    color: tuple[int, int, int, int] = (0, 0, 0, 255)
    background: tuple[int, int, int, int] = (255, 255, 255, 255)

    @field_validator("data")
    @classmethod
    def _v_data(cls, v: str) -> str:
        unknown = sorted(set(placeholders(v)) - TEMPLATE_KEYS)
        if unknown:
            raise ValueError(f"unknown placeholder(s) {', '.join(unknown)}")
        return v


class ChipSpec(_Boxed):
    """The contact chip on this face.

    ``contacts`` is the envelope of the ISO/IEC 7816-2 contacts C1-C8 (x 10.25-19.87 mm from
    the left edge, y 19.23-28.55 mm from the top edge on the face that carries them);
    ``module`` the area of the embedded module plate, where nothing may be printed.
    ``draw`` paints a gold module in previews so designers see it (never in production).
    """

    contacts: Rect
    module: Rect
    radius_mm: float = 1.2
    draw: bool = True
    module_color: tuple[int, int, int, int] = (214, 178, 94, 255)

    @field_validator("contacts", "module", mode="before")
    @classmethod
    def _v_boxes(cls, v):
        return _box(v)

    @model_validator(mode="after")
    def _inside(self):
        if not self.module.contains(self.contacts):
            raise ValueError("the module must contain the contact area")
        return self


class SideSpec(_Boxed):
    background: tuple[int, int, int, int] = (255, 255, 255, 255)
    shapes: list[Shape] = Field(default_factory=list)
    labels: list[Label] = Field(default_factory=list)
    fields: list[TextField] = Field(default_factory=list)
    photo: PhotoSpec | None = None
    qr: QRSpec | None = None
    chip: ChipSpec | None = None

    @model_validator(mode="after")
    def _unique_ids(self):
        ids = [e.id for e in (*self.shapes, *self.labels, *self.fields)]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"duplicate ids: {', '.join(dup)}")
        return self

    def text_items(self) -> list[Label | TextField]:
        return [*self.labels, *self.fields]


class CardSpec(_Boxed):
    # the name starts output file names (next-001-front.png): letters, digits, - _ . only,
    # so that a layout file cannot steer the output outside the output folder
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    title: str = "個人番号カード"
    width_mm: float = Field(85.60, gt=0)
    height_mm: float = Field(53.98, gt=0)
    corner_radius_mm: float = Field(3.18, ge=0)
    expiry_rule: Literal["current", "next"]
    safe_margin_mm: float = Field(1.5, ge=0)
    min_text_pt: float = Field(5.0, gt=0)
    core_color: tuple[int, int, int, int] | None = None
    edge_band_mm: float = Field(0.0, ge=0)  # a band along every edge kept free of text (lint)

    @field_validator("core_color", mode="before")
    @classmethod
    def _v_core(cls, v):
        return None if v is None else _color(v)


class FontsSpec(_Model):
    fallback: list[str] = Field(default_factory=lambda: ["mj", "mincho", "gothic"])


class SampleMarkSpec(_Boxed):
    """The diagonal 見本 SAMPLE mark of previews (centred on the face)."""

    text: str = "見本 SAMPLE"
    font: str = "gothic"
    size_pt: float = Field(30.0, gt=0)
    angle_deg: float = 24.0
    color: tuple[int, int, int, int] = (200, 16, 32, 110)


class MaskSpec(_Model):
    char: str = Field("＊", min_length=1, max_length=1)
    code_char: str = Field("*", min_length=1, max_length=1)  # masks the security code (a short field)
    qr_payload: str = "SAMPLE"  # what a preview's QR code holds instead of the number


class Layout(_Boxed):
    card: CardSpec
    fonts: FontsSpec = Field(default_factory=FontsSpec)
    sample_mark: SampleMarkSpec = Field(default_factory=SampleMarkSpec)
    mask: MaskSpec = Field(default_factory=MaskSpec)
    front: SideSpec
    back: SideSpec
    source: str = ""  # where it was loaded from

    @property
    def name(self) -> str:
        return self.card.name

    def side(self, side: str) -> SideSpec:
        if side not in SIDES:
            raise LayoutError(f"unknown side {side!r}; use front or back", code="layout.side")
        return self.front if side == "front" else self.back

    @cached_property
    def card_rect(self) -> Rect:
        return Rect(0.0, 0.0, self.card.width_mm, self.card.height_mm)

    @cached_property
    def safe_area(self) -> Rect:
        m = max(self.card.safe_margin_mm, self.card.edge_band_mm)
        return self.card_rect.expand(-m)


def _problems(err: ValidationError) -> list[FieldProblem]:
    out = []
    for e in err.errors(include_input=False, include_url=False):
        loc = ".".join(str(p) for p in e.get("loc", ()))
        msg = str(e.get("msg", "")).removeprefix("Value error, ")
        out.append(FieldProblem(field=loc or "(layout)", code="layout.invalid", message=msg))
    return out


def parse_layout(data: dict, source: str = "(data)") -> Layout:
    """Validate a layout given as a dict (parsed TOML)."""
    try:
        layout = Layout.model_validate({**data, "source": source})
    except ValidationError as err:
        problems = _problems(err)
        raise LayoutError(f"layout {source}: {len(problems)} problem(s)", problems=problems) from None
    for side in SIDES:
        for item in layout.side(side).text_items():
            if not all(math.isfinite(n) for n in (item.box.x, item.box.y, item.box.w, item.box.h)):
                raise LayoutError(f"layout {source}: {side}.{item.id}: box is not finite")
    return layout


_cache: dict[tuple[str, float], Layout] = {}


def layout_path(name_or_path: str | Path) -> Path:
    """The file of a packaged layout name (current, next) or the given path."""
    if isinstance(name_or_path, str) and name_or_path in PACKAGED:
        ref = resources.files("cardface.layouts").joinpath(f"{name_or_path}.toml")
        with resources.as_file(ref) as p:
            return Path(p)
    p = Path(name_or_path)
    if not p.is_file():
        raise LayoutError(f"no layout named {str(name_or_path)!r}: use one of {', '.join(PACKAGED)} "
                          "or the path of a .toml file", code="layout.not_found")
    return p


def load_layout(name_or_path: str | Path | Layout) -> Layout:
    """Load (and cache) a packaged layout by name or a layout file by path."""
    if isinstance(name_or_path, Layout):
        return name_or_path
    path = layout_path(name_or_path)
    try:
        key = (str(path.resolve()), path.stat().st_mtime)
    except OSError as err:
        raise LayoutError(f"cannot read layout {path}: {err.strerror}", code="layout.not_found") from None
    cached = _cache.get(key)
    if cached is not None:
        return cached
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise LayoutError(f"layout {path} is not valid TOML: {err}", code="layout.syntax") from None
    layout = parse_layout(data, str(path))
    _cache[key] = layout
    return layout
