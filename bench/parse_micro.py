"""NLU parse time of the served model with Rasa's dask graph runs and with sequential ones.

    python -m bench.parse_micro [--model M] [--rounds 7] [--messages 200]

Loads the model once, then alternates: ``rounds`` times, parse the same ``messages``
messages with Rasa's ``DaskGraphRunner.run`` and with ``rasa_internals.patches``' sequential run.
Prints the median time per message of each and their ratio (same process, same model,
alternating, so the machine's noise hits both alike), and checks both gave the same parses.
"""

import argparse
import asyncio
import statistics
import time
from pathlib import Path
from typing import Any, Dict, List

import rasa_internals
from bench.messages import MESSAGES
from rasa_internals import tf_free
from serving.processes import MODEL


async def parse_all(agent: Any, texts: List[str]) -> List[Dict[str, Any]]:
    return [await agent.parse_message(text) for text in texts]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--messages", type=int, default=200)
    args = parser.parse_args()

    if tf_free.stand_in_suits(args.model):
        tf_free.install()
    from rasa.core.agent import Agent
    from rasa.engine.runner.dask import DaskGraphRunner

    dask_run = DaskGraphRunner.run
    rasa_internals.apply_all()
    sequential_run = DaskGraphRunner.run
    agent = Agent.load(str(args.model))
    texts = [MESSAGES[i % len(MESSAGES)] for i in range(args.messages)]
    timings: Dict[str, List[float]] = {"dask": [], "sequential": []}
    parses: Dict[str, List[Dict[str, Any]]] = {}
    for _ in range(args.rounds):
        for name, run in (("dask", dask_run), ("sequential", sequential_run)):
            DaskGraphRunner.run = run
            start = time.perf_counter()
            parses[name] = asyncio.run(parse_all(agent, texts))
            timings[name].append((time.perf_counter() - start) / len(texts))
    dask_ms, sequential_ms = (1000 * statistics.median(timings[name]) for name in ("dask", "sequential"))
    print(f"NLU parse per message, median of {args.rounds} alternating rounds of {len(texts)} messages:")
    print(f"  Rasa's dask graph run: {dask_ms:.2f} ms")
    print(f"  sequential graph run:  {sequential_ms:.2f} ms  (ratio {sequential_ms / dask_ms:.2f})")
    print(f"  same parses: {parses['dask'] == parses['sequential']}")


if __name__ == "__main__":
    main()
