"""photo/frame_line.py on drawn eyes: a dark line through the eye and on past both corners is a
rim; a lash line inside the opening, or eyeliner winged past one corner, is not."""

from __future__ import annotations

import numpy as np

from photo.analysis import EYE_R
from photo.frame_line import frame_line
from tests.drawn_eye import drawn_eye

IED = 200.0


def _eye(lines: list[tuple[float, float, int]]):
    """(luma, landmarks): the drawn eye (tests.drawn_eye) on skin at 180, with dark rows
    ``(x0, x1, y)`` of 3 px at luma 40."""
    g, lm = drawn_eye(180.0)
    for x0, x1, y in lines:
        g[y - 1:y + 2, int(x0):int(x1)] = 40.0
    return g, lm


def test_a_rim_across_the_eye_and_the_skin_past_both_corners_is_a_line():
    strength, row = frame_line(*_eye([(20, 170, 102)]), EYE_R, IED)
    assert strength > 0.5 and row is not None and abs(row - 102) <= 1


def test_no_line_reads_nothing():
    strength, _row = frame_line(*_eye([]), EYE_R, IED)
    assert strength <= 0.0


def test_a_lash_line_inside_the_opening_is_not_a_rim():
    strength, _row = frame_line(*_eye([(62, 118, 96)]), EYE_R, IED)
    assert strength <= 0.0


def test_eyeliner_winged_past_one_corner_is_not_a_rim():
    strength, _row = frame_line(*_eye([(40, 118, 96)]), EYE_R, IED)
    assert strength <= 0.0


def test_stretches_out_of_the_picture_read_nothing():
    g, lm = _eye([(20, 170, 102)])
    lm[:, 0] -= 70  # the eye at the picture's left edge: the skin past its outer corner is cut off
    assert frame_line(g, lm, EYE_R, IED) == (0.0, None)


def test_a_brown_rim_across_a_wide_dark_iris_is_read_on_the_white():
    """A dark iris filling most of the opening's width makes the rows' medians the iris's, and a
    brown rim is no darker than it: the opening's stretch reads the white beside the iris."""
    g, lm = _eye([])
    ys, xs = np.mgrid[0:200, 0:200]
    g[(((xs - 90) / 30) ** 2 + ((ys - 100) / 10) ** 2 <= 1) & (np.abs(xs - 90) <= 16)] = 60.0  # the iris, 32 px wide
    lm[EYE_R["iris"], :2] = (90, 100)
    for k, (dx, dy) in enumerate(((16, 0), (0, -16), (-16, 0), (0, 16))):
        lm[EYE_R["iris"] + 1 + k, :2] = (90 + dx, 100 + dy)
    g[101:104, 20:170] = 110.0  # a brown rim across the eye and the skin
    strength, row = frame_line(g, lm, EYE_R, IED)
    assert strength > 0.3 and row is not None and abs(row - 102) <= 1


SKIN = (205, 150, 125)


def _colour_eye(rows: list[tuple[int, int, tuple[int, int, int]]]):
    """(sRGB 200 x 200, landmarks): the drawn eye (tests.drawn_eye) on skin of ``SKIN``, the
    opening white, with rows ``(y0, y1, colour)`` painted across the whole picture."""
    g, lm = drawn_eye(0.0)
    rgb = np.empty((200, 200, 3), np.uint8)
    rgb[:] = SKIN
    rgb[g > 0] = (225, 225, 220)
    for y0, y1, colour in rows:
        rgb[y0:y1] = colour
    return rgb, lm


def test_a_grey_metal_rim_on_the_skin_past_both_corners_is_found_by_its_colour():
    """A thin metal rim of the drawings' grey (150, 140, 120) is hardly darker than the skin's
    shadow side, but of another hue and chroma: a line of colour on both sides of the eye."""
    from photo.frame_line import frame_chroma

    rgb, lm = _colour_eye([(101, 103, (150, 140, 120))])
    strength, row = frame_chroma(rgb, lm, EYE_R, IED)
    assert strength > 2.5 and row is not None and abs(row - 101.5) <= 1.5
    assert frame_line(rgb[..., 1].astype(np.float32), lm, EYE_R, IED)[0] < 0.15  # its darkness alone: not found


def test_skin_a_shadow_and_a_crease_of_the_skins_colour_are_not_a_colour_line():
    from photo.frame_line import frame_chroma

    assert frame_chroma(*_colour_eye([]), EYE_R, IED)[0] == 0.0
    # a shadow below row 102: a step, not a line (the rows above and below differ from each other)
    shadow = tuple(round(c * 0.8) for c in SKIN)
    assert frame_chroma(*_colour_eye([(102, 200, shadow)]), EYE_R, IED)[0] < 1.0
    # a grey line past the outer corner only (eyeliner winged out): it does not run past both corners
    rgb, lm = _colour_eye([])
    rgb[101:103, :60] = (150, 140, 120)
    assert frame_chroma(rgb, lm, EYE_R, IED)[0] == 0.0
