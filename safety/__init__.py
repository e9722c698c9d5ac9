"""Safety checks shared by the NLU and the action server (no Rasa imports here)."""
