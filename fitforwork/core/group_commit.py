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
