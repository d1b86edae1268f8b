"""Optional generator: any OpenAI-compatible chat endpoint (Ollama, llama.cpp server, vLLM)
through LangChain, streaming tokens. Its output goes through the same verifier as the
extractive path; the default product needs no model server."""

from __future__ import annotations

from collections.abc import Iterator

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from ingest.settings import Settings

from . import prompts
from .types import Citation


class ChatGenerator:
    def __init__(self, model: BaseChatModel, name: str = "llm"):
        self.model = model
        self.name = name

    @classmethod
    def from_settings(cls, settings: Settings) -> ChatGenerator | None:
        if not settings.llm_base_url:
            return None
        from langchain_openai import ChatOpenAI

        model = ChatOpenAI(base_url=settings.llm_base_url, model=settings.llm_model, api_key=settings.llm_api_key,
                           temperature=0, streaming=True, timeout=120, max_retries=1)
        return cls(model, name=f"llm:{settings.llm_model}")

    def messages(self, question: str, citations: list[Citation], audience: str) -> list:
        passages = "\n\n".join(f"[{c.n}] {c.ref or c.doc_title} ({c.doc_title}): {c.text}" for c in citations)
        system = prompts.GENERATOR_SYSTEM.format(audience_text=prompts.AUDIENCE_TEXT[audience],
                                                 refusal=prompts.REFUSAL)
        return [SystemMessage(content=system),
                HumanMessage(content=prompts.GENERATOR_USER.format(passages=passages, question=question))]

    def stream(self, question: str, citations: list[Citation], audience: str) -> Iterator[str]:
        for chunk in self.model.stream(self.messages(question, citations, audience)):
            text = chunk.content if isinstance(chunk.content, str) else ""
            if text:
                yield text
