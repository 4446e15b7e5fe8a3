"""Batch checking at scale: a folder or a CSV manifest -> ``OUT/results.jsonl``,
``OUT/summary.csv`` and ``OUT/report.html``, on local processes or a Dask cluster.

Every photo is checked by :func:`photo.check` (the batch adds scheduling and I/O, never its
own copy of a check). Modules: ``inputs`` (what to check), ``store`` (append-only results,
resume), ``worker`` (the unit of work), ``outdir`` (the per-photo files' names and writing),
``run_local`` / ``run_dask`` (where it runs), ``job`` (start to finish), ``summary`` and ``report`` (what a reviewer reads).

    from photo.batch import BatchConfig, run_batch
    result = run_batch(BatchConfig("photos/", "out/"))
"""

from __future__ import annotations

__all__ = ["BatchConfig", "BatchResult", "run_batch"]


def __getattr__(name: str):
    if name in __all__:
        from photo.batch import job

        return getattr(job, name)
    raise AttributeError(name)
