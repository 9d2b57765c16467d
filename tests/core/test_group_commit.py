"""GroupCommit batches the jobs that queue while a batch is written; pure Python, no database."""

import threading
import time

import pytest

from fitforwork.core.group_commit import BackgroundWriter, GroupCommit, Job

TIMEOUT = 10


class Square(Job):
    def __init__(self, value):
        super().__init__()
        self.value = value
        self.result = None
        self.seen_result_on_write = []  # what `result` was each time `write` was handed this job

    def reset(self):
        self.result = None


class Bad(Exception):
    pass


class Writer:
    """A fake `write` that records each batch, holds the first until `hold` jobs are waiting, and fails any
    batch holding a job whose value is in `bad`."""

    def __init__(self, *, hold=0, bad=(), max_batch=64):
        self.group = GroupCommit(self, max_batch=max_batch)
        self.batches = []  # the values in each call, in call order
        self.hold = hold
        self.bad = set(bad)
        self.first_started = threading.Event()
        self._lock = threading.Lock()

    def __call__(self, jobs):
        with self._lock:
            first = not self.batches
            self.batches.append(sorted(job.value for job in jobs))
        for job in jobs:
            job.seen_result_on_write.append(job.result)
            job.result = job.value * job.value  # set before failing, so a stale result would show
        if first and self.hold:
            self.first_started.set()
            _wait_until(lambda: len(self.group._waiting) >= self.hold)
        if any(job.value in self.bad for job in jobs):
            raise Bad(f"bad batch {sorted(job.value for job in jobs)}")

    def sizes(self):
        return [len(batch) for batch in self.batches]


def _wait_until(condition):
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.001)


def _run_held(writer, count):
    """Job 0 alone in the first batch, held until jobs 1..count-1 have all queued behind it."""
    jobs = [Square(value) for value in range(count)]
    outcomes = {}

    def run(job):
        try:
            outcomes[job.value] = writer.group.run(job)
        except Exception as error:  # noqa: BLE001 - checked by the test
            outcomes[job.value] = error

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    threads[0].start()
    assert writer.first_started.wait(TIMEOUT)
    for thread in threads[1:]:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
        assert not thread.is_alive()
    return jobs, outcomes


def test_jobs_that_arrive_while_a_batch_is_written_go_together_in_the_next():
    writer = Writer(hold=7)
    jobs, outcomes = _run_held(writer, 8)
    assert writer.sizes() == [1, 7]
    assert writer.batches == [[0], [1, 2, 3, 4, 5, 6, 7]]
    assert [job.result for job in jobs] == [0, 1, 4, 9, 16, 25, 36, 49]
    assert all(outcomes[job.value] is job for job in jobs)
    assert all(job.done and not job.alone and job.error is None for job in jobs)
    assert (writer.group.batches, writer.group.jobs) == (2, 8)
    assert writer.group._waiting == []


def test_a_lone_job_is_written_at_once_in_a_batch_of_one():
    writer = Writer()
    started = time.monotonic()
    job = writer.group.run(Square(3))
    assert time.monotonic() - started < 0.5  # no timer to wait for
    assert job.result == 9
    assert writer.batches == [[3]]
    assert (writer.group.batches, writer.group.jobs) == (1, 1)
    again = writer.group.run(Square(4))
    assert again.result == 16
    assert writer.batches == [[3], [4]]


def test_a_failed_batch_is_written_again_job_by_job_and_only_the_bad_job_fails():
    writer = Writer(hold=5, bad={3})
    jobs, outcomes = _run_held(writer, 6)
    assert writer.batches[:2] == [[0], [1, 2, 3, 4, 5]]
    assert sorted(writer.batches[2:]) == [[1], [2], [3], [4], [5]]  # each alone, in its own thread
    assert isinstance(outcomes[3], Bad)
    assert str(outcomes[3]) == "bad batch [3]"  # the error it would have had without grouping
    assert jobs[3].result == 9  # what `write` set before raising; the caller gets the error instead
    for value in (0, 1, 2, 4, 5):
        assert outcomes[value] is jobs[value]
        assert jobs[value].result == value * value
    for value in (1, 2, 3, 4, 5):
        assert jobs[value].alone
        # the failed batch's result was forgotten (reset) before the job was written again alone
        assert jobs[value].seen_result_on_write == [None, None]
    # the retries alone are not counted as batches of the group
    assert (writer.group.batches, writer.group.jobs) == (2, 6)


