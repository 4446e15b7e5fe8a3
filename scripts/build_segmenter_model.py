"""Rebuild photo/models/selfie_segmentation.tflite from Google's published model file.

    npm pack @mediapipe/selfie_segmentation@0.1.1675465747 && tar xzf mediapipe-selfie_segmentation-*.tgz
    python scripts/build_segmenter_model.py package/selfie_segmentation.tflite photo/models/selfie_segmentation.tflite

The npm package ships the general (256x256) selfie segmentation model without TFLite metadata,
which MediaPipe Tasks' ImageSegmenter needs to know how to scale the input. This script adds
exactly that, and nothing else: the input is RGB scaled to 0-1 (mean 0, std 255, as the legacy
selfie-segmentation graph of mediapipe 0.10 fed it) and the output is one person-probability
channel with no activation (the model ends in a sigmoid). The weights and graph are untouched;
the masks equal those of the legacy selfie-segmentation graph to 7e-6. Run it with mediapipe 1.2.x installed (it uses the
flatbuffers schema modules mediapipe ships); the output is byte-for-byte reproducible, and its
SHA-256 is the one in photo/models/manifest.toml.
"""

from __future__ import annotations

import hashlib
import sys

SOURCE_SHA256 = "8d13b7fae74af625c641226813616a2117bd6bca19eb3b75574621fc08557f27"


def add_metadata(model_bytes: bytes) -> bytes:
    import flatbuffers
    from mediapipe.tasks.metadata import image_segmenter_metadata_schema_py_generated as seg
    from mediapipe.tasks.metadata import metadata_schema_py_generated as md
    from mediapipe.tasks.metadata import schema_py_generated as sc

    model = sc.ModelT.InitFromObj(sc.Model.GetRootAsModel(bytearray(model_bytes), 0))

    def image_content(space):
        c = md.ContentT()
        c.contentPropertiesType = md.ContentProperties.ImageProperties
        c.contentProperties = md.ImagePropertiesT()
        c.contentProperties.colorSpace = space
        return c

    inp = md.TensorMetadataT()
    inp.name = "image"
    inp.content = image_content(md.ColorSpaceType.RGB)
    norm = md.NormalizationOptionsT()
    norm.mean, norm.std = [0.0], [255.0]
    unit = md.ProcessUnitT()
    unit.optionsType = md.ProcessUnitOptions.NormalizationOptions
    unit.options = norm
    inp.processUnits = [unit]
    inp.stats = md.StatsT()
    inp.stats.max, inp.stats.min = [1.0], [0.0]

    out = md.TensorMetadataT()
    out.name = "segmentation_masks"
    out.content = image_content(md.ColorSpaceType.GRAYSCALE)

    options = seg.ImageSegmenterOptionsT()
    options.activation = seg.Activation.NONE
    b = flatbuffers.Builder(0)
    b.Finish(options.Pack(b))
    custom = md.CustomMetadataT()
    custom.name = "SEGMENTER_METADATA"
    custom.data = list(bytes(b.Output()))

    sub = md.SubGraphMetadataT()
    sub.inputTensorMetadata, sub.outputTensorMetadata, sub.customMetadata = [inp], [out], [custom]
    meta = md.ModelMetadataT()
    meta.name = "selfie_segmentation"
    meta.description = "MediaPipe selfie segmentation (general, 256x256); metadata added by mynacard"
    meta.version, meta.license, meta.minParserVersion = "v1", "Apache-2.0", "1.0.0"
    meta.subgraphMetadata = [sub]
    b = flatbuffers.Builder(0)
    b.Finish(meta.Pack(b), b"M001")

    buf = sc.BufferT()
    buf.data = list(bytes(b.Output()))
    model.buffers.append(buf)
    entry = sc.MetadataT()
    entry.name = "TFLITE_METADATA"
    entry.buffer = len(model.buffers) - 1
    model.metadata = [m for m in (model.metadata or []) if m.name != b"TFLITE_METADATA"] + [entry]
    b = flatbuffers.Builder(0)
    b.Finish(model.Pack(b), b"TFL3")
    return bytes(b.Output())


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    src = open(argv[0], "rb").read()
    digest = hashlib.sha256(src).hexdigest()
    if digest != SOURCE_SHA256:
        print(f"unexpected source model (SHA-256 {digest}, expected {SOURCE_SHA256})", file=sys.stderr)
        return 1
    out = add_metadata(src)
    with open(argv[1], "wb") as f:
        f.write(out)
    print(f"{argv[1]}: {len(out)} bytes, SHA-256 {hashlib.sha256(out).hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
