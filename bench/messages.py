"""The messages every benchmark sends: questions, follow-ups, Korean, small talk."""

MESSAGES = [
    "what does a collagen mask do?",
    "how often should I use it?",
    "why do pores sag?",
    "how often should I exfoliate?",
    "which vitamin C concentration should I look for?",
    "what is a 각질팩 for?",
    "and 보습팩?",
    "how should I cleanse oily skin?",
    "hi",
    "thanks!",
    "what causes enlarged pores?",
    "does retinol help sagging pores?",
]
