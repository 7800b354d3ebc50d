"""The canonical JSON of the référentiel, for the scripts of this folder.

With a path, the file (`metiers export --format json > referentiel.json`); without one, the
embedded edition exported by the project's own binary (`cargo run --quiet -- export --format
json`, built if needed), so that a fresh clone needs nothing beside the repository.
"""

import json
import os
import subprocess
import sys

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def load(path=None):
    """The whole canonical JSON document (edition and occupations)."""
    if path:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    run = subprocess.run(
        ["cargo", "run", "--quiet", "--bin", "metiers", "--", "export", "--format", "json"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        sys.exit(
            "export du référentiel impossible (cargo run -- export --format json) :\n" + run.stderr
        )
    return json.loads(run.stdout)
