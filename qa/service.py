"""The single entry point the CLI and the web app share: ``open_qa(settings)`` loads index and model once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from qa.embedding import Embedder, follow_index, load_embedder, model_id_for
from qa.errors import IndexIncompatibleError, InputError, QAError
from qa.indexer import IndexReport, build_index, same_on_disk
from qa.ingest import list_corpus
from qa.retrieval import Hit, Retriever
from qa.settings import BACKENDS, Settings
from qa.store import IndexData, load_index, read_manifest


@dataclass
class QA:
    settings: Settings
    index: IndexData
    embedder: Embedder
    retriever: Retriever

    def search(self, question: str, k: int | None = None) -> list[Hit]:
        return self.retriever.search(question, k or self.settings.k)

    def only(self, sources: Sequence[str]) -> QA:
        """Questions answered from some documents of the index only ("--source"); InputError names an unknown one
        and the documents there are."""
        unknown = [s for s in sources if not self.index.rows_of(s).size]
        if unknown:
            known = dict.fromkeys(p.source for p in self.index.passages)
            listed = ", ".join(list(known)[:10]) + (f" … ({len(known)} in all)" if len(known) > 10 else "")
            raise InputError(f"No document {', '.join(unknown)} in the index. "
                             f"Give its path relative to the corpus folder, one of: {listed or '(none)'}.")
        return replace(self, retriever=self.retriever.only(sources))


@dataclass(frozen=True)
class CorpusChanges:
    """How the corpus folder differs from what the index was built from (by file name, size and time)."""
    new: int
    changed: int
    removed: int
    kept: int  # files both hold unchanged

    @property
    def any(self) -> bool:
        return bool(self.new or self.changed or self.removed)

    @property
    def same_corpus(self) -> bool:
        """Whether the index was built from this folder: some file of it is still there (or only files were added).
        Not when every indexed file is gone, as when an index is served without its corpus."""
        return bool(self.kept or self.changed) or (self.new > 0 and not self.removed)


def corpus_changes(settings: Settings) -> CorpusChanges | None:
    """What changed in the corpus since the index was built, without reading the files; None without an index."""
    try:
        manifest = read_manifest(settings.index_dir)
    except QAError:
        return None
    if not manifest:
        return None
    indexed: dict = manifest.get("files", {})
    files = list_corpus(settings.corpus_dir) if settings.corpus_dir.is_dir() else []
    new = changed = kept = 0
    for f in files:
        known = indexed.get(f.source)
        try:
            st = f.path.stat()
        except OSError:
            changed += 1
            continue
        if known is None:
            new += 1
        elif not same_on_disk(known, st):
            changed += 1
        else:
            kept += 1
    removed = len(set(indexed) - {f.source for f in files})
    return CorpusChanges(new, changed, removed, kept)


def open_qa(settings: Settings, embedder: Embedder | None = None, log: Callable[[str], None] | None = None) -> QA:
    """Load the index and the model it was built with. Never builds an index (see ``index_corpus``)."""
    index = load_index(settings.index_dir)
    if embedder is None:
        settings = follow_index(settings, index.model_id)
    expected = embedder.model_id if embedder else model_id_for(settings)
    if index.model_id != expected:
        raise IndexIncompatibleError(
            f"The index in {settings.index_dir}/ was built with the model {index.model_id!r}, but {expected!r} "
            f"is configured (QA_MODEL, QA_BACKEND). Rebuild it: python -m qa index{_backend_hint(settings, index)}"
        )
    embedder = embedder or load_embedder(settings, progress=log)
    index.lexical.matrix  # noqa: B018 — the BM25 weights are computed now, not at the first question
    return QA(settings, index, embedder, Retriever(index, embedder))


def _backend_hint(settings: Settings, index: IndexData) -> str:
    """The hint ' (or set QA_BACKEND=… to search it as it is)' when another backend of the same model built the
    index (e.g. an fp32 index from before int8 passages became the default), else nothing."""
    for backend in BACKENDS:
        if backend != settings.backend and backend != "auto":
            try:
                if model_id_for(settings.with_overrides(backend=backend)) == index.model_id:
                    return f" (or set QA_BACKEND={backend} to search it as it is)"
            except QAError:  # that backend does not work with this model
                continue
    return ""


def index_corpus(settings: Settings, embedder: Embedder | None = None, log: Callable[[str], None] = print,
                 progress_stream: object = None) -> IndexReport:
    if embedder is None:
        try:
            existing = read_manifest(settings.index_dir)
        except QAError:  # unreadable: build_index says so and starts afresh
            existing = None
        followed = follow_index(settings, existing.get("model") if existing else None)
        if followed is not settings:
            log("The index holds fp32 passage vectors; changed files are embedded the same way. For int8 passages "
                "(about twice as fast to build, recall within a point), rebuild it once: "
                "QA_BACKEND=onnx-int8 python -m qa index")
        settings = followed
    model_id = embedder.model_id if embedder else model_id_for(settings)

    def factory() -> Embedder:
        return embedder or load_embedder(settings, progress=log)

    return build_index(settings, model_id, factory, log=log, progress_stream=progress_stream)
