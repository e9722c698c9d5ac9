"""The production profile as `make run-cluster` runs it: two Rasa replicas and two action
servers behind nginx, one PostgreSQL tracker store, one Redis lock store.

The tests run in file order against one cluster: the last one stops and restarts it.
"""

import json
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, List, Optional, Tuple

import pytest
import requests

from tests.burst import send_burst
from tests.cluster_servers import ClusterRun, pg_connect

# Ten turns of a conversation: questions the documents answer, a follow-up, small talk.
TURNS = [
    "what does a collagen mask do?",
    "how often should I use it?",
    "why do pores sag?",
    "how often should I exfoliate?",
    "which vitamin C concentration should I look for?",
    "what is 각질팩 for?",
    "should I wash my face with hot or cold water?",
    "what is a 보습팩?",
    "how many pores are on a face?",
    "thanks!",
]
REQUEST_TIMEOUT_S = 150


def say(base_url: str, sender: str, text: str, turn: Optional[str] = None) -> requests.Response:
    body = {"sender": sender, "message": text, **({"metadata": {"turn": turn}} if turn else {})}
    return requests.post(f"{base_url}/webhooks/rest/webhook", json=body, timeout=REQUEST_TIMEOUT_S)


def reply_text(response: requests.Response) -> str:
    return "\n".join(message.get("text") or "" for message in response.json())


def answered(response: requests.Response) -> bool:
    return response.status_code == 200 and bool(reply_text(response).strip())


def stored_events(db, sender: str) -> List[dict]:
    with db.cursor() as cursor:
        cursor.execute("SELECT data FROM events WHERE sender_id = %s ORDER BY id", (sender,))
        return [json.loads(data) for (data,) in cursor.fetchall()]


def stored_user_turns(db, sender: str) -> List[Tuple[str, Optional[str]]]:
    """(text, turn id from the metadata) of every stored user message, in order."""
    return [
        (event["text"], (event.get("metadata") or {}).get("turn"))
        for event in stored_events(db, sender)
        if event["event"] == "user"
    ]


def webhook_calls(cluster: ClusterRun, since: int) -> List[Tuple[str, str]]:
    """(replica host:port that gave the final answer, HTTP status) of every webhook call in
    the balancer's access log after byte ``since``."""
    with open(cluster.access_log, "rb") as log:
        log.seek(since)
        lines = log.read().decode("utf-8", errors="replace").splitlines()
    calls = []
    for line in lines:
        match = re.search(r'"POST /webhooks/rest/webhook [^"]*" (\d+) upstream=(.*?) upstream_status=', line)
        if match:
            calls.append((match.group(2).split(",")[-1].strip(), match.group(1)))
    return calls


def log_size(cluster: ClusterRun) -> int:
    return cluster.access_log.stat().st_size if cluster.access_log.exists() else 0


def test_only_the_channel_and_health_are_reachable_and_the_api_needs_the_token(cluster: ClusterRun) -> None:
    assert requests.get(f"{cluster.lb_url}/healthz", timeout=10).status_code == 200
    ready = requests.get(f"{cluster.lb_url}/readyz", timeout=10)
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
    token = {"token": cluster.api_token}
    for path in ("/conversations/x/tracker", "/status", "/version", "/", "/domain"):
        assert requests.get(f"{cluster.lb_url}{path}", params=token, timeout=10).status_code == 404, path
    assert (
        requests.post(f"{cluster.lb_url}/model/parse", params=token, json={"text": "hi"}, timeout=10).status_code == 404
    )
    for replica in cluster.replica_urls:
        assert requests.get(f"{replica}/webhooks/health/live", timeout=10).status_code == 200
        assert requests.get(f"{replica}/webhooks/health/ready", timeout=10).json()["status"] == "ready"
        assert requests.get(f"{replica}/conversations/x/tracker", timeout=10).status_code == 401
        assert (
            requests.get(
                f"{replica}/conversations/x/tracker", params={"token": "wrong-token-0123456789"}, timeout=10
            ).status_code
            == 401
        )
        assert requests.get(f"{replica}/status", params=token, timeout=10).status_code == 200


def test_context_is_kept_when_turns_alternate_between_replicas(cluster: ClusterRun, db) -> None:
    first, second = cluster.replica_urls
    for sender, (topic_on, follow_up_on) in {"alternate-1": (first, second), "alternate-2": (second, first)}.items():
        assert answered(say(topic_on, sender, "what does a collagen mask do?"))
        follow_up = say(follow_up_on, sender, "how often should I use it?")
        assert follow_up.status_code == 200
        assert "collagen mask" in reply_text(follow_up).lower() and "week" in reply_text(follow_up)
        assert [text for text, _ in stored_user_turns(db, sender)] == [
            "what does a collagen mask do?",
            "how often should I use it?",
        ]


