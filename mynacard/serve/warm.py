"""What a worker loads before its first request (so the first request does not wait for it).

Used by the app at start-up and by the model processes (:mod:`mynacard.serve.compute`).
"""

from __future__ import annotations


def warm_up(native_threads: int = 0) -> None:
    """Load what the first request would otherwise wait for: face models, kana tables, fonts."""
    import photo

    if native_threads:
        import cv2

        cv2.setNumThreads(native_threads)
    photo.warm_up()
    warm_up_tables()


def warm_up_tables() -> None:
    """Kana tables and fonts (what renders without a photo and romanization need)."""
    from cardface.romaji import romanize_name

    romanize_name("オオノ", "タロウ")
    from cardface.fonts import default_fonts

    fonts = default_fonts()
    for role in fonts.roles():
        fonts.face(role)
