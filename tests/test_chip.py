"""photo.chip_portrait: geometry, budgets, the record's fields, refusal with the check's reasons, CLI, endpoint."""

from __future__ import annotations

import base64
import copy
import io
import json

import numpy as np
import pytest
from PIL import Image

import photo
from photo import dg2, iso19794
from photo.chip import (
    FEATURE_POINTS,
    ChipError,
    ChipRefused,
    chip_portrait,
    encode_prepared,
    prepare,
    read_back,
)
from photo.chip_quality import delta_e00, landmarks, landmarks_stable, measure
from tests.photo_helpers import path

PROFILE = "mynumber-next"


@pytest.fixture(scope="module")
def analysed():
    from photo.checker import analyse_and_check

    analysis, report = analyse_and_check(path("compliant_a"), PROFILE)
    assert report.passed
    return analysis, report


@pytest.fixture(scope="module")
def prepared(analysed):
    return prepare(analysed, kind="token")


@pytest.fixture(scope="module")
def portraits(prepared):
    return {(c, b): encode_prepared(prepared, budget_bytes=b, codec=c)
            for c in ("jpeg", "jpeg2000") for b in (3000, 6000)}


# -- geometry ----------------------------------------------------------------------------------------

def test_token_geometry_from_the_landmarks(prepared):
    pl = prepared.placement
    assert (pl.width, pl.height) == (240, 320)
    assert np.allclose(pl.eye_r, (90, 144), atol=1e-6) and np.allclose(pl.eye_l, (150, 144), atol=1e-6)
    assert prepared.uncompressed.shape == (320, 240, 3)


def test_feature_points_in_mpeg4_codes(portraits):
    p = portraits["jpeg", 6000]
    fp = p.feature_points
    assert set(fp) == set(FEATURE_POINTS)
    assert fp["12.1"] == [150, 144] and fp["12.2"] == [90, 144]  # 12.1: the subject's left = image right
    assert fp["8.3"][0] > fp["8.4"][0]  # the subject's left mouth corner is on the image's right
    assert fp["12.1"][1] < fp["9.3"][1] < fp["8.3"][1] < fp["2.1"][1]  # eyes, nose, mouth, chin downwards


def test_decoded_eyes_within_the_stated_tolerance(portraits):
    tol = portraits["jpeg", 6000].geometry["tolerance"]
    assert tol["ok"] is True and tol["eye_mid_error_px"] <= tol["eye_mid_tolerance_px"]


def test_full_frontal(analysed):
    p = chip_portrait(analysed, kind="full", budget_bytes=12000, codec="jpeg")
    assert (p.width, p.height) == (360, 480)
    g = p.geometry
    assert g["tolerance"]["ok"] is True
    assert 0.625 <= g["tolerance"]["head_share"] <= 0.8 and "crown_px" in g
    assert iso19794.parse(p.record).images[0].image_type == iso19794.IMAGE_TYPE["full"]
    prep = prepare(analysed, kind="full")  # the whole head with its hair is kept as it is
    x, y = (round(v) for v in prep.placement.crown)
    assert prep.keep_mask[y + 4, x] == 1.0 and prep.keep_mask[y + 4:int(prep.placement.chin[1]), x].all()


# -- encoding ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("codec", ["jpeg", "jpeg2000"])
def test_budgets_are_respected_and_more_bytes_means_better(portraits, codec):
    small, big = portraits[codec, 3000], portraits[codec, 6000]
    assert len(small.image) <= 3000 and len(big.image) <= 6000
    assert len(big.image) > 0.9 * 6000  # the search uses the budget, not a fixed quality
    assert big.quality["ssim_face"] > small.quality["ssim_face"]
    assert big.encoder["codec"] == codec


def test_no_metadata_and_srgb(portraits):
    jpg = portraits["jpeg", 6000].image
    with Image.open(io.BytesIO(jpg)) as im:
        assert im.format == "JPEG" and im.mode == "RGB"
        assert "exif" not in im.info and "icc_profile" not in im.info and "comment" not in im.info
    assert b"Exif" not in jpg[:200]
    jp2 = portraits["jpeg2000", 6000].image
    assert jp2[4:8] == b"jP  "
    colr = jp2.index(b"colr")
    assert jp2[colr + 4] == 1 and int.from_bytes(jp2[colr + 7:colr + 11], "big") == 16  # enumerated sRGB
    with Image.open(io.BytesIO(jp2)) as im:
        assert im.size == (240, 320) and "icc_profile" not in im.info
    cod = jp2.index(b"\xff\x52")  # COD: Lcod(2) Scod(1) progression(1) layers(2) then the colour transform
    assert jp2[cod + 8] == 1  # the irreversible colour transform, not R, G, B coded apart


