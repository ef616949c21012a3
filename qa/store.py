"""The index on disk, and the one place faiss is imported.

Layout of the index folder::

    index/
      CURRENT              name of the live generation, replaced atomically (os.replace) when a build completes
      .lock                held by the indexer while it writes (flock), so two indexers never interleave
      gen-000003/
        manifest.json      format version, model id, settings, corpus files (hash, size, mtime, passages),
                           the FAISS index type, and a sha256 of every other file here
        chunks.jsonl       one passage per line, human-readable
        vectors.npy        float32 [passages x dim], unit rows (kept so unchanged files are never re-embedded)
        dense.faiss        FAISS inner-product index over vectors.npy
        lexical.npz/.json  BM25 matrix and its terms

A build writes a new generation folder completely, then points CURRENT at it; a crash at any moment leaves the
previous generation live. Nothing is pickled: JSON, .npy/.npz with allow_pickle=False, and FAISS's own format.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from qa.errors import IndexIncompatibleError, IndexLockedError, NoIndexError
from qa.lexical import BM25Index
from qa.passages import Passage

FORMAT = "qa-index"
VERSION = 2  # 2: lexical.npz holds term counts (BM25 weights are computed on load)
FLAT_LIMIT = 200_000  # up to this many passages exact search is fast enough (p95 well under 150 ms)
_FILES = ("chunks.jsonl", "vectors.npy", "dense.faiss", "lexical.npz", "lexical.json")


@dataclass
class IndexData:
    manifest: dict[str, Any]
    passages: list[Passage]
    vectors: np.ndarray  # float32 [n, dim]
    lexical: BM25Index
    dense: Any = field(default=None, repr=False)  # faiss.Index
    _rows: dict[str, np.ndarray] | None = field(default=None, repr=False)

    @property
    def model_id(self) -> str:
        return str(self.manifest["model"])

    # qa.retrieval.SearchBackend, answered from memory
    @property
    def size(self) -> int:
        return len(self.passages)

    def passage(self, i: int) -> Passage:
        return self.passages[i]

    def rows_of(self, source: str) -> np.ndarray:
        """The passage numbers of one corpus file, sorted."""
        if self._rows is None:
            by_source: dict[str, list[int]] = {}
            for i, p in enumerate(self.passages):
                by_source.setdefault(p.source, []).append(i)
            self._rows = {s: np.asarray(r, dtype=np.int32) for s, r in by_source.items()}
        return self._rows.get(source, np.zeros(0, dtype=np.int32))

    def dense_search(self, qvecs: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        return self.dense.search(np.ascontiguousarray(qvecs, dtype=np.float32), k)

    def dense_scores(self, qvec: np.ndarray, ids: np.ndarray) -> np.ndarray:
        return self.vectors[ids] @ qvec

    def lexical_search(self, query: str, k: int, also: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        scores = self.lexical.scores(query)
        n = len(scores)
        top = np.argpartition(-scores, k - 1)[:k] if k < n else np.arange(n)
        ids = np.unique(np.concatenate([top[scores[top] > 0], np.asarray(also, dtype=np.int64)]))
        return ids, scores[ids]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def build_faiss(vectors: np.ndarray, kind: str | None = None) -> tuple[Any, dict[str, Any]]:
    """Exact inner product up to FLAT_LIMIT passages; HNSW beyond (recall checked by benchmarks/scale.py).
    ``kind`` ("flat" or "hnsw") overrides the choice."""
    import faiss

    n, dim = vectors.shape if vectors.size else (0, vectors.shape[1] if vectors.ndim == 2 else 0)
    if (kind or ("flat" if n <= FLAT_LIMIT else "hnsw")) == "flat":
        index = faiss.IndexFlatIP(dim)
        info = {"type": "IndexFlatIP"}
    else:
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = 128
        info = {"type": "IndexHNSWFlat", "M": 32, "efConstruction": 80, "efSearch": 128}
    if n:
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index, info


def current_generation(index_dir: Path) -> Path | None:
    pointer = index_dir / "CURRENT"
    if not pointer.is_file():
        return None
    name = pointer.read_text(encoding="utf-8").strip()
    if not name.startswith("gen-") or "/" in name or "\\" in name:
        raise IndexIncompatibleError(f"{pointer} is damaged. Rebuild the index: python -m qa index")
    gen = index_dir / name
    return gen if gen.is_dir() else None


@contextlib.contextmanager
def write_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index's write lock, or fail at once naming the process that has it."""
    index_dir.mkdir(parents=True, exist_ok=True)
    lock_path = index_dir / ".lock"
    with lock_path.open("a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip() or "another process"
            raise IndexLockedError(
                f"The index in {index_dir} is being written by {holder}. Wait for it to finish, then try again."
            ) from None
        f.seek(0)
        f.truncate()
        f.write(f"pid {os.getpid()}")
        f.flush()
        _sweep_leftovers(index_dir)  # a killed build's leftovers go even when this run has nothing to write
        try:
            yield
        finally:
            f.seek(0)
            f.truncate()
            fcntl.flock(f, fcntl.LOCK_UN)


def write_generation(index_dir: Path, manifest: dict[str, Any], passages: list[Passage], vectors: np.ndarray,
                     lexical: BM25Index) -> Path:
    """Write a complete new generation and make it live; older generations are removed afterwards."""
    import faiss

    numbers = [int(g.name[4:]) for g in index_dir.glob("gen-*") if g.name[4:].isdigit()]
    number = max(numbers, default=0) + 1  # even when CURRENT is damaged, never reuse a live folder's name
    gen = index_dir / f"gen-{number:06d}"
    tmp = index_dir / f".tmp-{gen.name}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    with (tmp / "chunks.jsonl").open("w", encoding="utf-8") as f:
        for p in passages:
            f.write(json.dumps(p.to_json(), ensure_ascii=False) + "\n")
    np.save(tmp / "vectors.npy", np.ascontiguousarray(vectors, dtype=np.float32), allow_pickle=False)
    dense, info = build_faiss(vectors)
    faiss.write_index(dense, str(tmp / "dense.faiss"))
    lexical.save(tmp)
    manifest = dict(manifest, format=FORMAT, version=VERSION, passages=len(passages), faiss=info,
                    checksums={name: _sha256(tmp / name) for name in _FILES})
    (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    for name in [*_FILES, "manifest.json"]:
        with (tmp / name).open("rb") as f:
            os.fsync(f.fileno())
    shutil.rmtree(gen, ignore_errors=True)
    os.replace(tmp, gen)
    pointer_tmp = index_dir / f".CURRENT.{os.getpid()}"
    pointer_tmp.write_text(gen.name + "\n", encoding="utf-8")
    with pointer_tmp.open("rb") as f:
        os.fsync(f.fileno())
    os.replace(pointer_tmp, index_dir / "CURRENT")
    for old in index_dir.glob("gen-*"):
        if old.name != gen.name:
            shutil.rmtree(old, ignore_errors=True)
    _sweep_leftovers(index_dir)
    return gen


def _sweep_leftovers(index_dir: Path) -> None:
    """Remove what builds killed midway left: half-written generations and pointers they never switched to. Only
    the holder of the write lock calls this, so none of it belongs to a live build."""
    for stale in index_dir.glob(".tmp-gen-*"):
        shutil.rmtree(stale, ignore_errors=True)
    for stale in index_dir.glob(".CURRENT.*"):
        stale.unlink(missing_ok=True)


def read_manifest(index_dir: Path) -> dict[str, Any] | None:
    gen = current_generation(index_dir)
    if gen is None:
        return None
    try:
        return json.loads((gen / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise IndexIncompatibleError(f"The index manifest in {gen} is unreadable ({e}). "
                                     "Rebuild it: python -m qa index") from None


def load_index(index_dir: Path, verify: bool = True, any_analyzer: bool = False) -> IndexData:
    """Load the live generation. Raises NoIndexError / IndexIncompatibleError with the command that fixes it.
    ``any_analyzer``: accept lexical counts of another analyzer version (the indexer re-analyses them)."""
    import faiss

    gen = current_generation(index_dir)
    if gen is None:
        raise NoIndexError(f"No index in {index_dir}/. Build it first: python -m qa index")
    manifest = read_manifest(index_dir) or {}
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise IndexIncompatibleError(
            f"The index in {index_dir}/ has format {manifest.get('format')!r} version {manifest.get('version')!r}; "
            f"this program reads {FORMAT!r} version {VERSION}. Rebuild it: python -m qa index"
        )
    if verify:
        for name, digest in manifest.get("checksums", {}).items():
            path = gen / name
            if not path.is_file() or _sha256(path) != digest:
                raise IndexIncompatibleError(
                    f"The index file {path} is missing or was changed after it was written. "
                    "Rebuild the index: python -m qa index"
                )
    try:
        with (gen / "chunks.jsonl").open(encoding="utf-8") as f:
            passages = [Passage.from_json(json.loads(line)) for line in f if line.strip()]
        vectors = np.load(gen / "vectors.npy", allow_pickle=False)
        dense = faiss.read_index(str(gen / "dense.faiss"))
        lexical = BM25Index.load(gen, any_analyzer)
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as e:
        raise IndexIncompatibleError(f"The index in {gen} could not be read ({e}). "
                                     "Rebuild it: python -m qa index") from None
    if not (len(passages) == vectors.shape[0] == dense.ntotal == lexical.counts.shape[0]):
        raise IndexIncompatibleError(f"The index in {gen} is inconsistent. Rebuild it: python -m qa index")
    return IndexData(manifest, passages, vectors, lexical, dense)
