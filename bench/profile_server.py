"""Profile the assistant's Rasa server (and action server) under load with py-spy.

    python -m bench.profile_server [--baseline --model M] [--seconds 40] [--out results/profile]

Starts the assistant as serving/local_stack.py does, then runs, while `py-spy record` samples
both processes: 20 users in fresh 5-turn conversations for half the time, then one long
conversation for the rest. Prints the top functions by own time and by inclusive time
(share of samples), and writes the collapsed stacks. py-spy comes from PyPI
(`pip install py-spy`); it is not a dependency of the project.
"""

import argparse
import asyncio
import collections
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Tuple

from bench import baseline, loadgen
from bench.messages import MESSAGES
from bench.run_bench import RESULTS, _children, cmdline
from serving.local_stack import running_assistant
from serving.processes import BIN, PROJECT


def top_entries(collapsed: Path, limit: int = 15) -> Tuple[List[Tuple[str, float]], List[Tuple[str, float]], int]:
    own: Dict[str, int] = collections.Counter()
    inclusive: Dict[str, int] = collections.Counter()
    total = 0
    for line in collapsed.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [f for f in stack.split(";") if f and not f.startswith("process ") and not f.startswith("thread ")]
        if not frames:
            continue
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    share = lambda counter: [(name, 100 * n / max(total, 1)) for name, n in counter.most_common(limit)]  # noqa: E731
    return share(own), share(inclusive), total


def short(frame: str) -> str:
    # "handle_message (rasa/core/processor.py:160)" -> keep the path from site-packages on
    return frame.replace(str(BIN.parent) + "/lib/python3.10/site-packages/", "").replace(str(PROJECT) + "/", "")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", action="store_true", help="start the servers as before the performance work")
    parser.add_argument("--model", type=Path, help="model to serve (default: models/pore-care.tar.gz)")
    parser.add_argument("--seconds", type=int, default=40)
    parser.add_argument("--out", type=Path, default=RESULTS / "profile")
    args = parser.parse_args()
    if shutil.which("py-spy") is None:
        print("py-spy is not installed: pip install py-spy")
        return 1
    launch = baseline.launch(args.baseline, args.model.resolve() if args.model else None)
    args.out.mkdir(parents=True, exist_ok=True)
    before = set(_children(os.getpid()))
    with running_assistant(launch=launch) as assistant:
        port = int(assistant.base_url.rsplit(":", 1)[1])
        asyncio.run(loadgen.long_conversation(port, 5, MESSAGES, tag="warm"))
        pids = {
            ("actions" if " actions" in cmdline(p) or "rasa_sdk" in cmdline(p) else "rasa"): p
            for p in set(_children(os.getpid())) - before
        }
        recorders = {}
        for name, pid in pids.items():
            recorders[name] = subprocess.Popen(
                [
                    "py-spy",
                    "record",
                    "--pid",
                    str(pid),
                    "--duration",
                    str(args.seconds),
                    "--rate",
                    "100",
                    "--format",
                    "raw",
                    "--output",
                    str(args.out / f"{name}.collapsed"),
                    "--nonblocking",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        time.sleep(1)
        half = args.seconds / 2
        load = asyncio.run(loadgen.closed_loop(port, 20, half, 0, MESSAGES, tag="profile"))
        deadline = time.monotonic() + half - 1
        long_turns = 0
        while time.monotonic() < deadline and long_turns < 300:
            samples = asyncio.run(loadgen.long_conversation(port, 100, MESSAGES, tag="profile-long"))
            long_turns += len(samples)
        for recorder in recorders.values():
            recorder.wait(timeout=args.seconds + 60)
    print(
        f"load: {len(load.samples)} messages at 20 users in {half:.0f} s, then {long_turns} turns of long conversations"
    )
    report = []
    for name in recorders:
        own, inclusive, total = top_entries(args.out / f"{name}.collapsed")
        report.append(f"\n## {name} server: {total} samples\n\nown time:")
        report += [f"  {pct:5.1f}%  {short(frame)}" for frame, pct in own]
        report.append("inclusive time:")
        report += [f"  {pct:5.1f}%  {short(frame)}" for frame, pct in inclusive]
    text = "\n".join(report)
    print(text)
    (args.out / "top.txt").write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
