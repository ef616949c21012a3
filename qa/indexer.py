"""Build or update the index from the corpus folder, incrementally.

Unchanged files (same size and mtime, or same sha256) keep their passages and vectors; changed and new files are
read and embedded; files gone from the corpus disappear. A file that cannot be read is reported with the reason
and skipped (if an earlier version of it was indexed, that version is kept and the report says so).
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from qa.embedding import Embedder
from qa.errors import QAError
from qa.ingest import INGEST_VERSION, CorpusFile, file_passages, list_corpus
from qa.lexical import ANALYZER_VERSION, BM25Index, Rows
from qa.passages import Passage
from qa.readers import UnreadableFile
from qa.settings import Settings
from qa.store import IndexData, load_index, read_manifest, write_generation, write_lock


@dataclass
class IndexReport:
    files: int = 0
    indexed: int = 0  # files with passages in the index (a skipped file's previously indexed version counts)
    reused: int = 0
    embedded_files: int = 0
    removed: int = 0
    passages: int = 0
    embedded_passages: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (source, reason)
    seconds: float = 0.0
    unchanged: bool = False


class Progress:
    """A one-line progress bar with rate and ETA on stderr (only when it is a terminal, else one line at the end)."""

    def __init__(self, total: int, label: str, stream: Any = None) -> None:
        self.total, self.label, self.done = total, label, 0
        self.stream = stream or sys.stderr
        self.start = time.monotonic()
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._last = 0.0

    def __call__(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if self.tty and (now - self._last > 0.2 or self.done >= self.total):
            self._last = now
            rate = self.done / max(now - self.start, 1e-9)
            eta = (self.total - self.done) / rate if rate else 0
            pct = 100 * self.done / max(self.total, 1)
            bar = "#" * int(pct / 4)
            self.stream.write(f"\r{self.label} [{bar:<25}] {self.done}/{self.total} {rate:.0f}/s ETA {eta:.0f}s ")
            self.stream.flush()

    def close(self) -> None:
        elapsed = time.monotonic() - self.start
        end = "\n" if self.tty else ""
        self.stream.write(f"{end}{self.label}: {self.done} in {elapsed:.1f}s\n")
        self.stream.flush()


def _settings_key(settings: Settings) -> dict[str, Any]:
    return {"chunk_chars": settings.chunk_chars, "query_prompt": settings.query_prompt,
            "passage_prompt": settings.passage_prompt, "ingest_version": INGEST_VERSION,
            "analyzer": ANALYZER_VERSION}


def same_on_disk(entry: dict[str, Any], stat: os.stat_result) -> bool:
    """Whether a file's manifest entry still describes it by size and modification time (then it is not read)."""
    return (entry.get("size"), entry.get("mtime_ns")) == (stat.st_size, stat.st_mtime_ns)


class _Preload:
    """The embedder made in a thread while the previous index is read: loading the model (a few seconds) and
    reading a 25,000-document index (as long again) overlap when one file changed. Its error, if any, is raised
    where the embedder is needed, and only there."""

    def __init__(self, factory: Callable[[], Embedder]) -> None:
        self._factory = factory
        self._embedder: Embedder | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="embedder-preload")
        self._thread.start()

    def _run(self) -> None:
        try:
            embedder = self._factory()
            prepare = getattr(embedder, "prepare_passages", None)  # a lazy embedder loads its passage model now
            if prepare is not None:
                prepare()
            self._embedder = embedder
        except BaseException as e:  # noqa: BLE001 - handed to the caller, who decides whether it matters
            self._error = e

    def wait(self) -> None:
        self._thread.join()

    def get(self) -> Embedder:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._embedder is not None
        return self._embedder


# Files the last run could not index, as they were on disk then: a hint for the preload test only (a corpus that
# holds a scanned PDF would otherwise look changed on every run). Every such file is still tried on every run.
SKIPPED_FILE = "skipped.json"


def _skip_mark(stat: os.stat_result | OSError) -> dict[str, Any]:
    if isinstance(stat, OSError):
        return {"error": stat.errno}
    # ctime too: a chmod that makes a file readable changes it, not its mtime
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "ctime_ns": stat.st_ctime_ns}


