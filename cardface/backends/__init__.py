"""The backends that draw a resolved :class:`~cardface.scene.Scene`, nothing more.

Each implements the :class:`~cardface.scene.Renderer` interface: :mod:`cardface.backends.png`
(Pillow, :class:`~cardface.backends.png.PngRenderer`), :mod:`cardface.backends.pdf`
(reportlab, :class:`~cardface.backends.pdf.PdfRenderer`) and the A4 proof sheet
:mod:`cardface.backends.sheet`, which draws many scenes with the PDF renderer.
:func:`cardface.rendering.draw` picks the backend for a format.
"""
