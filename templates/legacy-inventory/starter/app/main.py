"""The WSGI app: `create_app()` wires config, database, error handlers and blueprints.

Production runs it under waitress with several threads (docs/runbook.md):
    python -m waitress --listen=127.0.0.1:8000 --threads=8 --call app.main:create_app
"""

from __future__ import annotations

from flask import Flask, jsonify

from app import auth, customers, db, inventory, orders, products, reports
from app.config import load_config
from app.errors import register_error_handlers


def create_app() -> Flask:
    cfg = load_config()
    app = Flask(__name__)
    app.config["STOCKROOM"] = cfg
    app.json.sort_keys = False  # type: ignore[attr-defined]
    db.init_schema(cfg.database_url)
    db.init_app(app)
    register_error_handlers(app)
    for module in (auth, customers, products, inventory, orders, reports):
        app.register_blueprint(module.bp)

    @app.get("/health")
    def health():
        db.query_one("SELECT 1")
        return jsonify({"status": "ok"})

    return app