def _read_skipped(index_dir: Path) -> dict[str, Any]:
    try:
        marks = json.loads((index_dir / SKIPPED_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return marks if isinstance(marks, dict) else {}


def _write_skipped(index_dir: Path, skipped: list[tuple[str, str]], stats: dict[str, os.stat_result | OSError],
                   before: dict[str, Any]) -> None:
    """Note the files this run skipped; ``before`` is what the file held when the run began."""
    marks = {source: _skip_mark(stats[source]) for source, _ in skipped if source in stats}
    path = index_dir / SKIPPED_FILE
    for stale in index_dir.glob(f".{SKIPPED_FILE}.*"):  # a killed run's (the caller holds the write lock)
        stale.unlink(missing_ok=True)
    if not marks:
        path.unlink(missing_ok=True)
        return
    if marks == before:
        return
    tmp = index_dir / f".{SKIPPED_FILE}.{os.getpid()}"
    tmp.write_text(json.dumps(marks, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def _may_need_embedding(files: list[CorpusFile], stats: dict[str, os.stat_result | OSError],
                        manifest: dict[str, Any] | None, reembed_all: bool, skipped: dict[str, Any]) -> bool:
    """Whether something will likely be embedded: no index yet, other settings or model, or a file added, removed
    or touched since it was indexed (a touched file with the same content needs nothing, found out later). A file
    the last run skipped counts as unchanged while it is as it was then."""
    if manifest is None or reembed_all:
        return True
    indexed = manifest.get("files", {})
    if set(indexed) - {f.source for f in files}:
        return True
    for f in files:
        prev, stat = indexed.get(f.source), stats[f.source]
        if skipped.get(f.source) == _skip_mark(stat):
            continue
        if prev is None or isinstance(stat, OSError) or not same_on_disk(prev, stat):
            return True
    return False


def build_index(settings: Settings, model_id: str, embedder_factory: Callable[[], Embedder],
                log: Callable[[str], None] = print, progress_stream: Any = None) -> IndexReport:
    """Index ``settings.corpus_dir`` into ``settings.index_dir``. The embedder is created only if something needs
    embedding; ``model_id`` is what it will report, so an index of another model is rebuilt, never mixed."""
    t0 = time.monotonic()
    corpus = settings.corpus_dir
    if not corpus.is_dir():
        raise QAError(f"The corpus folder {corpus}/ does not exist. Create it and put documents in it "
                      "(.txt, .md, .pdf, .docx, .html), or point QA_CORPUS_DIR / --corpus at yours.")
    report = IndexReport()
    with write_lock(settings.index_dir):
        files = list_corpus(corpus)
        report.files = len(files)
        try:
            old_manifest = read_manifest(settings.index_dir)
        except QAError as e:  # a damaged index is what `index` repairs: start afresh
            log(f"Rebuilding from scratch: {e}")
            old_manifest = None
        old: IndexData | None = None
        key = _settings_key(settings)
        changed = sorted(k for k, v in key.items() if (old_manifest or {}).get("settings", {}).get(k) != v)
        # only the lexical analyzer changed: the vectors stay, the passages' words are analysed again
        relex = changed == ["analyzer"]
        # the model loads in a thread while the previous index is read, if anything may need embedding
        stats: dict[str, os.stat_result | OSError] = {}
        for f in files:
            try:
                stats[f.source] = f.path.stat()
            except OSError as e:
                stats[f.source] = e
        reembed_all = bool(old_manifest) and (old_manifest.get("model") != model_id or bool(changed) and not relex)
        skipped_before = _read_skipped(settings.index_dir)
        may_embed = _may_need_embedding(files, stats, old_manifest, reembed_all, skipped_before)
        preload = _Preload(embedder_factory) if may_embed else None
        if old_manifest and old_manifest.get("model") != model_id:
            log(f"The index was built with the model {old_manifest.get('model')!r}; every passage is embedded "
                f"again with {model_id!r}.")
        elif old_manifest and changed and not relex:
            log(f"The index was built with other settings ({', '.join(changed)}); every passage is embedded again.")
        elif old_manifest:
            if relex:
                log("The lexical analyzer changed: the passages' words are analysed again; their vectors are kept.")
            try:
                old = load_index(settings.index_dir, any_analyzer=relex)
            except QAError as e:
                log(f"Rebuilding from scratch: {e}")
        old_files: dict[str, Any] = old.manifest.get("files", {}) if old else {}
        old_by_source: dict[str, list[int]] = {}
        if old:
            for i, p in enumerate(old.passages):
                old_by_source.setdefault(p.source, []).append(i)

        kept: list[tuple[CorpusFile, dict[str, Any], list[int] | None, list[Passage] | None]] = []
        to_embed: list[Passage] = []
        reading = Progress(len(files), "Reading documents", progress_stream)
        for f in files:
            reading(1)
            stat_or_error = stats[f.source]
            if isinstance(stat_or_error, OSError):
                e = stat_or_error
                reason = "is a link to a file that does not exist" if f.path.is_symlink() else \
                    f"cannot be read ({e.strerror})"
                report.skipped.append((f.source, reason))
                continue
            stat = stat_or_error
            info = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
            prev = old_files.get(f.source)
            reuse = prev and f.source in old_by_source and old is not None and same_on_disk(prev, stat)
            if not reuse:
                try:
                    info["sha256"] = f.sha256()
                except OSError as e:
                    report.skipped.append((f.source, f"cannot be read ({e.strerror})"))
                    continue
                reuse = bool(prev and prev.get("sha256") == info["sha256"] and f.source in old_by_source)
            else:
                info["sha256"] = prev["sha256"]  # type: ignore[index]
            if reuse:
                kept.append((f, dict(prev, **info), old_by_source[f.source], None))  # type: ignore[arg-type]
                report.reused += 1
                continue
            try:
                passages = file_passages(f, settings.chunk_chars, settings.max_file_mb * 1_000_000)
            except UnreadableFile as e:
                reason = str(e).split(": ", 1)[-1]
                if f.source in old_by_source and prev:
                    reason += " (the previously indexed version is kept)"
                    kept.append((f, prev, old_by_source[f.source], None))
                report.skipped.append((f.source, reason))
                continue
            if not passages:
                report.skipped.append((f.source, "contains no text"))
                continue
            kept.append((f, info, None, passages))
            to_embed.extend(passages)
            report.embedded_files += 1
        if reading.tty or len(files) >= 100:
            reading.close()
        report.indexed = len(kept)
        sources_now = {f.source for f, *_ in kept}
        skipped_now = {source for source, _ in report.skipped}
        report.removed = sum(1 for s in old_files if s not in sources_now and s not in skipped_now)

        if old and not relex and not to_embed and report.removed == 0 and len(kept) == len(old_files):
            if preload:
                preload.wait()  # a touched file with the same content: the model was not needed after all
            report.unchanged = True
            _write_skipped(settings.index_dir, report.skipped, stats, skipped_before)
            report.passages = len(old.passages)
            report.seconds = time.monotonic() - t0
            return report

        embedder = preload.get() if preload else embedder_factory()
        new_vectors = np.zeros((0, embedder.dim), dtype=np.float32)
        if to_embed:
            bar = Progress(len(to_embed), "Embedding passages", progress_stream)
            new_vectors = embedder.encode_passages([p.index_text() for p in to_embed], progress=bar)
            bar.close()

        passages: list[Passage] = []
        rows: list[np.ndarray] = []
        lexical_parts: list[Rows | list[str]] = []  # kept files' term counts are reused, not re-analysed
        manifest_files: dict[str, Any] = {}
        cursor = 0
        for f, info, old_rows, fresh in kept:
            if fresh is None:
                assert old is not None and old_rows is not None
                passages.extend(old.passages[i] for i in old_rows)
                rows.append(old.vectors[old_rows])
                lexical_parts.append([old.passages[i].index_text() for i in old_rows] if relex
                                     else Rows(old.lexical, old_rows))
                n = len(old_rows)
            else:
                passages.extend(fresh)
                rows.append(new_vectors[cursor:cursor + len(fresh)])
                lexical_parts.append([p.index_text() for p in fresh])
                cursor += len(fresh)
                n = len(fresh)
            manifest_files[f.source] = dict(info, passages=n)
        vectors = np.vstack(rows) if rows else np.zeros((0, embedder.dim), dtype=np.float32)
        lexical = BM25Index.assemble(lexical_parts)
        manifest = {"model": embedder.model_id, "dim": embedder.dim, "settings": key,
                    "files": manifest_files, "built": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        write_generation(settings.index_dir, manifest, passages, vectors, lexical)
        _write_skipped(settings.index_dir, report.skipped, stats, skipped_before)
        report.passages = len(passages)
        report.embedded_passages = len(to_embed)
        report.seconds = time.monotonic() - t0
        return report
