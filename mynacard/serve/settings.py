"""Server-side settings of ``mynacard serve``, read once per worker from the environment.

``mynacard serve`` writes its options into these variables before it starts uvicorn, so
every worker process (uvicorn spawns them) sees the same settings:

=================================  ========================================================
``MYNACARD_SERVE_PRODUCTION``      ``1``: callers may ask for unmarked output
                                   (``production=true``) and an unmasked number
                                   (``show_number=true``). Default ``0``: every card is a
                                   marked preview with the number masked, whatever the
                                   caller asks.
``MYNACARD_SERVE_MAX_UPLOAD``      largest accepted upload in bytes (default 10 MiB)
``MYNACARD_SERVE_THREADS``         threads for CPU work per worker that does not touch
                                   the face models (default 2)
``MYNACARD_SERVE_PROFILE``         photo profile used when a request names none
``MYNACARD_SERVE_NATIVE_THREADS`` OpenCV threads per worker (0: OpenCV's default, one per
                                   core). ``mynacard serve --workers N`` sets cores/N so
                                   that N workers do not oversubscribe the cores.
``MYNACARD_SERVE_MODEL_PROCESSES`` processes that run the face models (0: one thread in the
                                   server process). ``mynacard serve --workers N`` sets N
                                   when N > 1.
``MYNACARD_SERVE_VERBOSITY``       log level of the workers: 0 warnings, 1 info (with
                                   the access log: method, path, status), 2 debug
``MYNACARD_LOG_FORMAT``            ``text`` (default) or ``json``: one JSON object per log
                                   line (also read by the CLI's logging)
=================================  ========================================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from cardface.errors import CardfaceError

MiB = 1024 * 1024

ENV_PRODUCTION = "MYNACARD_SERVE_PRODUCTION"
ENV_MAX_UPLOAD = "MYNACARD_SERVE_MAX_UPLOAD"
ENV_THREADS = "MYNACARD_SERVE_THREADS"
ENV_PROFILE = "MYNACARD_SERVE_PROFILE"
ENV_VERBOSITY = "MYNACARD_SERVE_VERBOSITY"
ENV_NATIVE_THREADS = "MYNACARD_SERVE_NATIVE_THREADS"
ENV_MODEL_PROCESSES = "MYNACARD_SERVE_MODEL_PROCESSES"
ENV_LOG_FORMAT = "MYNACARD_LOG_FORMAT"  # = mynacard.logs.ENV_FORMAT

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


class SettingsError(CardfaceError):
    """A server setting with a value that cannot be used (the server refuses to start)."""

    code = "serve.settings"


@dataclass(frozen=True)
class Settings:
    """What the operator decides, never the caller."""

    production: bool = False
    max_upload_bytes: int = 10 * MiB
    # Room for the multipart framing and the holder JSON beside the largest upload.
    body_overhead_bytes: int = 1 * MiB
    cpu_threads: int = 2
    profile: str = "mynumber-online"
    verbosity: int = 0
    native_threads: int = 0
    model_processes: int = 0
    log_format: str = "text"

    @property
    def max_body_bytes(self) -> int:
        """Largest request body read from the socket; anything longer is refused mid-stream."""
        return self.max_upload_bytes + self.body_overhead_bytes

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            production=_flag(env, ENV_PRODUCTION),
            max_upload_bytes=_positive_int(env, ENV_MAX_UPLOAD, cls.max_upload_bytes),
            cpu_threads=_positive_int(env, ENV_THREADS, cls.cpu_threads),
            profile=env.get(ENV_PROFILE, "").strip() or cls.profile,
            verbosity=_positive_int(env, ENV_VERBOSITY, 0, minimum=0),
            native_threads=_positive_int(env, ENV_NATIVE_THREADS, 0, minimum=0),
            model_processes=_positive_int(env, ENV_MODEL_PROCESSES, 0, minimum=0),
            log_format=_choice(env, ENV_LOG_FORMAT, ("text", "json")),
        )

    def to_env(self) -> dict[str, str]:
        """The environment that makes :meth:`from_env` return these settings (for the workers)."""
        return {
            ENV_PRODUCTION: "1" if self.production else "0",
            ENV_MAX_UPLOAD: str(self.max_upload_bytes),
            ENV_THREADS: str(self.cpu_threads),
            ENV_PROFILE: self.profile,
            ENV_VERBOSITY: str(self.verbosity),
            ENV_NATIVE_THREADS: str(self.native_threads),
            ENV_MODEL_PROCESSES: str(self.model_processes),
            ENV_LOG_FORMAT: self.log_format,
        }


def _flag(env: Mapping[str, str], name: str) -> bool:
    value = env.get(name, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingsError(f"{name} must be 1 or 0, not {value!r}")


def _choice(env: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str:
    value = env.get(name, "").strip().lower() or allowed[0]
    if value not in allowed:
        raise SettingsError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def _positive_int(env: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    value = env.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {value!r}") from None
    if number < minimum:
        raise SettingsError(f"{name} must be at least {minimum}")
    return number
