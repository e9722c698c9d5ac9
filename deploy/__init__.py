"""The production profile: cluster launcher (make run-cluster), Rasa server wrapper, atomic
Redis lock store, health routes, and the nginx template. See README, "Production"."""