def test_20_concurrent_conversations_of_10_turns_over_both_replicas(cluster: ClusterRun, db) -> None:
    conversations, log_start = 20, log_size(cluster)
    failures: List[str] = []

    def converse(number: int) -> List[Tuple[str, str]]:
        sender, sent = f"load-{number:02d}", []
        for index, text in enumerate(TURNS):
            turn = f"c{number:02d}-t{index}"
            response = say(cluster.lb_url, sender, text, turn)
            if not answered(response):
                failures.append(f"{turn}: HTTP {response.status_code} {response.text[:200]}")
            sent.append((text, turn))
        return sent

    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=conversations) as pool:
        sent = dict(zip(range(conversations), pool.map(converse, range(conversations))))
    print(f"\n{conversations * len(TURNS)} turns in {time.monotonic() - began:.1f}s")

    assert not failures, f"{len(failures)} messages not answered: {failures[:5]}"
    for number, turns in sent.items():
        assert stored_user_turns(db, f"load-{number:02d}") == turns
    served = [upstream for upstream, _ in webhook_calls(cluster, log_start)]
    assert len(served) == conversations * len(TURNS)
    for port in cluster.rasa_ports:
        share = sum(upstream.endswith(f":{port}") for upstream in served) / len(served)
        assert share > 0.2, f"replica on :{port} served {share:.0%} of the messages"


def test_two_messages_at_the_same_instant_on_two_replicas_are_both_handled_in_turn(cluster: ClusterRun, db) -> None:
    messages = ["what does a collagen mask do?", "how often should I exfoliate?"]
    for round_number in range(8):
        sender = f"same-instant-{round_number}"
        if round_number % 2:  # half the rounds on a conversation that exists already
            assert answered(say(cluster.replica_urls[0], sender, "why do pores sag?", "before"))
        barrier = threading.Barrier(2)

        def send(
            replica: int, barrier: threading.Barrier = barrier, sender: str = sender, round_number: int = round_number
        ) -> requests.Response:
            barrier.wait()
            return say(cluster.replica_urls[replica], sender, messages[replica], f"r{round_number}-{replica}")

        with ThreadPoolExecutor(max_workers=2) as pool:
            responses = list(pool.map(send, [0, 1]))
        assert all(answered(response) for response in responses), [r.text[:200] for r in responses]

        events = stored_events(db, sender)
        turns = [(event.get("metadata") or {}).get("turn") for event in events if event["event"] == "user"]
        # key=str: a message stored without a turn id (None) fails the comparison, not the sort
        assert sorted(turns[-2:], key=str) == [f"r{round_number}-0", f"r{round_number}-1"], (
            f"round {round_number}: {turns}"
        )
        assert len(turns) == (2 if round_number % 2 == 0 else 3)
        # One after the other: the first message's answer is stored before the second message.
        user_positions = [i for i, event in enumerate(events) if event["event"] == "user"][-2:]
        between = [event["event"] for event in events[user_positions[0] + 1 : user_positions[1]]]
        assert "bot" in between and between[-1] == "action", f"round {round_number}: {between}"


def test_a_burst_of_one_sender_through_the_balancer_is_answered_within_5_s_in_order(cluster: ClusterRun, db) -> None:
    sender, count = "burst-cluster", 20
    slowest, responses = send_burst(
        count, lambda number: say(cluster.lb_url, sender, TURNS[number % len(TURNS)], f"b{number:02d}")
    )
    print(f"\n{count} simultaneous messages of one sender over both replicas: all answered after {slowest:.2f}s")
    assert all(answered(response) for response in responses)
    assert slowest < 5.0
    assert sorted((turn for _, turn in stored_user_turns(db, sender)), key=str) == [f"b{n:02d}" for n in range(count)]


