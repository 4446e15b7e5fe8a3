"""``mynacard serve``: the portal API and the card-design preview page (FastAPI on uvicorn)."""

from __future__ import annotations

import ipaddress
import os
import socket

import typer

from mynacard.cli import app


def default_workers() -> int:
    """The number of cores this process may run on (its CPU affinity where the system says)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


#: What ``mynacard[serve]`` installs: import name -> distribution name.
SERVE_EXTRA = {"fastapi": "fastapi", "uvicorn": "uvicorn", "multipart": "python-multipart",
               "fastapi_offline": "fastapi-offline"}


def check_serve_extra() -> None:
    """Refuse to start (``serve.not_installed``) when a package of ``mynacard[serve]`` is missing."""
    import importlib.util

    from mynacard.serve.settings import SettingsError

    missing = [dist for mod, dist in SERVE_EXTRA.items() if importlib.util.find_spec(mod) is None]
    if missing:
        raise SettingsError(f"the service needs {', '.join(missing)}: install mynacard with the serve extra "
                            "(pip install -e '.[serve]' in the clone)", code="serve.not_installed")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_address(host: str, port: int) -> None:
    """Bind (then release) every address ``host`` resolves to, as the server will, so a port in use
    or a host that is not this machine's is one line before anything starts (``serve.address``)."""
    from mynacard.serve.settings import SettingsError

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as err:
        reason = err.strerror if isinstance(err, socket.gaierror) and err.strerror else "not a host name"
        raise SettingsError(f"--host {host}: not an address of this machine ({reason})",
                            code="serve.address") from None
    opened: list[socket.socket] = []
    try:
        for family, kind, proto, _, addr in dict.fromkeys(infos):
            sock = socket.socket(family, kind, proto)
            opened.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn/asyncio do
            if family == socket.AF_INET6 and hasattr(socket, "IPPROTO_IPV6"):
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                sock.bind(addr)
            except OSError as err:
                raise SettingsError(f"cannot listen on {addr[0]} port {port} ({err.strerror or err})",
                                    code="serve.address") from None
    finally:
        for sock in opened:
            sock.close()


@app.command("serve")
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind; loopback unless you mean it."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="TCP port."),
    workers: int | None = typer.Option(None, "--workers", min=1, max=64,
                                       help="Processes that run the face models; each loads them once and "
                                       "checks one photo at a time, requests go to whichever is free "
                                       "[default: one per core]."),
    production: bool = typer.Option(
        False, "--production",
        help="Allow callers to ask for unmarked cards (production=true) and unmasked numbers "
        "(show_number=true). Off: every card is a marked preview with the number masked. "
        "Also MYNACARD_SERVE_PRODUCTION=1."),
    max_upload_mb: int | None = typer.Option(None, "--max-upload-mb", min=1, max=100,
                                             help="Largest upload in MiB (default 10)."),
    threads: int | None = typer.Option(None, "--threads", min=1, max=32,
                                       help="Threads per worker for work without face models (romaji, "
                                       "renders without a photo; default 2)."),
    profile: str = typer.Option("", "--profile", help="Photo profile when a request names none "
                                "(default mynumber-online)."),
    log_verbosity: int = typer.Option(0, "--log-level", min=0, max=2,
                                      help="0 warnings, 1 info with the access log, 2 debug."),
    log_format: str | None = typer.Option(None, "--log-format", metavar="text|json",
                                          help="Log lines as text or one JSON object each (default: "
                                          "$MYNACARD_LOG_FORMAT, else text). Lines of a request carry its "
                                          "X-Request-ID."),
) -> None:
    """Serve the HTTP API (/v1/photo/check, /v1/photo/chip, /v1/card/render, /v1/ekyc/evidence,
    /v1/romaji, /healthz, /openapi.json), its interactive documentation at /docs, the card-design
    preview page at / and the card capture page at /capture.

    Bound to 127.0.0.1 by default: put it behind a reverse proxy with TLS (see docs/service.md)
    rather than exposing it directly.
    """
    check_serve_extra()
    import uvicorn

    from mynacard import logs
    from mynacard.serve.settings import Settings

    fmt = logs.log_format(log_format)  # a bad value: one line (log.format) before anything starts
    workers = workers or default_workers()

    base = Settings.from_env()
    settings = Settings(
        production=production or base.production,
        max_upload_bytes=max_upload_mb * 1024 * 1024 if max_upload_mb else base.max_upload_bytes,
        cpu_threads=threads or base.cpu_threads,
        profile=profile.strip() or base.profile,
        verbosity=max(log_verbosity, base.verbosity),
        # N workers share the cores: OpenCV in each gets its share instead of every core
        native_threads=base.native_threads or (max(1, (os.cpu_count() or 1) // workers) if workers > 1 else 0),
        model_processes=workers if workers > 1 else 0,
        log_format=fmt if log_format is not None else base.log_format,
    )
    from photo.profile import get as get_profile

    get_profile(settings.profile)  # an unknown profile refuses to start (profile.invalid), not every request
    from photo.models import verify_all as verify_models

    verify_models()  # a missing or altered model file (model.missing / model.corrupt) refuses to start
    check_address(host, port)
    os.environ.update(settings.to_env())  # the workers read their settings from here
    if settings.native_threads == 1:
        # one core per worker: single-threaded BLAS/OpenMP too, set before the workers import numpy
        from photo.models import one_core_per_process_env

        one_core_per_process_env()
    if settings.verbosity or settings.log_format != "text":
        logs.configure(settings.verbosity, settings.log_format)
    if not _is_loopback(host):
        typer.echo(f"mynacard: warning: listening on {host}, not loopback: anyone who can reach it can send "
                   "photos and holder data; put it behind a reverse proxy with TLS", err=True)
    mode = "PRODUCTION (unmarked output allowed)" if settings.production else "preview (marked, masked)"
    typer.echo(f"mynacard: serving on http://{host}:{port}/ with {workers} worker(s), {mode}", err=True)
    # One server process (one event loop) hands each request to a free model process;
    # uvicorn's own workers would each queue the connections the kernel gave them.
    uvicorn.run("mynacard.serve.app:create_app", factory=True, host=host, port=port, workers=1,
                log_config=None, access_log=settings.verbosity >= 1, server_header=False,
                timeout_graceful_shutdown=10)
