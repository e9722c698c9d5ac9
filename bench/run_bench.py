"""`make bench`: the assistant against a plain `rasa init` bot, measured in the same run.

    python -m bench.run_bench                 # everything (about 20-25 minutes on 2 cores)
    python -m bench.run_bench --skip-train    # reuse the models, no training times
    python -m bench.run_bench --reps 1 --phase-s 10 --cold-starts 1   # a quick look

The plain bot is made by `rasa init --no-prompt` in var/bench/plain (once; gitignored) and
keeps what `rasa init` ships: its default config (no pipeline/policies given, so Rasa's
default DIET + TED + Memoization + Rule + UnexpecTED), the REST channel, and no tracker store
in endpoints.yml, i.e. Rasa's in-memory tracker store; its actions.py is all comments, so it
needs no action server. The assistant runs exactly as the tests start it
(serving/local_stack.py: action server + Rasa server, SQLite tracker store).

Both bots get the same messages (from our domain; the plain bot just answers something),
sent over keep-alive connections with TCP_NODELAY by bench/loadgen.py, to loopback only.
Measurements alternate between the two bots, `--reps` times, and the table shows medians
over the repetitions and their ratios (assistant / plain). Writes results/bench.json and
results/bench_latency_by_turn.png.
"""

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

from bench import action_latency, baseline, loadgen
from bench.messages import MESSAGES
from serving.local_stack import Launch, running_assistant
from serving.processes import BIN, PROJECT, free_port

BENCH_DIR = PROJECT / "var" / "bench"
PLAIN_DIR = BENCH_DIR / "plain"
RESULTS = PROJECT / "results"
RASA = str(BIN / "rasa")
ENV = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}

# From our domain: questions, follow-ups, Korean, small talk. The plain bot answers anything.
# Both bots answer a greeting with text (the plain bot answers many of our questions with
# nothing at all): the first non-empty answer marks the end of a cold start.
COLD_MESSAGE = "hi"
START_TIMEOUT_S = 600
LONG_TURNS = 100

# name: (direction, target ratio assistant/plain)
TARGETS = {
    "throughput_20_msg_s": (">=", 5.0),
    "p95_20_ms": ("<=", 0.2),
    "long_turns_96_100_ms": ("<=", 0.1),
    "cold_start_s": ("<=", 0.125),
    "peak_rss_mb": ("<=", 1 / 3),
}
# The answer action itself, as the action server runs it (bench/action_latency.py).
ACTION_P95_TARGET_MS = 5.0


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# ---------------------------------------------------------------- building and training


