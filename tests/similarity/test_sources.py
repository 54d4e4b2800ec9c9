"""Which files of a submission are compared, and reading them without extracting anything."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from orchestrator.similarity.sources import MAX_FILE_BYTES, compared, from_folder, from_tar


@pytest.mark.parametrize(
    ("path", "counts"),
    [
        ("app/main.py", True),
        ("app/routers/tasks.py", True),
        ("locustfile.py", True),
        ("tests/test_tasks.py", False),
        ("app/tests/helpers.py", False),
        ("test/util.py", False),
        ("app/test_helpers.py", False),
        ("app/helpers_test.py", False),
        ("conftest.py", False),
        ("uv.lock", False),
        ("poetry.lock", False),
        ("requirements.txt", False),
        (".github/scripts/x.py", False),
        (".venv/lib/site.py", False),
        ("vendor/site-packages/six.py", False),
        ("app/__pycache__/main.cpython-311.py", False),
        ("README.md", False),
    ],
)
def test_only_the_learners_own_python_source_is_compared(path: str, counts: bool) -> None:
    assert compared(path) is counts


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def test_a_tar_is_read_in_memory_and_its_links_are_never_followed(tmp_path: Path) -> None:
    archive = tmp_path / "ada.tar"
    with tarfile.open(archive, "w", pax_headers={"comment": "c0ffee"}) as tar:
        _add(tar, "app/main.py", b"print('mine')\n")
        _add(tar, "tests/test_main.py", b"def test_x(): pass\n")
        _add(tar, "app/big.py", b"#" * (MAX_FILE_BYTES + 1))
        _add(tar, "app/latin.py", "caf\u00e9".encode("latin-1"))
        link = tarfile.TarInfo("app/secrets.py")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(link)

    read = from_tar(archive, "ada", "learner")

    assert read.files == (("app/main.py", "print('mine')\n"),)
    assert read.commit == "c0ffee"
    assert [n.split(":")[0] for n in read.notes] == ["app/big.py", "app/latin.py"]
    assert not (tmp_path / "app").exists()


def test_a_folder_is_read_without_following_symbolic_links(tmp_path: Path) -> None:
    outside = tmp_path / "outside.py"
    outside.write_text("SECRET = 1\n")
    folder = tmp_path / "bo"
    (folder / "app").mkdir(parents=True)
    (folder / "app" / "main.py").write_text("x = 1\n")
    (folder / "app" / "linked.py").symlink_to(outside)
    (folder / "elsewhere").symlink_to(tmp_path, target_is_directory=True)

    read = from_folder(folder, "bo", "archive")

    assert [path for path, _ in read.files] == ["app/main.py"]
