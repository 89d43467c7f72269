"""The web workspace (FastAPI + Jinja2, server-rendered forms): an entry point like `cli/`.

`main.create_app` wires the store, the routes and the error handlers; `deps` authenticates and authorises
every request; `routes/` holds one module per page group plus the JSON API under /api/v1.
"""
