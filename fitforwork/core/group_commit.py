"""Group commit: requests that arrive together in one process share one database transaction.

A thread with work calls `GroupCommit.run(job)`. If no batch is being written, it becomes the leader: it takes
every job waiting at that moment (its own included) and hands them to `write(jobs)` in one call. Jobs that
arrive meanwhile wait, and when the batch is done one of them leads the next. Under light load a batch is
one job, written at once, so nobody waits for a timer; under heavy load each transaction carries the jobs
that queued while the one before it was committing, which is where the saving is (one commit, one audit
append, bulk inserts; ADR 0009).

`write` runs in the leader's thread, on its database connection, and stores each job's result on the job.
If it raises, no job's result stands: each thread then writes its own job alone, with `write([job])`, so
one bad job fails only its own request, with the same error it would have had without grouping. A batch
of one that fails is not tried again: its error is its thread's.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

logger = logging.getLogger(__name__)


class Job:
    """One request's work. Subclasses add the inputs and the result; `write` fills in the result."""

    def __init__(self) -> None:
        self.done = False
        self.alone = False  # the batch failed: write this job in its own transaction
        self.error: BaseException | None = None  # a batch of this job alone failed with this

    def reset(self) -> None:
        """Forget any result a failed batch set, before the job is written again alone."""


J = TypeVar("J", bound=Job)


class GroupCommit(Generic[J]):
    def __init__(self, write: Callable[[list[J]], None], *, max_batch: int = 64) -> None:
        self._write = write
        self._max_batch = max_batch
        self._lock = threading.Condition()
        self._waiting: list[J] = []
        self._leading = False
        self.batches = 0  # how many transactions, and how many jobs they carried: for tests and benchmarks
        self.jobs = 0

    def run(self, job: J) -> J:
        """Write `job`, with whatever else is waiting; returns when its result is known."""
        with self._lock:
            self._waiting.append(job)
            while not job.done:
                if self._leading:
                    self._lock.wait()
                    continue
                self._leading = True
                batch, self._waiting = self._waiting[: self._max_batch], self._waiting[self._max_batch :]
                self._lock.release()
                try:
                    self._write_batch(batch)
                finally:
                    self._lock.acquire()
                    self._leading = False
                    self.batches += 1
                    self.jobs += len(batch)
                    for each in batch:
                        each.done = True
                    self._lock.notify_all()
        if job.error is not None:
            raise job.error
        if job.alone:
            job.reset()
            self._write([job])
        return job

    def _write_batch(self, batch: list[J]) -> None:
        try:
            self._write(batch)
        except BaseException as error:
            if len(batch) == 1:
                batch[0].error = error  # only the leader's own job: it is raised in the leader's thread
                return
            if isinstance(error, Exception):
                logger.warning("A batch of %d failed; writing each on its own", len(batch), exc_info=True)
            for each in batch:
                each.alone = True
            if not isinstance(error, Exception):
                raise  # the worker is stopping: the others write their own, the leader stops


def write_together_or_alone(write: Callable[[list[J]], None], batch: list[J]) -> list[tuple[J, Exception]]:
    """`write(batch)` in one call; if that fails, each job on its own, so one bad job keeps only itself out.

    Returns each job that failed on its own, with its error: its result is unset (the batch's was reset).
    """
    try:
        write(batch)
        return []
    except Exception as error:
        if len(batch) == 1:
            batch[0].reset()
            return [(batch[0], error)]
        logger.warning("A batch of %d failed; writing each on its own", len(batch), exc_info=True)
    failed = []
    for job in batch:
        job.reset()
        try:
            write([job])
        except Exception as error:
            job.reset()
            failed.append((job, error))
    return failed


class BackgroundWriter(Generic[J]):
    """Jobs handed over by requests that have already been answered, written by one thread of this process.

    The thread takes every job waiting (up to `max_batch`) and hands them to `write` in one call, so the
    busier the process, the bigger each transaction. If a batch of several fails, each of its jobs is written
    alone; a job that fails alone (in a batch of one, or so written again) is logged and left as it is, for a
    sweep to pick up (what it came from was stored before it was handed over). `done(job)` runs after each
    job is written, outside the transaction.
    """

    def __init__(
        self, write: Callable[[list[J]], None], *, done: Callable[[J], None], name: str, max_batch: int = 200
    ) -> None:
        self._write = write
        self._done = done
        self._name = name
        self._max_batch = max_batch
        self._lock = threading.Condition()
        self._waiting: list[J] = []
        self._busy = False
        self._thread: threading.Thread | None = None
        self._stopping = False
        self.batches = 0
        self.jobs = 0

    def submit(self, job: J) -> None:
        with self._lock:
            self._waiting.append(job)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            self._lock.notify_all()

    def drain(self, timeout: float = 10.0) -> bool:
        """Wait until every job handed over so far is written; False if `timeout` seconds pass first."""
        with self._lock:
            return self._lock.wait_for(lambda: not self._waiting and not self._busy, timeout=timeout)

    def stop(self, timeout: float = 10.0) -> bool:
        """Write what is waiting, then end the thread and close its database connection (a process stopping, or
        a test ending); a later `submit` starts a new thread. False if that took longer than `timeout`."""
        with self._lock:
            thread, self._stopping = self._thread, True
            self._lock.notify_all()
        if thread is not None:
            thread.join(timeout)
        with self._lock:
            self._stopping = False
            return thread is None or not thread.is_alive()

    def _run(self) -> None:
        from django.db import close_old_connections, connection

        while True:
            with self._lock:
                self._lock.wait_for(lambda: bool(self._waiting) or self._stopping)
                if not self._waiting:  # stopping, with nothing left to write
                    self._thread = None
                    connection.close()
                    return
                batch, self._waiting = self._waiting[: self._max_batch], self._waiting[self._max_batch :]
                self._busy = True
            try:
                close_old_connections()  # as a request would: drop a connection that is too old or broken
                self._write_batch(batch)
            finally:
                with self._lock:
                    self._busy = False
                    self.batches += 1
                    self.jobs += len(batch)
                    self._lock.notify_all()
                connection.close_if_unusable_or_obsolete()

    def _write_batch(self, batch: list[J]) -> None:
        failed = write_together_or_alone(self._write, batch)
        for _job, error in failed:
            logger.error("A job failed on its own; left for the sweep", exc_info=error)
        unwritten = {id(job) for job, _ in failed}
        for job in (job for job in batch if id(job) not in unwritten):
            try:
                self._done(job)
            except Exception:
                logger.exception("Finishing a written job failed")
