"""Conversations survive a restart of both servers (embedded SQLite tracker store)."""

from pathlib import Path

from tests.servers import ask, running_assistant


def test_a_follow_up_after_a_restart_still_knows_the_topic(tmp_path: Path) -> None:
    sender = "restart-user"
    with running_assistant(tmp_path) as first_run:
        ask(first_run, sender, "what does a collagen mask do?")
    with running_assistant(tmp_path) as second_run:
        reply = "\n".join(m.get("text") or "" for m in ask(second_run, sender, "how often should I use it?"))
    assert "collagen mask" in reply.lower() and "week" in reply
