#!/usr/bin/env bash
# A venv without pip is made in ~0.1 s; pip is linked in from the sandbox's Python instead of
# being installed (~7 s), so `pip install` and `python -m pip` still land in this venv.
set -euo pipefail
base_python="$(cat "$GITHUB_ACTION_PATH/base_python")"
pip_dir="$(cat "$GITHUB_ACTION_PATH/pip_dir")"
# SANDBOX_VENV: where setup-uv's stand-in wants it (activate-environment).
venv="${SANDBOX_VENV:-${RUNNER_TEMP}/python-venv-${GITHUB_JOB:-job}-$$}"
"$base_python" -m venv --without-pip "$venv"
site="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
ln -s "$pip_dir" "$site/pip"
printf '#!%s\nimport sys\nfrom pip._internal.cli.main import main\nsys.exit(main())\n' \
  "$venv/bin/python" > "$venv/bin/pip"
chmod +x "$venv/bin/pip"
cp "$venv/bin/pip" "$venv/bin/pip3"
# Opt-in (--runner-env SANDBOX_PYTHON_ENV=/path/to/venv): the packages and tools of that
# environment are visible too, so a workflow's `pip install` finds its dependencies already
# there and installs only the project itself: offline and in seconds. Its own editable
# installs stay out of sight (a .pth line is not a site dir), so the project comes from the run.
if [ -n "${SANDBOX_PYTHON_ENV:-}" ]; then
  shared="$("$SANDBOX_PYTHON_ENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
  echo "$shared" > "$site/sandbox-python-env.pth"
  for tool in "$SANDBOX_PYTHON_ENV"/bin/*; do
    name="$(basename "$tool")"
    case "$name" in python*|pip*|activate*|classroom*) continue ;; esac
    [ -e "$venv/bin/$name" ] || ln -s "$tool" "$venv/bin/$name"
  done
fi
version="$("$venv/bin/python" -c 'import platform; print(platform.python_version())')"
if [ -n "${INPUT_PYTHON_VERSION:-}" ] && [[ "$version" != "${INPUT_PYTHON_VERSION}"* ]]; then
  echo "::warning::the sandbox provides Python $version; the workflow asked for ${INPUT_PYTHON_VERSION}"
fi
echo "$venv/bin" >> "$GITHUB_PATH"
echo "pythonLocation=$venv" >> "$GITHUB_ENV"
echo "python-version=$version" >> "$GITHUB_OUTPUT"
echo "python-path=$venv/bin/python" >> "$GITHUB_OUTPUT"
echo "Python $version ready in $venv"
