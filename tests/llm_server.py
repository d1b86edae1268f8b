"""A small deterministic OpenAI-compatible chat server for tests, on 127.0.0.1 over real HTTP.

No instruction-following model is installable on this machine, so the server plays one with a
fixed script built from the passages in the prompt it receives: one sentence copied from the
first passage about the question's subject (supported, cited), one citing a passage that does
not exist ([99]) and one claim no passage makes. The real client (LangChain's ChatOpenAI), the
server-sent-event stream, the verifier and the fallback are what the tests exercise.

Modes (`mode` attribute, changeable between requests):
  "script" - stream the script word by word, then [DONE]
  "broken" - send two words, then drop the connection mid-stream
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

UNSUPPORTED = ("The Convention requires every hospital to close by 2099 [99].",
               "All mercury mines must close tomorrow and pay a fine of one million dollars [{n}].")


def script_for(prompt: str, subject: str = "thermometers") -> str:
    passages = [(int(n), body) for n, body in re.findall(r"^\[(\d+)\] .*?\): (.*)$", prompt, re.M)]
    if not passages:
        return "The texts here do not answer that question."
    n, body = next(((n, b) for n, b in passages if subject in b.lower()), passages[0])
    supported = " ".join(re.sub(r"\[[^\]]*\]", "", body).split()[:18]).rstrip(".,;:")
    return f"{supported} [{n}]. {UNSUPPORTED[0]} {UNSUPPORTED[1].format(n=n)}"


class ScriptedChatServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.mode = "script"
        self.requests: list[dict] = []
        self.last_script = ""
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep the test output clean
                pass

            def do_GET(self):
                if self.path.rstrip("/").endswith("/models"):
                    self._json({"object": "list", "data": [{"id": "scripted", "object": "model"}]})
                else:
                    self._json({"error": "not found"}, 404)

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                outer.requests.append(body)
                prompt = "\n".join(m.get("content", "") for m in body.get("messages", []) if isinstance(m, dict))
                script = script_for(prompt)
                outer.last_script = script
                words = script.split(" ")
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")  # so that a cut-off body is an error
                self.end_headers()
                for i, word in enumerate(words):
                    if outer.mode == "broken" and i == 2:
                        self.wfile.write(b"40\r\ndata: {")  # half a chunk, then the model server dies
                        self.wfile.flush()
                        self.close_connection = True
                        self.connection.shutdown(2)
                        return
                    delta = {"content": word + (" " if i + 1 < len(words) else "")}
                    if i == 0:
                        delta["role"] = "assistant"
                    self._event({"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": "scripted",
                                 "choices": [{"index": 0, "delta": delta, "finish_reason": None}]})
                self._event({"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": "scripted",
                             "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
                self._chunk(b"data: [DONE]\n\n")
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()

            def _event(self, payload: dict) -> None:
                self._chunk(b"data: " + json.dumps(payload).encode() + b"\n\n")

            def _chunk(self, data: bytes) -> None:
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()

            def _json(self, payload: dict, status: int = 200) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> ScriptedChatServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
