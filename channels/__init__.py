"""Input channels: Rasa's own, with the validation a public endpoint needs."""
