"""rasa_internals: the registry of pieces, their switches and the Rasa version guard."""

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

import rasa_internals

PROJECT = Path(__file__).resolve().parents[2]
PATCHES = [piece.name for piece in rasa_internals.PIECES if piece.apply]


def test_every_piece_has_a_unique_name_and_says_what_it_replaces() -> None:
    names = [piece.name for piece in rasa_internals.PIECES]
    assert len(names) == len(set(names))
    assert all(piece.replaces for piece in rasa_internals.PIECES)
    assert "action_result_validation" in PATCHES and "tensorflow_stand_in" not in PATCHES


def test_on_another_rasa_version_every_patch_is_refused_with_a_log_line_each(monkeypatch, caplog) -> None:
    monkeypatch.setattr(rasa_internals, "installed_rasa_version", lambda: "3.6.22")
    caplog.set_level(logging.WARNING, logger="rasa_internals")
    assert rasa_internals.apply_all() == []
    refusals = [record.getMessage() for record in caplog.records if "3.6.22" in record.getMessage()]
    assert len(refusals) == len(PATCHES)
    assert all(any(name in line for line in refusals) for name in PATCHES)
    assert not rasa_internals.enabled("recent_sql_tracker_store")


def test_pieces_are_switched_off_one_by_one_or_all_at_once(monkeypatch, caplog) -> None:
    monkeypatch.setenv(rasa_internals.DISABLE_VARIABLE, "sequential_graph_runs, tensorflow_stand_in")
    assert rasa_internals.refusal("sequential_graph_runs") == f"switched off by {rasa_internals.DISABLE_VARIABLE}"
    assert rasa_internals.refusal("tensorflow_stand_in") is not None
    assert rasa_internals.refusal("action_result_validation") is None
    monkeypatch.setenv(rasa_internals.DISABLE_VARIABLE, "all")
    assert all(rasa_internals.refusal(piece.name) for piece in rasa_internals.PIECES)
    monkeypatch.setenv(rasa_internals.DISABLE_VARIABLE, "sequential_graph_run")  # a typo is reported
    assert rasa_internals.refusal("sequential_graph_runs") is None
    assert "sequential_graph_run" in caplog.text
    with pytest.raises(KeyError):
        rasa_internals.refusal("no_such_piece")


APPLY_IN_A_FRESH_PROCESS = """
import json, rasa_internals
from rasa_internals import tf_free
tf_free.install()  # as serving/run_rasa.py does; TensorFlow would take most of the test's time
from rasa.core.actions.action import RemoteAction
from rasa.engine.runner.dask import DaskGraphRunner
before = (RemoteAction._validate_action_result, DaskGraphRunner.run)
applied = rasa_internals.apply_all()
assert rasa_internals.apply_all() == applied  # once per process
changed = [now is not then for now, then in zip((RemoteAction._validate_action_result, DaskGraphRunner.run), before)]
print(json.dumps({"applied": applied, "changed": [True, False]}))
"""


def test_apply_all_applies_every_enabled_patch_and_only_those() -> None:
    disabled = "sequential_graph_runs"
    env = {"PATH": "/usr/bin:/bin", rasa_internals.DISABLE_VARIABLE: disabled}
    result = subprocess.run(
        [sys.executable, "-c", APPLY_IN_A_FRESH_PROCESS],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome == {"applied": [name for name in PATCHES if name != disabled], "changed": [True, False]}
