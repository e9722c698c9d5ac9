"""The action server leaves h5py out, and spaCy's pipeline and the answers work without it."""

import subprocess
import sys

from tests.servers import PROJECT

WITHOUT_H5PY = """
from serving.action_server import leave_out_unused_imports
leave_out_unused_imports()
import thinc.compat
from actions.actions import assistant
from answering.understand import Turn
assert thinc.compat.h5py is None
print(assistant().respond(Turn("how often should i exfoliate", "nlu_fallback")).slots["last_facts"])
"""


def test_the_actions_answer_without_h5py() -> None:
    run = subprocess.run([sys.executable, "-c", WITHOUT_H5PY], cwd=PROJECT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "['exfoliation_frequency']"