def test_a_killed_replica_is_restarted_and_no_request_fails_or_waits_out_the_lock(cluster: ClusterRun, db) -> None:
    """SIGKILL a replica under load: nginx passes its in-flight requests to the other replica
    (the same request id, so a turn the dead one saved is answered from the store, not handled
    twice), the supervisor starts it again, and a conversation whose lock the dead replica held
    waits at most the lease (3 s), not the lock lifetime."""
    conversations, turns_each = 10, 8
    total = conversations * turns_each
    acknowledged: Dict[str, List[str]] = {}
    attempts: List[Tuple[float, float, str, Optional[int]]] = []  # (start, seconds, turn, HTTP status or None)
    progress, progress_lock = [0], threading.Lock()

    def converse(number: int) -> None:
        sender = f"failover-{number:02d}"
        acknowledged[sender] = []
        for index in range(turns_each):
            turn = f"f{number:02d}-t{index}"
            for _ in range(6):
                started = time.time()
                try:
                    response: Optional[requests.Response] = say(cluster.lb_url, sender, TURNS[index], turn)
                except requests.RequestException:
                    response = None
                attempts.append(
                    (started, time.time() - started, turn, response.status_code if response is not None else None)
                )
                if response is not None and answered(response):
                    acknowledged[sender].append(turn)
                    break
                time.sleep(0.5)  # what a client does with a failed message: try it again
            with progress_lock:
                progress[0] += 1

    old_pid = cluster.pids()["rasa-2"]
    with ThreadPoolExecutor(max_workers=conversations) as pool:
        futures = [pool.submit(converse, number) for number in range(conversations)]
        while progress[0] < total // 3 and not all(f.done() for f in futures):
            time.sleep(0.05)
        killed_at = time.time()
        done_at_kill = progress[0]
        cluster.kill_replica("rasa-2")
        for future in futures:
            future.result()
    back_after = cluster.wait_replica_restarted("rasa-2", old_pid) - killed_at

    failed = [(started, turn, status) for started, _, turn, status in attempts if status != 200]
    slowest_after_kill = max(seconds for started, seconds, _, _ in attempts if started >= killed_at - 1)
    lost = {
        sender: [turn for turn in turns if turn not in {t for _, t in stored_user_turns(db, sender)}]
        for sender, turns in acknowledged.items()
    }
    report = {
        "process": "rasa replica",
        "killed_after_turns": done_at_kill,
        "requests": len(attempts),
        "failed_requests": len(failed),
        "lost_acknowledged_turns": sum(map(len, lost.values())),
        "slowest_request_after_kill_s": round(slowest_after_kill, 2),
        "ready_again_after_s": round(back_after, 1),
    }
    print(f"\nkilled rasa-2: {report}; failed: {failed}")
    cluster.record(report)
    assert all(len(turns) == turns_each for turns in acknowledged.values()), "a turn was never acknowledged"
    assert not failed
    assert report["lost_acknowledged_turns"] == 0, lost
    assert slowest_after_kill < cluster.lock_lifetime_s
    for sender, turns in acknowledged.items():
        # Every turn is stored once, in order: a retried request was never handled twice.
        assert [turn for _, turn in stored_user_turns(db, sender)] == turns, sender
    # The restarted replica takes messages again.
    assert answered(say(cluster.replica_urls[1], "after-restart", "why do pores sag?"))


def test_a_tracker_store_outage_refuses_messages_instead_of_forgetting_them(cluster: ClusterRun, db, database) -> None:
    sender = "outage-1"
    assert answered(say(cluster.lb_url, sender, "what does a collagen mask do?"))
    admin = pg_connect(cluster.settings, "postgres")
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:  # PostgreSQL goes away for this database, as in an outage
            cursor.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> %s",
                (database, db.get_backend_pid()),
            )
        refused = say(cluster.lb_url, sender, "why do pores sag?")
        assert refused.status_code == 503, refused.text[:300]
        ready = requests.get(f"{cluster.replica_urls[0]}/webhooks/health/ready", timeout=10)
        assert ready.status_code == 503 and "tracker_store" in ready.json()["problems"]
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')
        admin.close()
    for _ in range(5):  # the first try may meet a pooled connection that the outage broke
        follow_up = say(cluster.lb_url, sender, "how often should I use it?")
        if follow_up.status_code == 200:
            break
        time.sleep(0.5)
    assert "collagen mask" in reply_text(follow_up).lower() and "week" in reply_text(follow_up)
    # The refused message left nothing behind; the answered ones are all there.
    assert [text for text, _ in stored_user_turns(db, sender)] == [
        "what does a collagen mask do?",
        "how often should I use it?",
    ]


def test_everything_stopped_and_started_again_keeps_every_conversation(cluster: ClusterRun, db) -> None:
    with db.cursor() as cursor:
        cursor.execute("SELECT DISTINCT sender_id FROM events")
        senders = sorted(sender for (sender,) in cursor.fetchall())
    before = {sender: stored_user_turns(db, sender) for sender in senders}
    assert len(senders) >= 40
    pids = cluster.pids()

    cluster.stop()
    for name, pid in pids.items():
        try:
            with open(f"/proc/{pid}/stat") as stat:
                assert stat.read().split()[2] == "Z", f"{name} still running after the stop"
        except FileNotFoundError:
            pass
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{cluster.lb_url}/healthz", timeout=5)

    seconds = cluster.start()
    print(f"\nrestarted in {seconds:.0f}s")
    for index, sender in enumerate(senders):
        events = cluster.tracker_events(sender, replica=index % 2)
        user_turns = [(e["text"], (e.get("metadata") or {}).get("turn")) for e in events if e["event"] == "user"]
        assert user_turns == before[sender], sender
    follow_up = say(cluster.lb_url, "alternate-1", "how often should I use it?")
    assert "collagen mask" in reply_text(follow_up).lower() and "week" in reply_text(follow_up)
