"""Check that serving.patches' prediction-only model loading changes no prediction.

    python -m bench.verify_fast_load [models/pore-care.tar.gz]

Loads the model twice in one process, Rasa's way and the patched way, parses every user
turn of the held-out evaluation plus up to 15 examples of every intent in data/nlu, and
compares intents, the whole intent ranking (confidences) and entities. Exit 1 on any
difference. Takes a few minutes (the first, Rasa-way load is the slow one).
"""

import asyncio
import sys
import time
from pathlib import Path
from typing import List

import yaml

PROJECT = Path(__file__).resolve().parent.parent


def messages() -> List[str]:
    found = []
    for path in sorted((PROJECT / "tests" / "eval").glob("conversations*.yml")):
        for conversation in yaml.safe_load(path.read_text(encoding="utf-8"))["conversations"]:
            found += [turn["user"] for turn in conversation["turns"]]
    for path in sorted((PROJECT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            if "intent" in block:
                examples = [line[2:].strip() for line in block["examples"].splitlines() if line.startswith("- ")]
                found += examples[:15]
    return found


def main() -> int:
    model = Path(sys.argv[1]) if len(sys.argv) > 1 else PROJECT / "models" / "pore-care.tar.gz"
    sys.modules["jax"] = None  # type: ignore[assignment]  # as serving.run_rasa does
    from rasa.core.agent import Agent

    from serving import patches

    texts = messages()

    async def parse_all(agent: Agent) -> list:
        return [await agent.parse_message(text) for text in texts]

    start = time.monotonic()
    rasa_way = asyncio.run(parse_all(Agent.load(str(model))))
    rasa_s = time.monotonic() - start
    patches.predict_only_model_loading()
    start = time.monotonic()
    patched = asyncio.run(parse_all(Agent.load(str(model))))
    patched_s = time.monotonic() - start

    differing, max_difference = 0, 0.0
    for a, b in zip(rasa_way, patched):
        entities = lambda parse: [(e["entity"], e["value"], e["start"], e["end"]) for e in parse["entities"]]  # noqa: E731
        if a["intent"]["name"] != b["intent"]["name"] or entities(a) != entities(b):
            differing += 1
            print(f"DIFFERENT: {a['text']!r}: {a['intent']} {entities(a)} vs {b['intent']} {entities(b)}")
        for x, y in zip(a["intent_ranking"], b["intent_ranking"]):
            max_difference = max(max_difference, abs(x["confidence"] - y["confidence"]) if x["name"] == y["name"] else 1.0)
    print(f"{len(texts)} messages: {differing} with a different intent or entities; largest confidence "
          f"difference {max_difference:.1e}; load+parse Rasa's way {rasa_s:.1f} s, patched {patched_s:.1f} s")
    return 1 if differing or max_difference > 1e-5 else 0


if __name__ == "__main__":
    sys.exit(main())
