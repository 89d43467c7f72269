"""One module per page group; `api` is the JSON API under /api/v1."""
