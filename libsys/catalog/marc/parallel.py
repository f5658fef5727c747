"""Reading a MARC file in worker processes, for the command line's long imports.

Reading and describing cost three times what the bulk INSERTs do, so the command line
spreads them over worker processes: the file is cut after record terminators into chunks
of whole records, each worker reads and describes a chunk (columns.prepare_chunk), and the
main process writes the results in file order. Only plain ISO 2709 files take this path.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import suppress
from os import PathLike

from flask import current_app

from libsys.catalog.marc.columns import prepare_chunk
from libsys.core.processes import die_with_parent

READER_NICENESS = 5
CHUNK_BYTES = 1 << 20
MAX_RECORD_BYTES = 16 << 20  # as the reader: a longer run without terminator is junk


def plain_iso2709(source) -> bool:
    """An ISO 2709 file on disk (not compressed, not XML or JSON)."""
    if not isinstance(source, str | PathLike):
        return False
    try:
        with open(source, "rb") as handle:
            head = handle.read(64).lstrip()
    except OSError:
        return False
    return len(head) >= 5 and head[:5].isdigit()


def _chunks(path) -> Iterator[tuple[int, bytes]]:
    """(file offset, bytes) pieces of a file, each ending with a record terminator."""
    offset = 0
    pending = b""
    with open(path, "rb") as handle:
        while block := handle.read(CHUNK_BYTES):
            data = pending + block
            cut = data.rfind(b"\x1d") + 1
            if cut == 0 and len(data) <= MAX_RECORD_BYTES:
                pending = data
                continue
            cut = cut or len(data)  # junk without terminators: let the reader reject it
            yield offset, data[:cut]
            offset += cut
            pending = data[cut:]
    if pending.strip(b"\r\n\t \x00\x1a"):
        yield offset, pending


def prepared_in_parallel(path, mapping: dict | None, workers: int):
    """Prepared records of a file in file order, read by a pool of worker processes."""
    context = multiprocessing.get_context("spawn")
    in_flight: deque = deque()
    position = 0
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_reader,
        initargs=(os.getpid(),),
    ) as pool:
        chunks = _chunks(path)
        exhausted = False
        while True:
            # A bounded window of chunks in flight keeps memory flat.
            while not exhausted and len(in_flight) < workers * 3:
                chunk = next(chunks, None)
                if chunk is None:
                    exhausted = True
                    break
                in_flight.append(pool.submit(prepare_chunk, chunk[0], chunk[1], mapping))
            if not in_flight:
                break
            results = in_flight.popleft().result()
            for result in results:
                result.position += position
                yield result
            position += len(results)


def _start_reader(parent_pid: int) -> None:
    """Reading processes end with the import (a killed import leaves none behind) and run
    at a lower priority: they only read ahead of the database writer, and the index
    follower (or the server's requests) should not wait for them."""
    die_with_parent(parent_pid)
    with suppress(OSError):
        os.nice(READER_NICENESS)


def default_workers() -> int:
    """Worker processes for command-line imports (config IMPORT_WORKERS, default: the cores)."""
    return int(current_app.config.get("IMPORT_WORKERS") or os.cpu_count() or 1)
