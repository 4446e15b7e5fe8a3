"""One router per subject: health, romaji, photo, card, and the preview page."""
