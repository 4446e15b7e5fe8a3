"""The background: plain (no pattern, texture or objects) and without a shadow cast behind the head.

J-LIS: plain background (無背景); rejected examples show a chair or objects behind, a
patterned background and a shadow on the background. ICAO 9303: plain, uniform background.
OFIQ's background uniformity is the mean Sobel gradient magnitude over background pixels.

Background pixels are where the person segmentation (mediapipe selfie segmentation) says
"not a person", eroded away from the silhouette, at a fixed working scale (512 px on the
long side), so the measures do not depend on the file's resolution.
"""

from __future__ import annotations

import numpy as np

from photo.checks import check
from photo.report import result


def background_measures(a) -> dict | None:
    """``gradient``: mean Sobel magnitude over the background (texture, pattern, edges);
    ``objects``: share of background pixels whose (blurred) colour departs by more than
    Delta E 8 from a smooth quadratic fall-off fitted robustly to the background — things
    standing behind the person; ``share``: background share of the frame."""
    import cv2

    g = a.small_grey
    bg = a.background
    share = float(bg.mean())
    if bg.sum() < 0.02 * bg.size:
        return None
    gx = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3)
    mag = np.hypot(gx, gy) / 8.0  # Sobel 3x3 gain
    inner = cv2.erode(bg.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0  # drop the image border effect
    inner[:2, :] = inner[-2:, :] = False
    inner[:, :2] = inner[:, -2:] = False
    gradient = float(mag[inner].mean()) if inner.any() else float(mag[bg].mean())
    # smooth fall-off: a quadratic in x, y fitted (twice, dropping outliers) to each CIELAB channel
    ys, xs = np.nonzero(bg)
    step = max(1, xs.size // 6000)
    ys, xs = ys[::step], xs[::step]
    h, w = g.shape
    u, v = xs / w - 0.5, ys / h - 0.5
    design = np.stack([np.ones_like(u), u, v, u * u, v * v, u * v], axis=1)
    small = cv2.GaussianBlur(a.small[0], (0, 0), sigmaX=max(1.0, w / 128))
    lab = cv2.cvtColor(small, cv2.COLOR_RGB2Lab).astype(np.float32)[ys, xs]
    lab[:, 0] *= 100.0 / 255.0
    lab[:, 1:] -= 128.0
    keep = np.ones(len(xs), bool)
    for _ in range(2):
        coef, *_ = np.linalg.lstsq(design[keep], lab[keep], rcond=None)
        dev = np.linalg.norm(lab - design @ coef, axis=1)
        keep = dev < 8.0
        if keep.sum() < 12:
            break
    objects = float(np.mean(dev > 8.0))
    return {"gradient": gradient, "objects": objects, "share": share}


@check("background.uniformity", limits={"max_gradient": "float", "max_objects": "float"}, needs_face=False)
def uniformity(a, limits):
    """Plain background: mean gradient over background pixels <= max_gradient (OFIQ measure:
    texture, patterns) and share of background off a smooth light fall-off <= max_objects (objects,
    furniture, doors, a clock on the wall). J-LIS, ICAO 9303."""
    m = background_measures(a)
    if m is None:
        r = result("background.uniformity", True, None, None, "no_background")
        r.evaluated = False
        return r
    if m["gradient"] > limits["max_gradient"]:
        key = "texture"
    elif m["objects"] > limits["max_objects"]:
        key = "objects"
    else:
        key = "ok"
    return result("background.uniformity", key == "ok", {k: round(v, 3) for k, v in m.items()},
                  {"max_gradient": limits["max_gradient"], "max_objects": limits["max_objects"]}, key)


def shadow_measure(a) -> dict | None:
    """Darkening of the background right next to the head and shoulders, per side (image-left,
    image-right, above): 1 - median luma next to the silhouette / median luma of the rest of
    the background. A cast shadow hugs the silhouette on one side; a light fall-off towards
    the corners does not count against it."""
    import cv2

    g = a.small_grey
    f = a.small[1]
    person = (a.person > 0.5).astype(np.uint8)
    bg = a.person < 0.2
    if person.sum() == 0 or bg.sum() < 100:
        return None
    dist = cv2.distanceTransform(1 - person, cv2.DIST_L2, 3)
    fw = max(4.0, (a.face_box[2] - a.face_box[0]) * f)
    near = bg & (dist > 0.02 * fw) & (dist < 0.25 * fw)
    rest = bg & (dist >= 0.25 * fw)
    if rest.sum() < 100:
        rest = bg
    ref = max(float(np.median(g[rest])), 1.0)
    h, w = g.shape
    ys, xs = np.mgrid[0:h, 0:w]
    cx, cy = a.eye_mid[0] * f, a.eye_mid[1] * f
    level = ys < a.chin[1] * f  # beside and above the head (light falls off towards the shoulders)
    out = {}
    sectors = (("left", xs < cx - 0.3 * fw), ("right", xs > cx + 0.3 * fw),
               ("above", (ys < cy - 0.9 * fw) & (np.abs(xs - cx) < 0.7 * fw)))
    for name, sector in sectors:
        n = g[near & sector & level]
        if n.size < 30:
            continue
        out[name] = float(1.0 - np.median(n) / ref)
    return out or None


@check("background.shadow", limits={"max_darkening": "float"})
def shadow(a, limits):
    """No shadow cast on the background behind the head: the background next to the silhouette
    at most max_darkening darker than the background further out (J-LIS: shadow on the background)."""
    m = shadow_measure(a)
    if m is None:
        r = result("background.shadow", True, None, None, "no_background")
        r.evaluated = False
        return r
    side = max(m, key=m.get)
    v = m[side]
    ok = v <= limits["max_darkening"]
    r = result("background.shadow", ok, round(v, 3), limits["max_darkening"], side=side)
    r.details = {k: round(x, 3) for k, x in m.items()}
    return r