def test_roi_prefilter_never_touches_the_face(prepared):
    from photo.analysis import FACE_OVAL
    from photo.chip_quality import _polygon

    keep = prepared.keep_mask == 1.0
    face = _polygon(keep.shape, prepared.placement.landmarks[list(FACE_OVAL)], hull=False)
    assert keep[face].all()
    assert np.array_equal(prepared.prefiltered[keep], prepared.uncompressed[keep])
    assert not np.array_equal(prepared.prefiltered[~keep], prepared.uncompressed[~keep])  # the rest is filtered


def test_block_lowpass_keeps_only_low_frequencies_of_blocks_away_from_the_face(prepared):
    import cv2

    from photo.analysis import FACE_OVAL
    from photo.chip_encode import block_lowpass
    from photo.chip_quality import _polygon
    from photo.jpeg_writer import DCT

    pl, u = prepared.placement, prepared.uncompressed
    outline = pl.landmarks[list(FACE_OVAL)]
    out, changed = block_lowpass(u, outline, 0.3 * pl.ied, 4)
    assert changed.any() and np.array_equal(out[~changed], u[~changed])  # the rest bit for bit
    face = _polygon(changed.shape, outline, hull=False)
    assert not (changed & face).any()
    # changed pixels come in whole blocks of JPEG's 8x8 grid ...
    blocks = changed[:320, :240].reshape(40, 8, 30, 8)
    assert np.all(blocks.all(axis=(1, 3)) == blocks.any(axis=(1, 3)))
    # ... whose luma keeps its mean and (up to rounding) no coefficient with u + v >= 4
    y0 = cv2.cvtColor(u, cv2.COLOR_RGB2YCrCb)[..., 0].astype(np.float64)
    y1 = cv2.cvtColor(out, cv2.COLOR_RGB2YCrCb)[..., 0].astype(np.float64)
    m = DCT
    fu, fv = np.meshgrid(np.arange(8), np.arange(8))
    by, bx = np.argwhere(blocks.all(axis=(1, 3)))[len(np.argwhere(blocks.all(axis=(1, 3)))) // 2]
    b0, b1 = y0[by * 8:by * 8 + 8, bx * 8:bx * 8 + 8], y1[by * 8:by * 8 + 8, bx * 8:bx * 8 + 8]
    c = m @ (b1 - 128) @ m.T
    assert np.abs(c[(fu + fv) >= 4]).max() < 3.0
    assert abs(b0.mean() - b1.mean()) < 1.5


def test_search_candidates_never_touch_the_face(prepared):
    from photo.analysis import FACE_OVAL
    from photo.chip import settings
    from photo.chip_quality import _polygon

    names = [c.name for c in prepared.alternatives]
    assert names == [e["name"] for e in settings()["encode"]["search"]["alternatives"]]
    face = _polygon(prepared.keep_mask.shape, prepared.placement.landmarks[list(FACE_OVAL)], hull=False)
    for cand in prepared.alternatives:
        keep = cand.keep_mask == 1.0
        assert keep[face].all(), cand.name
        assert np.array_equal(cand.image[keep], prepared.uncompressed[keep]), cand.name
        # each is another pre-filter, or codes one with its own quantisation table or with the trellis
        assert (cand.qtables is not None or cand.trellis is not None
                or not np.array_equal(cand.image, prepared.prefiltered)), cand.name
    assert len({(c.image.tobytes(), c.qtables, c.trellis is None) for c in prepared.alternatives}) == len(
        prepared.alternatives)


def test_table_candidates_write_their_scaled_luma_table(prepared):
    from photo.chip import settings
    from photo.chip_encode import ANNEX_K_CHROMA, ANNEX_K_LUMA, encode, luma_table

    table = luma_table([[2, 6, 0.7]])
    u, v = np.meshgrid(np.arange(8), np.arange(8))
    band = (((u + v) >= 2) & ((u + v) <= 6)).ravel()
    k = np.array(ANNEX_K_LUMA)
    assert np.array_equal(np.array(table)[~band], k[~band])
    assert np.array_equal(np.array(table)[band], np.clip(np.round(k[band] * 0.7), 1, 255))
    e = encode(prepared.prefiltered, "jpeg", 5000, settings(), qtables=(tuple(table), ANNEX_K_CHROMA))
    assert len(e.data) <= 5000
    q = int(e.setting)
    scale = 5000 // q if q < 50 else 200 - 2 * q  # libjpeg's quality scaling
    with Image.open(io.BytesIO(e.data)) as im:
        assert im.info.get("progressive") is None and not im.info.get("progression")  # still baseline
        written = im.quantization
    expect = np.clip((np.array(table) * scale + 50) // 100, 1, 255)
    assert np.array_equal(np.array(written[0]), expect)
    assert np.array_equal(np.array(written[1]), np.clip((np.array(ANNEX_K_CHROMA) * scale + 50) // 100, 1, 255))


def test_search_keeps_the_candidate_whose_landmarks_stay_closest(prepared, monkeypatch):
    from photo.chip import settings

    monkeypatch.setitem(settings()["encode"]["search"], "good_enough_drift_pct", 0.0)  # try every candidate
    monkeypatch.setitem(settings()["quality"], "max_drift_p95_pct", 0.0)  # none meets it: rescues tried too
    monkeypatch.setitem(settings()["encode"]["search"], "rescue_below_drift_pct", 99.0)
    monkeypatch.setitem(settings()["encode"]["search"], "max_cost_ms", 1e9)  # no cost bound
    p = encode_prepared(prepared, budget_bytes=5000)
    log = p.encoder["search"]
    assert [e["name"] for e in log] == ["roi"] + [c.name for c in prepared.alternatives]
    assert all(e["bytes"] <= 5000 for e in log)
    ok = [e for e in log if e["skin_delta_e00"] <= 3 and e["drift_p95_pct"] is not None]
    best = min(ok, key=lambda e: e["drift_p95_pct"])
    assert p.encoder["candidate"] == best["name"] and p.quality["drift_p95_pct"] == best["drift_p95_pct"]
    assert len(p.image) == best["bytes"]
    plain = encode_prepared(prepared, budget_bytes=5000, search=False)
    assert plain.encoder["candidate"] == "roi" and plain.encoder["search"] == []
    assert plain.quality["drift_p95_pct"] == log[0]["drift_p95_pct"]  # the same encoding, measured alike
    assert p.quality["drift_p95_pct"] <= plain.quality["drift_p95_pct"]
    unmeasured = encode_prepared(prepared, budget_bytes=5000, measure=False)  # no landmark model: no search
    assert unmeasured.encoder["search"] == [] and unmeasured.image == plain.image


def test_rescue_candidates_only_while_none_meets_the_target(prepared, monkeypatch):
    from photo.chip import settings

    rescues = [c.name for c in prepared.alternatives if c.rescue]
    others = [c.name for c in prepared.alternatives if not c.rescue]
    assert rescues
    monkeypatch.setitem(settings()["encode"]["search"], "max_cost_ms", 1e9)  # no cost bound
    monkeypatch.setitem(settings()["encode"]["search"], "good_enough_drift_pct", 0.0)
    monkeypatch.setitem(settings()["quality"], "max_drift_p95_pct", 99.0)  # the first candidate meets it
    p = encode_prepared(prepared, budget_bytes=5000)
    assert [e["name"] for e in p.encoder["search"]] == ["roi", *others]
    monkeypatch.setitem(settings()["quality"], "max_drift_p95_pct", 0.0)  # none does ...
    monkeypatch.setitem(settings()["encode"]["search"], "rescue_below_drift_pct", 99.0)  # ... and it is a near miss
    p = encode_prepared(prepared, budget_bytes=5000)
    assert [e["name"] for e in p.encoder["search"]] == ["roi", *others, *rescues]
    best = min(e["drift_p95_pct"] for e in p.encoder["search"][:1 + len(others)])
    monkeypatch.setitem(settings()["encode"]["search"], "rescue_below_drift_pct", best - 0.001)  # a far miss
    p = encode_prepared(prepared, budget_bytes=5000)
    assert [e["name"] for e in p.encoder["search"]] == ["roi", *others]
    monkeypatch.setitem(settings()["encode"]["search"], "rescue_below_drift_pct", 99.0)
    j = encode_prepared(prepared, budget_bytes=5000, codec="jpeg2000")  # table and trellis candidates are JPEG's own
    tables = {c.name for c in prepared.alternatives if c.qtables is not None or c.trellis is not None}
    assert tables and [e["name"] for e in j.encoder["search"]] == [
        "roi", *(c.name for c in prepared.alternatives if c.name not in tables)]


def test_search_stops_at_its_cost_bound(prepared, monkeypatch):
    from photo.chip import candidate_cost_ms, settings

    search = settings()["encode"]["search"]
    monkeypatch.setitem(search, "good_enough_drift_pct", 0.0)  # every candidate wanted ...
    monkeypatch.setitem(settings()["quality"], "max_drift_p95_pct", 0.0)
    monkeypatch.setitem(search, "rescue_below_drift_pct", 99.0)
    costs = {c.name: candidate_cost_ms(c, search) for c in prepared.alternatives}
    assert costs and all(v > 0 for v in costs.values())
    trellis = [c.name for c in prepared.alternatives if c.uses_trellis]
    assert trellis and all(costs[n] == search["trellis_cost_ms"] for n in trellis)
    # ... as many as the bound allows, in order, counting the plain one's cost too
    names = ["roi"] + [c.name for c in prepared.alternatives]
    cost = [search["cost_ms"]] + [costs[n] for n in names[1:]]
    p = encode_prepared(prepared, budget_bytes=5000)
    tried = [e["name"] for e in p.encoder["search"]]
    spent, expect = 0.0, []
    for n, c in zip(names, cost, strict=True):
        if spent + c <= search["max_cost_ms"]:
            spent += c
            expect.append(n)
    assert tried == expect and sum(cost[names.index(n)] for n in tried) <= search["max_cost_ms"]
    assert all(e["cpu_ms"] >= 0 for e in p.encoder["search"])  # what each one cost, for bench/chip.py
    # a candidate past the bound is skipped, a cheaper one after it still tried
    monkeypatch.setitem(search, "max_cost_ms", 2 * search["cost_ms"] + search["trellis_cost_ms"] - 1)
    monkeypatch.setitem(search, "alternatives", [
        {"name": "wide", "face_margin_ied": 0.9},
        {"name": "trellis", "trellis": True},
        {"name": "fine_chroma", "chroma_bands": [[0, 14, 0.7]]}])
    from photo.chip import prepare
    prep = prepare((prepared.analysis, prepared.report))
    p = encode_prepared(prep, budget_bytes=5000)
    assert [e["name"] for e in p.encoder["search"]] == ["roi", "wide", "fine_chroma"]


def test_trellis_candidate_is_a_baseline_jpeg_within_the_budget(prepared):
    from photo.chip import settings
    from photo.chip_encode import decode, encode, encode_trellis

    cfg = settings()
    cand = next(c for c in prepared.alternatives if c.trellis is not None)
    for budget in (4000, 6000):
        e = encode_trellis(cand.image, budget, cfg, cand.trellis, qtables=cand.qtables)
        assert len(e.data) <= budget
        with Image.open(io.BytesIO(e.data)) as im:
            assert im.format == "JPEG" and im.size == (240, 320)
            assert im.info.get("progressive") is None and not im.info.get("progression")
            assert im.layer[0][1:3] == (2, 2)  # 4:2:0 as the other candidates
            assert set(im.info) <= {"jfif", "jfif_version", "jfif_unit", "jfif_density"}  # no metadata
        assert decode(e.data).shape == (320, 240, 3)
        # within one step of the highest quality that fits, whatever the hint: two steps more do not fit
        for hint in (e.setting - 4, e.setting + 4, None):
            other = encode_trellis(cand.image, budget, cfg, cand.trellis, hint=hint, qtables=cand.qtables)
            assert len(other.data) <= budget and abs(other.setting - e.setting) <= 1
        pinned = copy.deepcopy(cfg)
        pinned["encode"]["jpeg_quality_range"] = [e.setting + 2, e.setting + 2]
        above = encode_trellis(cand.image, 10**6, pinned, cand.trellis, qtables=cand.qtables)
        assert above.setting == e.setting + 2 and len(above.data) > budget
        assert e.tries <= 4
        # the trellis buys quality: at the same budget its file holds a finer table than Pillow's
        plain = encode(cand.image, "jpeg", budget, cfg, qtables=cand.qtables)
        assert e.setting > plain.setting


def test_trellis_lambdas_are_made_only_when_used(analysed):
    prep = prepare(analysed, kind="token")
    encode_prepared(prep, budget_bytes=5000, search=False)
    assert "trellis_lambdas" not in vars(prep)  # not made: Pillow's plain candidate needs none
    lam = prep.trellis_lambdas
    assert lam is not None and lam[0].shape == (40, 30) and prep.trellis_lambdas is lam  # made once


def test_trellis_budget_too_small(prepared):
    from photo.chip import settings
    from photo.chip_encode import encode_trellis

    with pytest.raises(ChipError) as e:
        encode_trellis(prepared.prefiltered, 600, settings(), prepared.trellis_lambdas)
    assert e.value.code == "chip.budget_too_small"


def test_trellis_option_codes_the_plain_candidate(prepared):
    p = encode_prepared(prepared, budget_bytes=5000, search=False, trellis=True)
    plain = encode_prepared(prepared, budget_bytes=5000, search=False)
    assert p.encoder["candidate"] == "roi_trellis" and plain.encoder["candidate"] == "roi"
    assert len(p.image) <= 5000 and p.encoder["jpeg_quality"] > plain.encoder["jpeg_quality"]
    assert read_back(p.record, p.dg2)["record"]["images"][0]["width"] == 240
    assert p.quality["drift_p95_pct"] is not None
    searched = encode_prepared(prepared, budget_bytes=5000, trellis=True)
    assert searched.encoder["search"][0]["name"] == "roi_trellis"
    with pytest.raises(ChipError) as e:
        encode_prepared(prepared, budget_bytes=5000, codec="jpeg2000", trellis=True)
    assert e.value.code == "chip.invalid_option"


def test_trellis_candidate_of_a_full_frontal_portrait(analysed):
    """360 px wide: not a whole number of 16 px MCUs; the head with its hair is in the face region."""
    from photo.chip import settings
    from photo.chip_encode import decode, encode_trellis

    full = prepare(analysed, kind="full")
    cand = next(c for c in full.alternatives if c.trellis is not None)
    assert cand.trellis[0].shape == (60, 23 * 2) and cand.trellis[1].shape == (30, 23)
    e = encode_trellis(cand.image, 12000, settings(), cand.trellis, qtables=cand.qtables)
    assert len(e.data) <= 12000 and decode(e.data).shape == (480, 360, 3)


def test_trellis_lambdas_are_the_face_value_on_every_face_block(prepared):
    """No per-block decision inside the face: every block touching the outline or its band has the
    one face lambda, so its coefficients are exactly those of a trellis with that lambda everywhere."""
    from photo import jpeg_trellis, jpeg_writer
    from photo.analysis import FACE_OVAL
    from photo.chip import settings
    from photo.chip_encode import outline_distance

    entry = {f"trellis_{k}": v for k, v in settings()["encode"]["trellis"].items()}
    cand = next(c for c in prepared.alternatives if c.trellis is not None)
    lam_y, lam_c = cand.trellis
    for a, b in zip(cand.trellis, prepared.trellis_lambdas, strict=True):  # the plain candidate's too
        assert np.array_equal(a, b)
    assert lam_y.shape == (40, 30) and lam_c.shape == (20, 15)
    pl = prepared.placement
    dist = outline_distance((320, 240), pl.landmarks[list(FACE_OVAL)])
    region = dist <= entry["trellis_face_margin_ied"] * pl.ied
    touching_y = region.reshape(40, 8, 30, 8).any(axis=(1, 3))
    touching_c = region.reshape(20, 16, 15, 16).any(axis=(1, 3))
    assert (lam_y[touching_y] == entry["trellis_face_lambda"]).all()
    assert (lam_y[~touching_y] == entry["trellis_outside_lambda"]).all()
    assert (lam_c[touching_c] == entry["trellis_face_lambda"]).all()
    assert (lam_c[~touching_c] == entry["trellis_outside_lambda"]).all()
    assert touching_y.sum() > 300 and (~touching_y).sum() > 300  # both kinds of block exist
    coef = jpeg_writer.forward(cand.image)[0]
    lt, _ = jpeg_writer.quality_tables(80, *cand.qtables)
    rnd = np.round(coef / lt).astype(np.int64)
    lengths = jpeg_writer.ac_code_lengths([rnd, rnd[::2, ::2], rnd[::2, ::2]])[0]
    mixed = jpeg_trellis.quantise(coef, lt, lam_y, lengths)
    uniform = jpeg_trellis.quantise(coef, lt, entry["trellis_face_lambda"], lengths)
    assert np.array_equal(mixed[touching_y], uniform[touching_y])
    assert not np.array_equal(mixed[~touching_y], uniform[~touching_y])


def test_search_stops_at_a_good_enough_candidate(prepared, monkeypatch):
    from photo.chip import settings

    monkeypatch.setitem(settings()["encode"]["search"], "good_enough_drift_pct", 99.0)
    p = encode_prepared(prepared, budget_bytes=5000)
    assert [e["name"] for e in p.encoder["search"]] == ["roi"] and p.encoder["candidate"] == "roi"
    assert p.image == encode_prepared(prepared, budget_bytes=5000, search=False).image


def test_quality_hint_finds_the_highest_quality_that_fits(prepared):
    from photo.chip import settings
    from photo.chip_encode import encode

    cfg = settings()
    plain = encode(prepared.prefiltered, "jpeg", 5000, cfg)
    for hint in (plain.setting - 4, plain.setting, plain.setting + 4):
        e = encode(prepared.prefiltered, "jpeg", 5000, cfg, hint=hint)
        assert e.data == plain.data and e.setting == plain.setting


def test_budget_too_small(prepared):
    with pytest.raises(ChipError) as e:
        encode_prepared(prepared, budget_bytes=600, codec="jpeg")
    assert e.value.code == "chip.budget_too_small"


@pytest.mark.parametrize(("kw", "code"), [({"codec": "webp"}, "chip.invalid_option"),
                                          ({"kind": "basic"}, "chip.invalid_option"),
                                          ({"budget_bytes": 100}, "chip.invalid_option"),
                                          ({"width_px": 200}, "chip.invalid_option"),
                                          ({"width_px": 100000}, "chip.invalid_option")])  # not a 23 GB frame
def test_bad_options(analysed, kw, code):
    with pytest.raises(ChipError) as e:
        chip_portrait(analysed, **kw)
    assert e.value.code == code


# -- record ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("codec", ["jpeg", "jpeg2000"])
def test_record_holds_what_was_written(portraits, analysed, codec):
    p = portraits[codec, 6000]
    analysis, _ = analysed
    rec = iso19794.parse(p.record)
    assert rec.length == len(p.record) and len(rec.images) == 1
    img = rec.images[0]
    assert img.image == p.image
    assert (img.width, img.height) == (p.width, p.height) == (240, 320)
    assert img.image_type == iso19794.IMAGE_TYPE["token"]
    assert img.data_type == iso19794.DATA_TYPE[codec]
    assert img.colour_space == iso19794.COLOUR_SPACE["rgb24"]
    assert img.source_type == iso19794.SOURCE_TYPE["static_photo_unknown"]
    assert (img.device_type, img.quality, img.gender, img.eye_colour, img.hair_colour, img.property_mask) == (0,) * 6
    assert img.expression == iso19794.EXPRESSION["neutral"]  # expression.neutral and mouth.closed passed
    pose = analysis.pose
    roll = pose.roll_deg + p.geometry["rotation_deg"]
    assert img.pose == (iso19794.pose_code(pose.yaw_deg), iso19794.pose_code(pose.pitch_deg),
                        iso19794.pose_code(roll))
    assert img.pose_uncertainty == (0, 0, 0)
    assert {pt.name: [pt.x, pt.y] for pt in img.points} == p.feature_points
    assert all(pt.type == iso19794.MPEG4 for pt in img.points)
    group = dg2.parse(p.dg2)
    assert group.count == 1 and group.records == (p.record,)
    back = read_back(p.record, p.dg2)
    assert back["record"]["images"][0]["width"] == 240 and back["dg2"]["count"] == 1


def test_caller_known_attributes_are_written(analysed):
    p = chip_portrait(analysed, gender=2, eye_colour=3, hair_colour=2, measure=False)
    img = iso19794.parse(p.record).images[0]
    assert (img.gender, img.eye_colour, img.hair_colour) == (2, 3, 2)
    assert p.quality == {}


# -- quality measures --------------------------------------------------------------------------------

def test_ciede2000_reference_pairs():
    # Sharma, Wu & Dalal (2005), table 1, pairs 1, 7 and 17
    pairs = [((50, 2.6772, -79.7751), (50, 0, -82.7485), 2.0425),
             ((50, 0, 0), (50, -1, 2), 2.3669),
             ((50, 2.5, 0), (73, 25, -18), 27.1492)]
    for a, b, want in pairs:
        assert abs(float(delta_e00(np.array(a), np.array(b))) - want) < 1e-3


def test_measures_are_zero_for_the_uncompressed_portrait(prepared):
    q = measure(prepared.uncompressed, prepared.uncompressed.copy(), prepared.reference_landmarks,
                prepared.placement.landmarks, prepared.placement.ied, {"max_drift_p95_pct": 1.5,
                                                                       "max_skin_delta_e00": 3.0})
    assert q["drift_p95_pct"] == 0 and q["skin_delta_e00"] == 0 and q["ssim_face"] == pytest.approx(1.0)
    assert q["meets_target"] is True


def test_measures_see_damage(prepared):
    warm = prepared.uncompressed.astype(np.int16)
    warm[..., 0] += 12
    warm[..., 2] -= 12
    q = measure(prepared.uncompressed, np.clip(warm, 0, 255).astype(np.uint8), prepared.reference_landmarks,
                prepared.placement.landmarks, prepared.placement.ied, {"max_drift_p95_pct": 1.5,
                                                                       "max_skin_delta_e00": 3.0})
    assert q["skin_delta_e00"] > 3 and q["meets_target"] is False


def test_stable_landmarks_shift_each_run_back(prepared):
    u = prepared.uncompressed
    plain = landmarks(u)[:, :2]
    # runs on the portrait moved 3 px right are moved back: the average stays on the face
    moved = landmarks_stable(u, [[0, 0], [3, 0]], prepared.reference_landmarks)
    d = np.linalg.norm(moved - plain, axis=1)
    assert np.percentile(d, 95) < 1.0 and abs(float(np.mean(moved[:, 0] - plain[:, 0]))) < 0.5


def test_stable_drift_is_opt_in_and_measured(analysed, prepared):
    assert prepared.reference_landmarks_stable is None
    assert "drift_p95_stable_pct" not in encode_prepared(prepared, budget_bytes=6000).quality
    p = chip_portrait(analysed, budget_bytes=6000, stable_drift=True)
    q = p.quality
    assert 0 < q["drift_p95_stable_pct"] < 3 and 0 < q["drift_median_stable_pct"] <= q["drift_p95_stable_pct"]
    assert q["meets_target_stable"] == (q["drift_p95_stable_pct"] <= 1.5 and q["skin_delta_e00"] <= 3)
    assert 0 < q["drift_p95_shifted_pct"] < 3  # the translated runs only
    same = measure(prepared.uncompressed, prepared.uncompressed.copy(), prepared.reference_landmarks,
                   prepared.placement.landmarks, prepared.placement.ied,
                   {"max_drift_p95_pct": 1.5, "max_skin_delta_e00": 3.0, "stable_shifts_px": [[0, 0], [1, 0]]},
                   ref_stable=landmarks_stable(prepared.uncompressed, [[0, 0], [1, 0]], prepared.reference_landmarks))
    assert same["drift_p95_stable_pct"] == 0 and same["meets_target_stable"] is True


# -- refusal and reuse -------------------------------------------------------------------------------

def test_refused_with_the_reasons_of_photo_check():
    report = photo.check(path("smiling_a"), PROFILE)
    with pytest.raises(ChipRefused) as e:
        chip_portrait(path("smiling_a"), profile=PROFILE)
    failed = {c.id: c.to_dict() for c in report.failed}
    assert e.value.code == "chip.refused" and e.value.reasons
    for r in e.value.reasons:
        assert r == failed[r["id"]]  # the same id, value, limit and messages as photo check
    assert {"expression.neutral", "mouth.closed"} & {r["id"] for r in e.value.reasons}


def test_a_given_report_is_reused_not_recomputed(analysed, monkeypatch):
    import photo.checker

    analysis, report = analysed
    bad = copy.deepcopy(report)
    pose = bad.check("pose.yaw")
    pose.passed, pose.message_en = False, "turned"

    def boom(*a, **k):
        raise AssertionError("analysed or checked again")

    monkeypatch.setattr(photo.checker, "analyse_and_check", boom)
    monkeypatch.setattr(photo.checker, "run_checks", boom)
    with pytest.raises(ChipRefused) as e:
        chip_portrait((analysis, bad), measure=False)
    assert [r["id"] for r in e.value.reasons] == ["pose.yaw"]
    assert chip_portrait((analysis, report), measure=False).width == 240


def test_geometry_failures_are_not_refusals(analysed):
    analysis, report = analysed
    framed = copy.deepcopy(report)
    framed.check("geometry.head_size").passed = False  # the portrait makes its own frame
    assert chip_portrait((analysis, framed), measure=False).kind == "token"


def test_no_face():
    grey = np.full((800, 600, 3), 180, np.uint8)
    with pytest.raises(ChipError) as e:
        chip_portrait(grey)
    assert e.value.code == "chip.no_face"


def test_unreadable_input_keeps_the_loader_code():
    with pytest.raises(photo.PhotoError) as e:
        chip_portrait(b"not a picture")
    assert e.value.code == "input.not_image"


# -- CLI ---------------------------------------------------------------------------------------------

def test_cli_writes_the_three_files_and_json(run_cli, tmp_path):
    r = run_cli("photo", "chip", str(path("compliant_a")), str(path("smiling_a")), "-o", str(tmp_path), "--json",
                "--budget", "5000")
    assert r.exit_code == 1, r.output  # one refused
    lines = [json.loads(x) for x in r.stdout.strip().splitlines()]
    assert len(lines) == 2
    ok, refused = lines
    assert ok["image_bytes"] <= 5000 and ok["codec"] == "jpeg" and ok["quality"]["drift_p95_pct"] is not None
    assert refused["refused"] is True and refused["error"]["code"] == "chip.refused"
    assert {x["id"] for x in refused["error"]["reasons"]} & {"expression.neutral", "mouth.closed"}
    image = (tmp_path / "compliant_a.jpg").read_bytes()
    record = (tmp_path / "compliant_a.fac").read_bytes()
    assert iso19794.parse(record).images[0].image == image
    assert dg2.parse((tmp_path / "compliant_a.dg2").read_bytes()).records == (record,)
    assert not (tmp_path / "smiling_a.jpg").exists()


def test_cli_never_writes_over_its_input_photo(run_cli, tmp_path):
    """-o the photo's own folder: the portrait takes the next free name, the photo is kept."""
    src = tmp_path / "compliant_a.jpg"
    src.write_bytes(path("compliant_a").read_bytes())
    before = src.read_bytes()
    r = run_cli("photo", "chip", str(src), "-o", str(tmp_path), "--json")
    assert r.exit_code == 0, r.output
    assert src.read_bytes() == before
    made = json.loads(r.stdout)["paths"]
    assert made == {k: str(tmp_path / f"compliant_a-2{x}") for k, x in (("image", ".jpg"), ("record", ".fac"),
                                                                        ("dg2", ".dg2"))}
    assert iso19794.parse((tmp_path / "compliant_a-2.fac").read_bytes()).images[0].image == \
        (tmp_path / "compliant_a-2.jpg").read_bytes()


def test_cli_jp2_table_line_and_chart(run_cli, tmp_path):
    r = run_cli("photo", "chip", str(path("compliant_b")), "-o", str(tmp_path), "--codec", "jp2", "--chart")
    assert r.exit_code == 0, r.output
    assert "compliant_b.jpg: token 240x320 jpeg2000" in r.stdout and "drift p95" in r.stdout
    assert iso19794.parse((tmp_path / "compliant_b.fac").read_bytes()).images[0].data_type == 1
    with Image.open(tmp_path / "chip-rates.png") as im:
        assert im.format == "PNG" and im.size == (900, 350)


def test_cli_errors(run_cli, tmp_path):
    r = run_cli("photo", "chip", str(path("compliant_a")), "-o", str(tmp_path), "--budget", "600")
    assert r.exit_code == 2 and "chip.budget_too_small" in r.stdout
    r = run_cli("photo", "chip", str(path("compliant_a")), "-o", str(tmp_path), "--codec", "webp")
    assert r.exit_code == 2 and "cli.usage" in r.stderr


# -- endpoint ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def client():
    from fastapi.testclient import TestClient

    from mynacard.serve.app import create_app
    from mynacard.serve.settings import Settings

    with TestClient(create_app(Settings()), raise_server_exceptions=False) as c:
        yield c


def test_endpoint_returns_the_portrait(client):
    r = client.post("/v1/photo/chip", files={"file": ("a.jpg", path("compliant_a").read_bytes(), "image/jpeg")},
                    data={"budget_bytes": "4000", "codec": "jpeg2000"})
    assert r.status_code == 200, r.text
    body = r.json()
    image, record, group = (base64.b64decode(body[k]) for k in ("image", "record", "dg2"))
    assert len(image) <= 4000 and body["image_bytes"] == len(image) and body["file"] == "a.jpg"
    assert iso19794.parse(record).images[0].image == image and dg2.parse(group).records == (record,)
    assert body["codec"] == "jpeg2000" and body["quality"]["ssim_face"] > 0.8


def test_endpoint_refusal_lists_the_failed_checks(client):
    r = client.post("/v1/photo/chip", files={"file": ("s.jpg", path("smiling_a").read_bytes(), "image/jpeg")})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "chip.refused"
    ids = {p["field"] for p in err["problems"]}
    assert ids & {"expression.neutral", "mouth.closed"} and all(p["message_ja"] for p in err["problems"])


def test_endpoint_bad_budget(client):
    r = client.post("/v1/photo/chip", files={"file": ("a.jpg", path("compliant_a").read_bytes(), "image/jpeg")},
                    data={"budget_bytes": "600"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "chip.budget_too_small"
