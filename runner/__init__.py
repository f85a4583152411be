"""The SDK's entry point, `Runner`, and what its embedded default needs: a project-local
Temporal dev server (`dev_server`). It may import every other layer, as `worker/` does."""
