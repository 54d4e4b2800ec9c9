"""Start the service: `python -m app`."""

import os

import uvicorn

if __name__ == "__main__":
    uvicorn.run(
        "app.main:app",
        host="127.0.0.1",
        port=int(os.environ.get("PORT", "8000")),
        # Deploys hung for minutes on stuck requests: don't wait for anything on shutdown.
        timeout_graceful_shutdown=0,
    )
