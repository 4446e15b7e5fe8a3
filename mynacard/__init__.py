"""mynacard: the command line and HTTP shell around the ``photo`` and ``cardface`` packages.

The logic lives in ``photo`` (application photo checks) and ``cardface`` (holder data,
passport Hepburn, card faces, oblique capture); this package only parses, calls and prints.
"""

__version__ = "0.1.0"