def test_a_failed_batch_of_one_raises_in_its_thread_and_is_not_written_again():
    writer = Writer(bad={2})
    with pytest.raises(Bad, match=r"bad batch \[2\]"):
        writer.group.run(Square(2))
    assert writer.batches == [[2]]
    # the group is free again: the next job is written normally
    assert writer.group.run(Square(5)).result == 25
    assert writer.batches == [[2], [5]]


def test_a_failed_batch_of_one_in_a_follower_thread_raises_there_only():
    writer = Writer(hold=1, bad={1})
    jobs, outcomes = _run_held(writer, 2)
    assert writer.batches == [[0], [1]]
    assert outcomes[0] is jobs[0]
    assert jobs[0].result == 0
    assert isinstance(outcomes[1], Bad)
    assert not jobs[1].alone


def test_max_batch_caps_how_many_jobs_one_write_carries():
    writer = Writer(hold=7, max_batch=3)
    jobs, outcomes = _run_held(writer, 8)
    assert writer.sizes() == [1, 3, 3, 1]
    assert sorted(value for batch in writer.batches for value in batch) == list(range(8))
    assert [job.result for job in jobs] == [value * value for value in range(8)]
    assert all(outcomes[job.value] is job for job in jobs)
    assert (writer.group.batches, writer.group.jobs) == (4, 8)


# --- BackgroundWriter: the requests have been answered; one thread writes what they handed over ---------


class Background:
    """A fake `write` for BackgroundWriter that holds its first batch until released, and fails batches
    holding a bad value."""

    def __init__(self, *, bad=()):
        self.batches = []
        self.done = []
        self.bad = set(bad)
        self.release = threading.Event()
        self.writer = BackgroundWriter(self.write, done=self.done.append, name="test-writer")

    def write(self, jobs):
        self.release.wait(TIMEOUT)
        self.batches.append([job.value for job in jobs])
        if self.bad & {job.value for job in jobs}:
            raise Bad(f"bad batch {[job.value for job in jobs]}")
        for job in jobs:
            job.result = job.value**2


def test_jobs_handed_over_while_one_is_written_go_in_the_next_batch_and_each_is_finished():
    fake = Background()
    jobs = [Square(n) for n in range(6)]
    fake.writer.submit(jobs[0])
    while not fake.writer._busy:
        time.sleep(0.001)
    for job in jobs[1:]:
        fake.writer.submit(job)  # returns at once: nobody waits for the write
    fake.release.set()
    assert fake.writer.drain(TIMEOUT)
    assert fake.batches == [[0], [1, 2, 3, 4, 5]]
    assert [job.result for job in jobs] == [0, 1, 4, 9, 16, 25]
    assert fake.done == jobs
    assert fake.writer.stop(TIMEOUT)


def test_a_failed_background_batch_is_written_job_by_job_and_the_bad_job_is_left_unfinished():
    fake = Background(bad={2})
    jobs = [Square(n) for n in range(4)]
    fake.writer.submit(jobs[0])
    while not fake.writer._busy:
        time.sleep(0.001)
    for job in jobs[1:]:
        fake.writer.submit(job)
    fake.release.set()
    assert fake.writer.drain(TIMEOUT)
    assert fake.batches == [[0], [1, 2, 3], [1], [2], [3]]
    assert [job.result for job in jobs] == [0, 1, None, 9]
    assert fake.done == [jobs[0], jobs[1], jobs[3]]  # the bad one stays for the sweep
    assert fake.writer.stop(TIMEOUT)


def test_a_failed_background_batch_of_one_is_not_written_again_and_is_left_unfinished(caplog):
    fake = Background(bad={7})
    fake.release.set()
    job = Square(7)
    fake.writer.submit(job)
    assert fake.writer.drain(TIMEOUT)
    assert fake.batches == [[7]]  # once: written alone already (the write's own retry is its business)
    assert job.result is None
    assert fake.done == []
    assert "left for the sweep" in caplog.text
    assert fake.writer.stop(TIMEOUT)


def test_stop_writes_what_is_waiting_then_ends_the_thread_and_a_new_submit_starts_another():
    fake = Background()
    fake.release.set()
    fake.writer.submit(Square(3))
    assert fake.writer.stop(TIMEOUT)
    assert fake.batches == [[3]]
    assert fake.writer._thread is None
    fake.writer.submit(Square(4))
    assert fake.writer.drain(TIMEOUT)
    assert fake.batches == [[3], [4]]
    assert fake.writer.stop(TIMEOUT)
