"""One migration run: read -> validate -> batch -> write, with counts and checkpoints.

All bookkeeping (counts, the rejects file, the checkpoint) happens on the
calling thread; worker threads only call DynamoDB. At most ``2 x workers``
batches are in flight, so memory does not grow with the input.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass
from pathlib import Path

from ddbctl.migrate import checkpoint as cp
from ddbctl.migrate.problems import Problem, Rejected
from ddbctl.migrate.reader import FileList, RecordReader, SourceRecord
from ddbctl.migrate.report import NOT_WRITTEN, REJECTED, RejectsLog, Tally
from ddbctl.migrate.validate import DuplicateIds, build_item
from ddbctl.migrate.writer import Batch, BatchOutcome, BatchSink, Pending
from ddbio import MAX_BATCH_SIZE

CHECKPOINT_INTERVAL = 0.25  # seconds between checkpoint saves while running
PROGRESS_INTERVAL = 0.1


@dataclass(frozen=True)
class Resume:
    """Where to pick up: records before ``next_seq`` are done; ``kept`` is what the rejects
    file already holds for them, as {(kind, code): (count, first reason)}."""

    next_seq: int = 0
    kept: dict[tuple[str, str], tuple[int, str]] | None = None


@dataclass
class Result:
    tally: Tally
    fatal: Exception | None = None
    interrupted: bool = False

    @property
    def unfinished(self) -> int:
        t = self.tally
        return t.read - t.written - t.total_rejected - t.total_not_written


class Migration:
    def __init__(
        self,
        *,
        files: FileList,
        rejects: RejectsLog,
        writer: BatchSink | None,
        workers: int,
        checkpoint_path: Path | None = None,
        identity: tuple[str, str, str] = ("", "", ""),
        resume: Resume | None = None,
        progress: Callable[[int, Tally], None] = lambda bytes_done, tally: None,
    ) -> None:
        self._reader = RecordReader(files)
        self._duplicates = DuplicateIds(files)
        self._rejects = rejects
        self._writer = writer
        self._max_in_flight = 2 * workers
        self._checkpoint_path = checkpoint_path
        self._identity = identity
        self._resume = resume or Resume()
        self._progress = progress
        self.tally = Tally()
        self._in_flight: dict[Future[BatchOutcome], Batch] = {}
        self._unfinished: dict[int, int] = {}  # batch number -> first seq, in submit order
        self._batch = Batch(0)
        self._next_seq = 0
        self._saved_seq = -1
        self._last_save = time.monotonic()
        self._fatal: Exception | None = None

    def run(self) -> Result:
        replayed_valid = 0
        kept_not_written = self._seed_kept()
        last_progress = 0.0
        interrupted = False
        try:
            for record in self._reader:
                seq = self._next_seq
                self.tally.read += 1
                pending = self._process(seq, record, replay=seq < self._resume.next_seq)
                if pending is not None:
                    if seq < self._resume.next_seq:
                        replayed_valid += 1
                    elif self._writer is None:
                        self.tally.written += 1  # dry run: counted as valid
                    else:
                        self._add(pending)
                self._next_seq = seq + 1
                if self._fatal is not None:
                    break
                now = time.monotonic()
                if now - last_progress >= PROGRESS_INTERVAL:
                    last_progress = now
                    self._progress(self._reader.bytes_done, self.tally)
            if self._fatal is None and self._batch.entries:
                self._submit()
            self._drain(until=0)
        except KeyboardInterrupt:
            interrupted = True
            self._drain(until=0)
        self.tally.written += replayed_valid - kept_not_written
        complete = self._fatal is None and not interrupted
        self._save_checkpoint(complete=complete)
        self._progress(self._reader.bytes_done, self.tally)
        return Result(self.tally, fatal=self._fatal, interrupted=interrupted)

    def _seed_kept(self) -> int:
        """Counts of not-written records from before the checkpoint (rejected ones are
        recounted as the input is re-read)."""
        total = 0
        for (kind, code), (number, reason) in (self._resume.kept or {}).items():
            if kind == NOT_WRITTEN:
                self.tally.count(NOT_WRITTEN, Problem(code, reason), number)
                total += number
        return total

    def _process(self, seq: int, record: SourceRecord, *, replay: bool) -> Pending | None:
        if record.problem is not None:
            self._reject(seq, record, record.problem, replay=replay)
            return None
        try:
            item, request = build_item(record.value)
            self._duplicates.claim(
                item.attributes["id"], file_index=record.file_index, position=record.position
            )
        except Rejected as rejected:
            self._reject(seq, record, rejected.problem, replay=replay)
            return None
        for key in item.omitted_keys:
            self.tally.omit(key)
        return Pending(
            seq=seq,
            id=item.attributes["id"],
            path=record.path,
            position=record.position,
            location=record.location,
            record=record.value,
            request={"PutRequest": {"Item": request}},
        )

    def _reject(self, seq: int, record: SourceRecord, problem: Problem, *, replay: bool) -> None:
        self.tally.count(REJECTED, problem)
        if replay:
            return  # already in the rejects file, kept by the trim before resuming
        self._rejects.add(
            seq=seq,
            kind=REJECTED,
            origin=record,
            problem=problem,
            record=record.value,
            raw_text=record.raw_text,
        )

    def _add(self, pending: Pending) -> None:
        self._batch.entries.append(pending)
        if len(self._batch.entries) == MAX_BATCH_SIZE:
            self._submit()

    def _submit(self) -> None:
        assert self._writer is not None
        self._drain(until=self._max_in_flight - 1)
        batch = self._batch
        self._unfinished[batch.number] = batch.first_seq
        self._in_flight[self._writer.submit(batch)] = batch
        self._batch = Batch(batch.number + 1)

    def _drain(self, *, until: int) -> None:
        """Handle finished batches until at most ``until`` are in flight."""
        while len(self._in_flight) > until:
            done, _ = wait(self._in_flight, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=lambda f: self._in_flight[f].number):
                batch = self._in_flight.pop(future)
                try:
                    outcome = future.result()
                except Exception as error:  # a bug in a worker must not lose the batch silently
                    outcome = BatchOutcome(batch, written=0, fatal=error)
                self._record(outcome)
            self._save_checkpoint(complete=False, force=False)

    def _record(self, outcome: BatchOutcome) -> None:
        if outcome.fatal is not None:
            self._fatal = self._fatal or outcome.fatal
            return  # stays unfinished: the checkpoint will not pass it, --resume redoes it
        self.tally.written += outcome.written
        for entry, problem in outcome.not_written:
            self.tally.count(NOT_WRITTEN, problem)
            self._rejects.add(
                seq=entry.seq,
                kind=NOT_WRITTEN,
                origin=entry,
                problem=problem,
                record=entry.record,
            )
        del self._unfinished[outcome.batch.number]

    def _done_before(self) -> int:
        """The first sequence number not yet done: every record before it is finished."""
        candidates = [self._next_seq]
        if self._unfinished:
            candidates.append(next(iter(self._unfinished.values())))
        if self._batch.entries:
            candidates.append(self._batch.first_seq)
        return min(candidates)

    def _save_checkpoint(self, *, complete: bool, force: bool = True) -> None:
        if self._checkpoint_path is None:
            return
        now = time.monotonic()
        if not force and now - self._last_save < CHECKPOINT_INTERVAL:
            return
        next_seq = self._done_before()
        if not force and next_seq <= max(self._saved_seq, self._resume.next_seq):
            return
        self._rejects.sync()  # rejects before next_seq reach disk before the checkpoint
        source, table, fingerprint = self._identity
        cp.save(
            self._checkpoint_path,
            cp.Checkpoint(
                source=source,
                table=table,
                fingerprint=fingerprint,
                next_seq=max(next_seq, self._resume.next_seq) if not complete else self._next_seq,
                complete=complete,
                rejects_size=self._rejects.size,
                rejects_sha256=self._rejects.sha256,
            ),
        )
        self._saved_seq = next_seq
        self._last_save = now