def ensure_plain_project() -> None:
    if (PLAIN_DIR / "domain.yml").exists():
        return
    log(f"rasa init --no-prompt --init-dir {PLAIN_DIR} (once; it trains an initial model too)")
    PLAIN_DIR.mkdir(parents=True, exist_ok=True)  # rasa init wants the directory to exist
    subprocess.run(
        [RASA, "init", "--no-prompt", "--init-dir", str(PLAIN_DIR)],
        cwd=BENCH_DIR,
        env=ENV,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def timed_train(name: str, command: List[str], cwd: Path, out_dir: Path) -> float:
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    log(f"training {name}: {' '.join(command[1:])}")
    start = time.monotonic()
    with open(BENCH_DIR / f"train-{name}.log", "wb") as out:
        subprocess.run(command, cwd=cwd, env=ENV, check=True, stdout=out, stderr=subprocess.STDOUT)
    seconds = time.monotonic() - start
    log(f"training {name}: {seconds:.1f} s")
    return seconds


def plain_model() -> Path:
    models = sorted((PLAIN_DIR / "models-bench").glob("*.tar.gz")) or sorted((PLAIN_DIR / "models").glob("*.tar.gz"))
    if not models:
        raise FileNotFoundError("no model for the plain bot: run without --skip-train")
    return models[-1]


# ---------------------------------------------------------------- processes


def _children(pid: int) -> List[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid == pid:
            found.append(int(entry))
    return found


def process_tree(pid: int) -> List[int]:
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(_children(current))
    return tree


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a process and its descendants, in MB."""
    total = 0
    for member in process_tree(pid):
        try:
            with open(f"/proc/{member}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


@contextmanager
def running_plain(model: Path) -> Iterator[Dict]:
    port = free_port()
    log_path = BENCH_DIR / "plain-server.log"
    start = time.monotonic()
    with open(log_path, "ab") as out:
        process = subprocess.Popen(
            [
                RASA,
                "run",
                "--model",
                str(model),
                "--port",
                str(port),
                "--credentials",
                "credentials.yml",
                "--endpoints",
                "endpoints.yml",
            ],
            cwd=PLAIN_DIR,
            env=ENV,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        up = asyncio.run(loadgen.first_answer(port, COLD_MESSAGE, time.monotonic() + START_TIMEOUT_S))
        if not up or process.poll() is not None:
            raise RuntimeError(f"the plain bot did not answer; see {log_path}")
        yield {"port": port, "cold_start_s": time.monotonic() - start, "pids": {"rasa": process.pid}}
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def running_ours(launch: Launch) -> Iterator[Dict]:
    before = set(_children(os.getpid()))
    start = time.monotonic()
    with running_assistant(launch=launch) as assistant:
        port = int(assistant.base_url.rsplit(":", 1)[1])
        up = asyncio.run(loadgen.first_answer(port, COLD_MESSAGE, time.monotonic() + START_TIMEOUT_S))
        if not up:
            raise RuntimeError(f"the assistant did not answer; see {assistant.log_path}")
        cold = time.monotonic() - start
        pids = {}
        for pid in set(_children(os.getpid())) - before:
            line = cmdline(pid)
            pids["actions" if " actions" in line or "rasa_sdk" in line else "rasa"] = pid
        yield {"port": port, "cold_start_s": cold, "pids": pids}


# ---------------------------------------------------------------- measuring


def percentile(values: List[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def measure_once(port: int, tag: str, phase_s: float, warmup_s: float) -> Dict:
    out: Dict = {}
    single = asyncio.run(loadgen.closed_loop(port, 1, min(phase_s, 10), 1.0, MESSAGES, tag=f"{tag}-u1"))
    lat = [s.latency * 1000 for s in single.measured() if s.ok]
    out["p50_1_ms"], out["p95_1_ms"] = percentile(lat, 50), percentile(lat, 95)
    for users in (20, 50):
        phase = asyncio.run(loadgen.closed_loop(port, users, phase_s, warmup_s, MESSAGES, tag=f"{tag}-u{users}"))
        lat = [s.latency * 1000 for s in phase.measured() if s.ok]
        out[f"throughput_{users}_msg_s"] = phase.throughput
        out[f"p50_{users}_ms"], out[f"p95_{users}_ms"] = percentile(lat, 50), percentile(lat, 95)
        out[f"errors_{users}"] = phase.errors
    samples = asyncio.run(loadgen.long_conversation(port, LONG_TURNS, MESSAGES, tag=f"{tag}-long"))
    by_turn = [s.latency * 1000 for s in samples]
    out["long_by_turn_ms"] = by_turn
    out["long_turns_1_5_ms"] = statistics.median(by_turn[:5])
    out["long_turns_96_100_ms"] = statistics.median(by_turn[95:100])
    out["long_errors"] = sum(1 for s in samples if not s.ok)
    return out


def median_of(runs: List[Dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def summarise(runs: List[Dict], cold_starts: List[float], rss: Dict[str, float], train_s: Optional[float]) -> Dict:
    keys = [k for k in runs[0] if k != "long_by_turn_ms"]
    summary: Dict[str, Any] = {k: median_of(runs, k) for k in keys}
    summary["cold_start_s"] = statistics.median(cold_starts)
    summary["cold_starts_s"] = cold_starts
    summary["peak_rss_mb"] = sum(rss.values())
    summary["peak_rss_by_process_mb"] = rss
    summary["train_s"] = train_s
    summary["long_by_turn_ms"] = [
        statistics.median(run["long_by_turn_ms"][i] for run in runs) for i in range(LONG_TURNS)
    ]
    return summary


ROWS = [
    ("p50 latency, 1 user (ms)", "p50_1_ms"),
    ("p95 latency, 1 user (ms)", "p95_1_ms"),
    ("p50 latency, 20 users (ms)", "p50_20_ms"),
    ("p95 latency, 20 users (ms)", "p95_20_ms"),
    ("throughput, 20 users (msg/s)", "throughput_20_msg_s"),
    ("p50 latency, 50 users (ms)", "p50_50_ms"),
    ("p95 latency, 50 users (ms)", "p95_50_ms"),
    ("throughput, 50 users (msg/s)", "throughput_50_msg_s"),
    ("long conversation, turns 1-5 (ms)", "long_turns_1_5_ms"),
    ("long conversation, turns 96-100 (ms)", "long_turns_96_100_ms"),
    ("cold start (s)", "cold_start_s"),
    ("peak RSS, all processes (MB)", "peak_rss_mb"),
    ("training time (s)", "train_s"),
]


def fmt(value: Optional[float]) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}" if abs(value) >= 10 else f"{value:.2f}"


def table(plain: Dict, ours: Dict) -> str:
    lines = [
        f"| {'metric':<38} | {'plain rasa init':>15} | {'assistant':>10} | {'ratio':>6} | target |",
        f"|{'-' * 40}|{'-' * 17}:|{'-' * 11}:|{'-' * 7}:|--------|",
    ]
    for label, key in ROWS:
        a, b = plain.get(key), ours.get(key)
        ratio = b / a if a and b is not None else None
        target = ""
        if key in TARGETS and ratio is not None:
            op, goal = TARGETS[key]
            met = ratio >= goal if op == ">=" else ratio <= goal
            target = f"{op} {goal:g} {'met' if met else 'MISSED'}"
        lines.append(f"| {label:<38} | {fmt(a):>15} | {fmt(b):>10} | {fmt(ratio) if ratio else '-':>6} | {target} |")
    own = ours["long_turns_96_100_ms"] / ours["long_turns_1_5_ms"]
    verdict = "met" if own <= 2 else "MISSED"
    lines.append(
        f"| {'assistant: turns 96-100 / turns 1-5':<38} | {'':>15} | {own:>10.2f} | {'':>6} | <= 2 {verdict} |"
    )
    return "\n".join(lines)


def plot(plain: Dict, ours: Dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    turns = list(range(1, LONG_TURNS + 1))
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.plot(turns, plain["long_by_turn_ms"], label="plain `rasa init` bot", color="tab:gray")
    ax.plot(turns, ours["long_by_turn_ms"], label="pore-care assistant", color="tab:blue")
    ax.set_xlabel("turn number in one conversation")
    ax.set_ylabel("latency (ms, median over repetitions)")
    ax.set_title("Latency by turn, one long conversation, same run")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=3, help="load repetitions per bot (alternating)")
    parser.add_argument("--phase-s", type=float, default=20.0, help="seconds per concurrency level")
    parser.add_argument("--warmup-s", type=float, default=3.0, help="seconds of each level not counted")
    parser.add_argument("--cold-starts", type=int, default=2, help="cold starts per bot")
    parser.add_argument("--skip-train", action="store_true", help="reuse the models; no training times")
    parser.add_argument("--out", type=Path, default=RESULTS / "bench.json")
    parser.add_argument(
        "--baseline", action="store_true", help="start the assistant as before the performance work (bench/baseline.py)"
    )
    parser.add_argument("--model", type=Path, help="the assistant's model (default: models/pore-care.tar.gz)")
    args = parser.parse_args()
    launch = baseline.launch(args.baseline, args.model.resolve() if args.model else None)
    started = time.monotonic()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    ensure_plain_project()

    train: Dict[str, Optional[float]] = {"plain": None, "ours": None}
    if not args.skip_train:
        train["plain"] = timed_train(
            "plain",
            [RASA, "train", "--force", "--out", str(PLAIN_DIR / "models-bench")],
            PLAIN_DIR,
            PLAIN_DIR / "models-bench",
        )
        ours_out = Path(tempfile.mkdtemp(prefix="train-ours-", dir=BENCH_DIR))
        train["ours"] = timed_train(
            "ours",
            [
                RASA,
                "train",
                "--config",
                "config.yml",
                "--domain",
                "domain.yml",
                "--data",
                "data/nlu",
                "data/rules",
                "--out",
                str(ours_out),
                "--force",
            ],
            PROJECT,
            ours_out,
        )
        shutil.rmtree(ours_out, ignore_errors=True)

    runs: Dict[str, List[Dict]] = {"plain": [], "ours": []}
    cold: Dict[str, List[float]] = {"plain": [], "ours": []}
    rss: Dict[str, Dict[str, float]] = {}
    log(f"starting the plain bot ({plain_model().name}) and measuring its cold start")
    with running_plain(plain_model()) as plain:
        cold["plain"].append(plain["cold_start_s"])
        log(f"plain: first answer after {plain['cold_start_s']:.1f} s")
        log(f"starting the assistant ({launch.model}) and measuring its cold start")
        with running_ours(launch) as ours:
            cold["ours"].append(ours["cold_start_s"])
            log(f"assistant: first answer after {ours['cold_start_s']:.1f} s; pids {ours['pids']}")
            bots = {"plain": plain, "ours": ours}
            for rep in range(args.reps):
                for name in ("plain", "ours") if rep % 2 == 0 else ("ours", "plain"):
                    log(f"rep {rep + 1}/{args.reps}: {name}")
                    result = measure_once(bots[name]["port"], f"{name}{rep}", args.phase_s, args.warmup_s)
                    runs[name].append(result)
                    log("  " + ", ".join(f"{k}={v:.1f}" for k, v in result.items() if isinstance(v, (int, float))))
            for name, bot in bots.items():
                rss[name] = {proc: peak_rss_mb(pid) for proc, pid in bot["pids"].items()}
            log(f"peak RSS (MB): {rss}")
    for _ in range(args.cold_starts - 1):
        with running_plain(plain_model()) as plain:
            cold["plain"].append(plain["cold_start_s"])
        with running_ours(launch) as ours:
            cold["ours"].append(ours["cold_start_s"])
        log(f"cold starts so far: {cold}")

    summary = {name: summarise(runs[name], cold[name], rss[name], train[name]) for name in ("plain", "ours")}
    action = action_latency.measure(rounds=20)
    summary["ours"].update(action)
    print()
    print(table(summary["plain"], summary["ours"]))
    verdict = "met" if action["answer_action_p95_ms"] <= ACTION_P95_TARGET_MS else "MISSED"
    print(
        f"answer action (in the action server's code path): median {action['answer_action_median_ms']:.2f} ms, "
        f"p95 {action['answer_action_p95_ms']:.2f} ms, target < {ACTION_P95_TARGET_MS:g} ms {verdict}"
    )
    ratios = {key: summary["ours"][key] / summary["plain"][key] for key in TARGETS}
    ratios["own_turns_96_100_over_1_5"] = summary["ours"]["long_turns_96_100_ms"] / summary["ours"]["long_turns_1_5_ms"]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    report: Dict[str, Any] = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": {"cores": os.cpu_count(), "load_average_at_end": os.getloadavg()},
        "settings": {
            "reps": args.reps,
            "phase_s": args.phase_s,
            "warmup_s": args.warmup_s,
            "turns_per_conversation": 5,
            "long_turns": LONG_TURNS,
            "messages": MESSAGES,
            "plain_tracker_store": "in-memory (rasa init's endpoints.yml configures none)",
            "plain_action_server": "none (rasa init's actions.py is all comments)",
            "assistant_tracker_store": "as in endpoints.yml, on a fresh SQLite file (serving/local_stack.py)",
            "assistant_model": str(launch.model),
            "assistant_started_as_before": args.baseline,
        },
        "targets": {k: f"{op} {goal}" for k, (op, goal) in TARGETS.items()},
        "ratios": ratios,
        "summary": summary,
        "runs": runs,
        "total_s": time.monotonic() - started,
    }
    args.out.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    png = args.out.parent / f"{args.out.stem}_latency_by_turn.png"
    plot(summary["plain"], summary["ours"], png)
    log(f"wrote {args.out} and {png}; total {report['total_s'] / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
