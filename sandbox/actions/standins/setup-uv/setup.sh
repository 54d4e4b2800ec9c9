#!/usr/bin/env bash
# The sandbox's uv (no download, no Actions cache: runs share a uv cache through UV_CACHE_DIR).
# Offline runs (--runner-env SANDBOX_PYTHON_ENV=…) see that environment's packages through a
# .pth file, which uv does not read: there `uv pip install` installs only what it is given
# (--no-deps, built without isolation, offline), its dependencies already being in sight, as
# setup-python's stand-in does for pip. Everywhere else this is the real uv, unchanged.
set -euo pipefail
real_uv="$(cat "$GITHUB_ACTION_PATH/uv_path")"
bin="${RUNNER_TEMP}/setup-uv-${GITHUB_JOB:-job}-$$"
mkdir -p "$bin"
cat > "$bin/uv" <<SHIM
#!/usr/bin/env bash
if [ -n "\${SANDBOX_PYTHON_ENV:-}" ] && [ "\${1:-}" = pip ] && [ "\${2:-}" = install ]; then
  shift 2
  exec "$real_uv" pip install --offline --no-deps --no-build-isolation "\$@"
fi
exec "$real_uv" "\$@"
SHIM
chmod +x "$bin/uv"
version="$("$real_uv" --version | cut -d' ' -f2)"
if [ -n "${INPUT_VERSION}" ] && [ "$version" != "${INPUT_VERSION}" ]; then
  echo "::warning::the sandbox provides uv $version; the workflow asked for ${INPUT_VERSION}"
fi
if [ "${INPUT_ACTIVATE_ENVIRONMENT}" = true ]; then
  venv="${GITHUB_WORKSPACE}/.venv"
  SANDBOX_VENV="$venv" bash "$GITHUB_ACTION_PATH/venv.sh"  # setup-python's setup.sh
  echo "VIRTUAL_ENV=$venv" >> "$GITHUB_ENV"
  echo "venv=$venv" >> "$GITHUB_OUTPUT"
fi
echo "$bin" >> "$GITHUB_PATH"
echo "uv-version=$version" >> "$GITHUB_OUTPUT"
echo "uv $version ready in $bin"
