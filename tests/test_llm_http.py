"""The optional generator end to end over real HTTP: LangChain's OpenAI client streams from a
deterministic OpenAI-compatible server started here on 127.0.0.1 (tests/llm_server.py), over the
bundled corpus (no ../shared needed). Checks streaming, the verifier dropping an invented
citation and an unsupported claim, and the fallback to the extractive answer when the stream breaks."""

from __future__ import annotations

import pytest

from assistant.chain import Assistant
from assistant.generate import ChatGenerator
from tests.llm_server import ScriptedChatServer


@pytest.fixture(scope="module")
def chat_server():
    with ScriptedChatServer() as server:
        yield server


@pytest.fixture(scope="module")
def http_assistant(corpus_index, chat_server, embedder):
    from ingest.index import IndexStore

    settings = corpus_index.replace(llm_base_url=chat_server.base_url, llm_model="scripted")
    generator = ChatGenerator.from_settings(settings)
    assert generator is not None and generator.name == "llm:scripted"
    return Assistant(settings, store=IndexStore(settings, embedder=embedder), generator=generator)


def test_generated_answer_streams_over_http_and_is_verified(http_assistant, chat_server):
    chat_server.mode = "script"
    pieces = list(http_assistant.stream("Can our hospital still buy mercury thermometers?"))
    answer = pieces[-1]
    streamed = [p for p in pieces[:-1] if isinstance(p, str) and p.strip()]
    assert len(streamed) > 10, "the answer was not streamed token by token"
    assert chat_server.requests and chat_server.requests[-1].get("stream") is True
    assert "".join(streamed).split() == chat_server.last_script.split()
    assert answer.generator == "llm:scripted"
    assert len(answer.unsupported) == 2, answer.unsupported  # the invented [99] and the claim no passage makes
    assert "2099" not in answer.text and "tomorrow" not in answer.text
    kept = [s for s in answer.sentences if s.kind == "generated"]
    assert len(kept) == 1 and kept[0].verified and kept[0].citations
    retrieved = {p.chunk.id for p in answer.retrieved}
    assert answer.citations and all(c.chunk_id in retrieved for c in answer.citations)


def test_a_broken_stream_falls_back_to_the_extractive_answer(http_assistant, chat_server):
    chat_server.mode = "broken"
    try:
        answer = http_assistant.ask("Can our hospital still buy mercury thermometers?")
    finally:
        chat_server.mode = "script"
    assert answer.generator == "extractive" and not answer.refused
    assert any("unavailable" in n for n in answer.notes), answer.notes
    assert answer.sentences and all(s.citations for s in answer.sentences)


def test_a_dead_endpoint_falls_back_too(corpus_index, embedder):
    from ingest.index import IndexStore

    from tests.conftest import free_port

    settings = corpus_index.replace(llm_base_url=f"http://127.0.0.1:{free_port()}/v1", llm_model="nothing")
    a = Assistant(settings, store=IndexStore(settings, embedder=embedder),
                  generator=ChatGenerator.from_settings(settings))
    answer = a.ask("What must a country with artisanal gold mining do?")
    assert answer.generator == "extractive" and any("unavailable" in n for n in answer.notes)
