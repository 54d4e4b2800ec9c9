"""The probe mypy's seed is built from imports what an environment holds, and nothing that
would stop mypy (graders.running.type_cache.top_level_packages; no mypy run)."""

from __future__ import annotations

from pathlib import Path

from graders.running.type_cache import top_level_packages


def test_the_probe_imports_each_package_and_module_and_nothing_else(tmp_path: Path) -> None:
    site = tmp_path / "site-packages"
    for folder in ("pkg", "stubs", "_private", "thing-1.0.dist-info", "data_only"):
        (site / folder).mkdir(parents=True)
    (site / "pkg" / "__init__.py").write_text("")
    (site / "stubs" / "__init__.pyi").write_text("")
    for name in ("mod.py", "typed.pyi", "class.py", "not-a-name.py", "notes.txt", "_x.py"):
        (site / name).write_text("")
    # `import class` would be a syntax error: mypy would stop, and the environment get no seed.
    assert top_level_packages([site]) == ["mod", "pkg", "stubs", "typed"]
