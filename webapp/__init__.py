"""The chat UI of the assistant (Gradio): rendering, feedback storage and the Blocks app.

Nothing here imports gradio at module import time except `webapp.app`, so the CLI stays fast.
"""
