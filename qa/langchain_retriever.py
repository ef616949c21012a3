"""The retriever as a langchain-core ``BaseRetriever``, so it composes with langchain chains.

    from qa.langchain_retriever import QARetriever
    docs = QARetriever(qa=open_qa(Settings.from_env()), k=5).invoke("Vad tycker reservanterna?")
    docs[0].metadata["actor"]  # the speaker; "page", "section", "source", "chunk_id", "score" too
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict


class QARetriever(BaseRetriever):
    qa: Any  # qa.service.QA
    k: int = 5

    model_config = ConfigDict(arbitrary_types_allowed=True)

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        docs = []
        for hit in self.qa.search(query, self.k):
            meta = hit.to_json()
            text = meta.pop("text")
            docs.append(Document(page_content=text, metadata=meta, id=meta["chunk_id"]))
        return docs
