"""Font files shipped with mynacard, installed as the package data ``cardface.fontfiles``.

IPAex Gothic (ipaexg.ttf) and IPAex Mincho (ipaexm.ttf), IPA Font License v1.0
(IPA_Font_License_Agreement_v1.0.txt). Code finds them through ``cardface.fonts``.
"""
