"""Face geometry for other packages (the card renderer crops the photo with it).

``face_geometry(source)`` gives, in the ORIGINAL image's pixel coordinates after EXIF
orientation: both eye centres (iris centres), the chin, the estimated crown (top of the
head with hair, from the person mask above the face), the face box (the landmarks' outline)
and the roll, yaw and pitch in degrees.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class FaceGeometry:
    """All points are (x, y) in original-image pixels (upright). ``eye_left`` is the eye on the
    image's left (the subject's right eye)."""

    width: int
    height: int
    eye_left: tuple[float, float]
    eye_right: tuple[float, float]
    chin: tuple[float, float]
    crown: tuple[float, float]
    face_box: tuple[float, float, float, float]  # x0, y0, x1, y1
    roll_deg: float
    yaw_deg: float
    pitch_deg: float
    faces: int

    @property
    def eye_mid(self) -> tuple[float, float]:
        return ((self.eye_left[0] + self.eye_right[0]) / 2, (self.eye_left[1] + self.eye_right[1]) / 2)

    @property
    def head_height_px(self) -> float:
        """Crown to chin, in original pixels."""
        return ((self.chin[0] - self.crown[0]) ** 2 + (self.chin[1] - self.crown[1]) ** 2) ** 0.5

    def to_dict(self) -> dict:
        return asdict(self)


def from_analysis(a) -> FaceGeometry | None:
    if not a.has_face:
        return None
    k = 1.0 / a.decoded.scale

    def pt(v) -> tuple[float, float]:
        return (round(float(v[0]) * k, 2), round(float(v[1]) * k, 2))

    x0, y0, x1, y1 = a.face_box
    p = a.pose
    return FaceGeometry(
        width=a.decoded.width, height=a.decoded.height, eye_left=pt(a.eye_r), eye_right=pt(a.eye_l),
        chin=pt(a.chin), crown=pt(a.crown), face_box=(x0 * k, y0 * k, x1 * k, y1 * k),
        roll_deg=round(p.roll_deg, 2), yaw_deg=round(p.yaw_deg, 2), pitch_deg=round(p.pitch_deg, 2),
        faces=a.face_count,
    )


def face_geometry(source: Any) -> FaceGeometry | None:
    """Geometry of the main face of ``source`` (path, bytes, PIL image, RGB array); None without a face."""
    from photo.analysis import FaceAnalysis
    from photo.intake import load

    return from_analysis(FaceAnalysis(load(source)))
