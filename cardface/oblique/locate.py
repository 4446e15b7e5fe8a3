"""Find the card in a photo: its four corners in reading order, the layout and the side.

1. candidate outlines: quadrilaterals from edges and dark printed frames (``candidates``);
2. each outline is tried as every rectangle a layout shows a camera (the card's edge, and on
   the ``next`` layout the inner and outer edges of its printed frame), in each of the four
   orientations; shapes that no plausible pinhole camera could give the right aspect ratio
   are dropped;
3. the rest are warped to a small canonical card and compared with the layouts' known
   content (``content``); on a layout with an orientation mark the mark must be dark where
   the layout puts it;
4. when no outline scores well (``content_below``), the layouts' printed content is matched
   too (SIFT); the best hypothesis wins when its score is high enough; else there is no card;
5. the corners are made precise: on a layout with a printed frame, by measuring the frame
   band at full resolution (``refine.fit_band``; a frame layout whose frame is not seen
   needs a strong content match); otherwise by snapping the sides to the photo's edges.
"""

from __future__ import annotations

import numpy as np

from cardface.oblique.candidates import candidate_stages, line_quads
from cardface.oblique.config import settings
from cardface.oblique.content import Template, canonical_shape, features, mark_darkness, px_per_mm
from cardface.oblique.geometry import Quad, apply_h, card_pose, card_rect_mm, homography, metric_aspect
from cardface.oblique.imageio import load_rgb
from cardface.oblique.keypoints import content_quads
from cardface.oblique.refine import fit_band, snap_quad


def _canon_matrix() -> np.ndarray:
    """Canonical pixel -> card mm."""
    k = px_per_mm()
    return np.array([[1 / k, 0, 0.5 / k], [0, 1 / k, 0.5 / k], [0, 0, 1]], np.float64)


def _outline_groups(templates: list[Template]) -> list[tuple[np.ndarray, list[Template]]]:
    """Distinct outline rectangles (mm) with the templates that show each."""
    groups: list[tuple[np.ndarray, list[Template]]] = []
    for t in templates:
        for r in [card_rect_mm(), *t.outlines_mm]:
            for g in groups:
                if np.allclose(g[0], r, atol=0.05):
                    g[1].append(t)
                    break
            else:
                groups.append((np.asarray(r, np.float64), [t]))
    return groups


def _aspect(r: np.ndarray) -> float:
    return float(np.linalg.norm(r[1] - r[0]) / np.linalg.norm(r[3] - r[0]))


def score_hypotheses(gray: np.ndarray, quads: list[np.ndarray], templates: list[Template], first: int = 0) -> list[dict]:
    """Every (outline, orientation, template) hypothesis that passes the shape test, scored."""
    import cv2

    cfg = settings()["locate"]
    h, w = gray.shape
    ch, cw = canonical_shape()
    canon = _canon_matrix()
    max_err = float(cfg["max_aspect_error"])
    frange = tuple(float(v) for v in cfg["focal_range"])
    out = []
    for qi, q in enumerate(quads, first):
        for rect, tmpls in _outline_groups(templates):
            target = _aspect(rect)
            for k in range(4):
                pts = np.roll(q, -k, axis=0)
                asp, _ = metric_aspect(pts, (w, h), frange, target)
                err = abs(np.log(asp / target))
                if err > max_err:
                    continue
                h_card = homography(rect, pts)
                card_pts = apply_h(h_card, card_rect_mm())
                # the card must lie (nearly) inside the photo
                margin = 0.03 * max(w, h)
                if (card_pts[:, 0].min() < -margin or card_pts[:, 1].min() < -margin
                        or card_pts[:, 0].max() > w - 1 + margin or card_pts[:, 1].max() > h - 1 + margin):
                    continue
                m = h_card @ canon
                cg = cv2.warpPerspective(gray, m, (cw, ch), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                                         borderMode=cv2.BORDER_REPLICATE).astype(np.float32)
                f = features(cg)
                for t in tmpls:
                    corr = float((f * t.feat).sum())
                    mark = None
                    if t.mark_mm is not None:
                        d0, d180 = mark_darkness(cg, t.mark_mm)
                        spread = 4.0 * float(cg.std()) + 1e-6
                        mark = (d180 - d0) / spread
                    out.append({"quad": qi, "k": k, "rect": rect, "template": t, "corr": corr, "mark": mark,
                                "aspect_err": err, "card": card_pts})
    return out


def _combined(hyp: dict) -> float:
    s = hyp["corr"] - 0.5 * hyp["aspect_err"]
    if hyp["mark"] is not None:
        s += 0.25 * float(np.clip(hyp["mark"], -1, 1))
    return s


def _best(hyps: list[dict]) -> tuple[dict, list[dict]]:
    """(the winning hypothesis, the hypotheses on its outline and template): the best content
    match in any orientation (the layout and side), then the orientation on that outline and
    template, where the orientation mark counts too."""
    top = max(hyps, key=lambda hp: hp["corr"] - 0.5 * hp["aspect_err"])
    same = [hp for hp in hyps if hp["quad"] == top["quad"] and hp["template"] is top["template"]
            and np.allclose(hp["rect"], top["rect"])]
    return max(same, key=lambda hp: hp["score"]), same


def _tilt_deg(hyp: dict, quads: list[np.ndarray], shape: tuple[int, ...]) -> float:
    """The angle (degrees) between the card and the image plane that hypothesis ``hyp`` implies
    (its outline, in a photo of ``shape``), as the eKYC evidence measures it
    (:func:`cardface.oblique.geometry.card_pose`; a pinhole camera, principal point at the centre)."""
    h, w = shape[:2]
    card = apply_h(homography(hyp["rect"], np.roll(quads[hyp["quad"]], -hyp["k"], axis=0)), card_rect_mm())
    frange = tuple(float(v) for v in settings()["locate"]["focal_range"])
    return card_pose(Quad(card), (w, h), frange).tilt_deg


