"""The optional generator against a real local model (`make test-llm`).

Needs an OpenAI-compatible server, e.g. `ollama serve` + `ollama pull llama3.2`, then
    MINAMATA_LLM_BASE_URL=http://127.0.0.1:11434/v1 MINAMATA_LLM_MODEL=llama3.2 make test-llm
Under `make test` without MINAMATA_LLM_BASE_URL these tests skip; the default product needs no model
server. `make test-llm` sets MINAMATA_REQUIRE_LLM=1: there, no URL or an endpoint that does not answer
fails the run, and an answer that fell back to the extractive path fails its test.
(tests/test_llm_http.py covers the same client against a scripted server in every `make test`.)
"""

from __future__ import annotations

import os
import urllib.request

import pytest

from assistant.chain import Assistant
from assistant.generate import ChatGenerator

pytestmark = pytest.mark.llm


@pytest.fixture(scope="module")
def llm_assistant(request):
    required = os.environ.get("MINAMATA_REQUIRE_LLM") == "1"
    base = os.environ.get("MINAMATA_LLM_BASE_URL")
    if not base:
        reason = "no local model: set MINAMATA_LLM_BASE_URL (and MINAMATA_LLM_MODEL) to run `make test-llm`"
        if required:
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        with urllib.request.urlopen(base.rstrip("/") + "/models", timeout=10) as resp:
            resp.read()
    except OSError as exc:
        pytest.fail(f"the model endpoint {base} does not answer ({exc}); start the model server first")
    full_index = request.getfixturevalue("full_index")
    settings = full_index.replace(llm_base_url=os.environ["MINAMATA_LLM_BASE_URL"],
                                  llm_model=os.environ.get("MINAMATA_LLM_MODEL", full_index.llm_model))
    generator = ChatGenerator.from_settings(settings)
    return Assistant(settings, generator=generator)


@pytest.mark.parametrize("question", [
    "Can our hospital still buy mercury thermometers?",
    "What must a country with artisanal gold mining do?",
    "What is a mercury-added product?",
])
def test_real_model_answers_are_verified(llm_assistant, question):
    pieces = list(llm_assistant.stream(question))
    answer = pieces[-1]
    assert answer.generator.startswith("llm:"), f"fell back to {answer.generator}: {answer.notes}"
    assert any(isinstance(p, str) and p.strip() for p in pieces[:-1]), "nothing was streamed"
    retrieved = {p.chunk.id for p in answer.retrieved}
    assert all(c.chunk_id in retrieved for c in answer.citations)
    if not answer.refused:
        generated = [s for s in answer.sentences if s.kind == "generated"]
        assert generated, "no generated sentence survived the verifier"
        assert all(s.verified and s.citations for s in generated)
    print(f"\n{question}\n{answer.text}\nremoved: {answer.unsupported}")


def test_real_model_refuses_out_of_scope(llm_assistant):
    assert llm_assistant.ask("Give me a recipe for vegetable lasagne.").refused
