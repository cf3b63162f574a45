"""The real ``vivace`` script end to end in a new folder: scaffolds, migrations, fixtures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

VIVACE = str(Path(sys.executable).parent / "vivace")


def vivace(folder: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [VIVACE, *argv], cwd=folder, capture_output=True, text=True, timeout=60, stdin=None
    )


def test_a_project_from_scratch_with_the_real_command(tmp_path: Path) -> None:
    steps = [
        ("project", "new"),
        ("app", "new", "music", "--register"),
        ("app", "show_all"),
        ("migrations", "new", "music", "--auto"),
        ("migrations", "forwards", "all"),
        ("schema", "graph"),
        ("fixtures", "dump", "--output=music.json"),
        ("fixtures", "load", "music.json"),
    ]
    outputs = []
    for step in steps:
        done = vivace(tmp_path, *step)
        assert done.returncode == 0, (step, done.stdout, done.stderr)
        outputs.append(done.stdout)
    assert "music  music.vivace_app" in outputs[2]
    assert '"music.Music"' in outputs[5]
    assert outputs[7] == "music.Music: 0 rows\n"
    done = vivace(tmp_path, "fixtures", "load", "--chunk_size=x", "music.json")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "'x' is not a valid integer" in done.stderr
