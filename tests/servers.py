"""The servers the tests run against: ``serving.local_stack`` (the action server and the Rasa
server on free ports, started as ``make run`` starts them), under the names the tests use."""

from serving.local_stack import Assistant, ask, running_assistant
from serving.processes import MODEL, PROJECT, free_port

__all__ = ["Assistant", "MODEL", "PROJECT", "ask", "free_port", "running_assistant"]