def locate(image, *, templates: list[Template] | None = None) -> Quad | None:
    """The card in ``image`` (path, bytes, PIL image or RGB array), or None when there is none.

    The result's ``points`` are the printed face's corners (top-left, top-right,
    bottom-right, bottom-left as the face is read) in the photo's pixels; ``side`` and
    ``layout`` name what was recognised; ``confidence`` is 0..1 and ``warnings`` list doubts
    (uncertain orientation, low contrast, a card near the border).
    """
    import cv2

    from cardface.oblique.templates import default_templates

    cfg = settings()["locate"]
    rgb = load_rgb(image)
    H, W = rgb.shape[:2]
    s = min(1.0, float(cfg["work_max_px"]) / max(H, W))
    work = cv2.resize(rgb, (max(8, round(W * s)), max(8, round(H * s))), interpolation=cv2.INTER_AREA) if s < 1 else rgb
    gray = cv2.cvtColor(work, cv2.COLOR_RGB2GRAY)
    tmpls = templates if templates is not None else default_templates()
    min_area = float(cfg["min_area_share"]) * gray.size
    quads: list[np.ndarray] = []
    hyps: list[dict] = []
    early = float(cfg["early_accept"])
    for stage in candidate_stages(work, gray, min_area):
        new = score_hypotheses(gray, stage, tmpls, first=len(quads))
        quads.extend(stage)
        for hp in new:
            hp["score"] = _combined(hp)
        hyps.extend(new)
        if hyps and max(hp["score"] for hp in hyps) >= early:
            break  # a clear match: the costlier maps cannot do better
    if not hyps or max(hp["score"] for hp in hyps) < float(cfg["lines_below"]):
        # no outline closed as a contour: try quadrilaterals of straight lines
        stage = line_quads(gray, min_area)
        new = score_hypotheses(gray, stage, tmpls, first=len(quads))
        quads.extend(stage)
        for hp in new:
            hp["score"] = _combined(hp)
        hyps.extend(new)
    if not hyps or max(hp["score"] for hp in hyps) < float(cfg["content_below"]) or \
            _tilt_deg(_best(hyps)[0], quads, gray.shape) < float(cfg["content_below_tilt_deg"]):
        # no outline at all, or only a weak one (the card's own edge hardly shows against a pale
        # background and an inner printed line closed the outline), or one that puts the card just
        # past the eKYC evidence's 15° bound (a skewed outline of a card held at 5° read as 16°):
        # find the card by its printed content too, and keep whichever matches better
        from cardface.oblique.geometry import clockwise

        stage = [clockwise(q) for q in content_quads(gray, tmpls)]
        new = score_hypotheses(gray, stage, tmpls, first=len(quads))
        quads.extend(stage)
        for hp in new:
            hp["score"] = _combined(hp)
        hyps.extend(new)
    if not hyps:
        return None
    # the layout and side: the best content match in any orientation; then the orientation
    # on that outline and template, where the orientation mark (if any) counts too
    best, same = _best(hyps)
    if best["score"] < float(cfg["accept_score"]):
        return None
    rivals = [hp["score"] for hp in same if hp["k"] != best["k"]]
    margin = best["score"] - max(rivals) if rivals else 1.0
    warnings = []
    if margin < float(cfg["orientation_margin"]):
        warnings.append("orientation uncertain: another rotation of the card matches almost as well")
    if best["score"] < float(cfg["warn_below"]):
        warnings.append("low confidence: the card's content matches the layout only weakly")
    t: Template = best["template"]
    conf = float(np.clip((best["score"] - float(cfg["accept_score"])) / 0.4 + 0.5, 0, 1))
    conf = min(conf, float(np.clip(0.5 + margin / (2 * float(cfg["orientation_margin"])), 0, 1)))
    # precise corners: a printed frame is measured across its width at full resolution;
    # else the outline that was seen is snapped onto the photo's edges
    src = np.roll(quads[best["quad"]], -best["k"], axis=0)
    h_work = homography(best["rect"], snap_quad(gray, src))
    card = apply_h(h_work, card_rect_mm())
    method = "edges"
    if t.bands_mm:
        full_gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        h_full = np.diag([1 / s, 1 / s, 1.0]) @ np.array([[1, 0, 0.5], [0, 1, 0.5], [0, 0, 1]])
        h_full = np.array([[1, 0, -0.5], [0, 1, -0.5], [0, 0, 1]]) @ h_full @ h_work
        centre, width = t.bands_mm[0]
        fitted, seen = fit_band(full_gray, h_full, centre, width)
        if seen < float(cfg["frame_seen"]) and best["corr"] < float(cfg["content_alone"]):
            return None  # a layout with a frame, but no frame seen and little of its content
        if fitted is not None:
            card_full = apply_h(homography(centre, fitted), card_rect_mm())
            card = (card_full + 0.5) * s - 0.5
            method = "marks"
    pts = (card + 0.5) / s - 0.5
    scores = {"score": round(best["score"], 4), "content": round(best["corr"], 4),
              "orientation_margin": round(margin, 4), "aspect_error": round(best["aspect_err"], 4)}
    if best["mark"] is not None:
        scores["mark"] = round(best["mark"], 4)
    return Quad(pts, conf, side=t.side, layout=t.layout, method=method, warnings=tuple(warnings), scores=scores)

