#!/usr/bin/env python3
"""Where the daemon's time goes, from a `perf record -g` profile of `leadscore run`.

    Benchmarks/Kafka/perf-stages.py PERF_DATA [TOP=25]

(`E2E_PERF=FILE Benchmarks/Kafka/end-to-end.sh ...` records one over the daemon's throughput
window.) Runs `perf script`, demangles Swift symbols with `swift demangle --simplified`, and prints:

1. samples per thread;
2. the top symbols by self time, each with the stage its samples fall in;
3. the top symbols by inclusive time (once per sample however often a symbol is on the stack);
4. every sample put in one stage (below), two ways: with allocation/ARC and locks counted inside
   the stage that caused them, and with them pulled out as stages of their own.

A sample's stage is that of the innermost frame matching a stage rule (STAGES below): a memmove
under RDKafkaConsumerCore.poll is "copy", a Hasher call under LeadBook.apply is "scoring". When
the leaf itself is an allocator / reference counting / value-witness copy or a lock / futex, the
sample is also tagged alloc/ARC or locks. librdkafka is built without frame pointers, so its
threads' stacks end at the leaf: their samples are placed by leaf symbol (fetch parsing ->
consume, message set writing -> produce), and what is left (socket I/O, queues, timers) goes to
the role the rest of that thread's samples show (a thread serves either the consumer or the
producer client).
"""
import collections
import re
import subprocess
import sys

STAGES = [
    # (stage, regex on the demangled symbol); innermost matching frame wins.
    ("json", r"JSONWriter|\bwrite\(to:\)|appendJSON|appendRFC3339|\.json\(\)"),
    ("produce", r"closure #\d+ in OutputPublisher\.enqueue|rdKafkaDeliveryCallback|KafkaDeliveryBox|rd_kafka_poll_cb|rd_kafka_dr_"),
    ("headers", r"OutputPublisher\.dedupeKey|KafkaHeader\.init|idempotencyKey|makeHeaders|OutputPublisher\.enqueue|KafkaOutgoingHeaders"),
    ("produce", r"KafkaProducer|leadscore_produce|rd_kafka_produce|rd_kafka_msg_|rd_kafka_msgset_writer|rd_kafka_toppar_producer|"
                r"ProduceRequest|rd_kafka_msgq|rd_kafka_handle_Produce|OutputPublisher\.(send|publish)|rd_kafka_broker_produce|"
                r"rd_kafka_msgbatch|rd_kafka_idemp|rd_crc32c"),
    ("decode", r"EventDecoder|JSONScanner|EventBuilder|EventField|parseRFC3339|Timestamp\.parse|InputEvent"),
    ("scoring", r"LeadBook|RepBook|ScoringEngine|ScoringModel|LeadRecord|LeadIDTable|IntentPool|RepRecord|RoutingDecision|"
                r"RoutingCandidate|ScoreBreakdown\.init|QualityScore|exp2|pow\b|\bexp\b"),
    ("copy", r"RDKafkaConsumerCore\.(makeMessage|poll|topicName)|KafkaMessage|KafkaRecordBatch"),
    ("consume", r"rd_kafka_consume|rd_kafka_q_|rd_kafka_fetch|rd_kafka_msgset_reader|rd_kafka_toppar_fetch|FetchRequest|"
                r"rd_kafka_op_|rd_kafka_offset|rd_kafka_message_destroy|KafkaConsumer\.poll|rd_kafka_handle_Fetch|"
                r"rd_kafka_broker_fetch|rd_kafka_aborted|rd_kafka_toppar_op|rd_kafka_cgrp"),
    ("snapshot", r"Snapshot|serialize\(into|fsync|XXH|Checksum64"),
    ("http", r"NIO|Hummingbird|HTTPEndpoints|summaryJSON|metricsText|Prometheus|bucketCounts|DaemonLiveState"),
    ("pipeline", r"Pipeline\.|PartitionState|DeadLetter|DaemonMetrics|RepFeed"),
]
STAGES = [(name, re.compile(rx)) for name, rx in STAGES]

ALLOC = re.compile(
    r"^(malloc|_int_malloc|_int_free|_int_realloc|cfree|free|__libc_calloc|__libc_malloc|__libc_free|calloc|realloc|"
    r"unlink_chunk|malloc_consolidate|__malloc_usable_size|sysmalloc|tcache_|_ZN5swift9RefCounts|swift::RefCounts|"
    r"swift_retain|swift_release|swift_bridgeObject|swift_allocObject|swift_deallocObject|swift_deallocClassInstance|"
    r"swift_isUniquelyReferenced|swift_slowAlloc|swift_slowDealloc|swift_arrayDestroy|swift_arrayInitWith|"
    r"swift_unknownObject|_swift_release_dealloc|initializeWithCopy for|destroy for|assignWithCopy for|"
    r"assignWithTake for|initializeWithTake for|outlined copy|outlined destroy|outlined retain|outlined release|"
    r"outlined init with copy|outlined assign with copy|_ZN5swift12metadataimpl)|__deallocating_deinit|"
    r"_ContiguousArrayStorage\.__deallocating")
PAGE_FAULT = re.compile(r"page_fault|do_anonymous_page|clear_page|handle_mm_fault")
LOCKS = re.compile(r"pthread_mutex|mtx_lock|mtx_unlock|__lll_lock|_MutexHandle|NSLock|pthread_cond|futex|rt_mutex|"
                   r"os_unfair|pthread_rwlock|cnd_wait|cnd_signal|cnd_broadcast")
ROOTS = re.compile(r"^(start_thread|clone3|__clone3|__clone|\[unknown\]|_start|__libc_start|main$|"
                   r".*Thread\.main|.*NSThreadStart)")

LABELS = {
    "consume": "librdkafka consume (poll, fetch, parse)",
    "copy": "copying messages to Swift arrays",
    "decode": "decode (JSON -> InputEvent)",
    "scoring": "scoring and routing (LeadBook, RepBook)",
    "json": "JSON rendering of outputs",
    "headers": "headers and dedupe-key Strings",
    "produce": "produce (Swift + librdkafka, delivery reports)",
    "pipeline": "other: pipeline bookkeeping (state copies, dictionaries, clock, metrics)",
    "snapshot": "other: snapshots",
    "http": "other: HTTP server (the benchmark's /metrics polling)",
    "other": "other (kernel scheduling, runtime, unattributed)",
}
ORDER = ["consume", "copy", "decode", "scoring", "json", "headers", "produce", "pipeline", "snapshot", "http", "other"]


def samples(path):
    script = subprocess.run(["perf", "script", "-i", path, "-F", "comm,tid,period,ip,sym,dso", "--no-demangle"],
                            capture_output=True, check=True).stdout
    text = subprocess.run(["swift", "demangle", "--simplified"], input=script, capture_output=True, check=True).stdout
    for block in text.decode("utf-8", "replace").split("\n\n"):
        lines = [l for l in block.split("\n") if l.strip()]
        if not lines:
            continue
        head = lines[0].split()
        try:
            tid = int(head[-2])
            comm = " ".join(head[:-2])
        except (ValueError, IndexError):
            continue
        frames = []
        for l in lines[1:]:
            m = re.match(r"\s*[0-9a-f]+ (.*) \((.*)\)$", l)
            if m:
                sym, dso = m.group(1), m.group(2)
                frames.append((re.sub(r"\+0x[0-9a-f]+$", "", sym), dso))
        if frames:
            yield comm, tid, frames


def classify(frames):
    """(stage or None, leaf kind) of one sample; frames are leaf first."""
    leaf, leaf_dso = frames[0]
    kind = None
    kernel = [s for s, d in frames if d == "[kernel.kallsyms]"]
    if ALLOC.search(leaf):
        kind = "alloc"
    elif LOCKS.search(leaf) or any("futex" in s for s in kernel):
        kind = "locks"
    elif leaf_dso == "[kernel.kallsyms]" and any(PAGE_FAULT.search(s) for s in kernel):
        kind = "alloc"
    for sym, dso in frames:
        if dso == "[kernel.kallsyms]":
            continue
        for stage, rx in STAGES:
            if rx.search(sym):
                return stage, kind
    return None, kind


def pct(n, total):
    return f"{100.0 * n / total:5.1f}%"


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    data = list(samples(sys.argv[1]))
    total = len(data)
    if total == 0:
        sys.exit("no samples")
    threads = collections.Counter()
    names = {}
    classified = []
    role_votes = collections.defaultdict(collections.Counter)
    for comm, tid, frames in data:
        threads[tid] += 1
        names[tid] = comm
        stage, kind = classify(frames)
        classified.append((comm, tid, frames, stage, kind))
        if stage in ("consume", "produce"):
            role_votes[tid][stage] += 1

    stage_of = []
    for comm, tid, frames, stage, kind in classified:
        if stage is None and comm.startswith("rdk:") and role_votes[tid]:
            stage = role_votes[tid].most_common(1)[0][0]
        stage_of.append((stage or "other", kind))

    print(f"# {total} samples (cpu-clock), all threads of the daemon")
    print("\n## samples per thread")
    for tid, n in threads.most_common(12):
        role = role_votes[tid].most_common(1)[0][0] if role_votes[tid] else ""
        print(f"{pct(n, total)}  {names[tid]:<18} tid {tid} {role}")

    print(f"\n## top {top} symbols by self time (stage of their samples)")
    self_count = collections.Counter()
    self_stage = collections.defaultdict(collections.Counter)
    for (comm, tid, frames, _, _), (stage, kind) in zip(classified, stage_of):
        leaf = frames[0][0]
        self_count[leaf] += 1
        self_stage[leaf][stage] += 1
    for sym, n in self_count.most_common(top):
        stages = ", ".join(f"{s} {100 * c // n}%" for s, c in self_stage[sym].most_common(2))
        print(f"{pct(n, total)}  {sym[:90]:<90}  [{stages}]")

    print(f"\n## top {top} symbols by inclusive time (thread entry points left out)")
    incl = collections.Counter()
    for comm, tid, frames, _, _ in classified:
        for sym in {s for s, d in frames if not ROOTS.match(s)}:
            incl[sym] += 1
    for sym, n in incl.most_common(top):
        print(f"{pct(n, total)}  {sym[:110]}")

    print("\n## stages")
    by_stage = collections.Counter()
    by_stage_kind = collections.defaultdict(collections.Counter)
    for stage, kind in stage_of:
        by_stage[stage] += 1
        by_stage_kind[stage][kind] += 1
    print(f"{'stage':<74} {'all':>6} {'alloc/ARC':>10} {'locks':>6} {'rest':>6}")
    for stage in ORDER:
        n = by_stage[stage]
        k = by_stage_kind[stage]
        print(f"{LABELS[stage]:<74} {pct(n, total):>6} {pct(k['alloc'], total):>10} {pct(k['locks'], total):>6} "
              f"{pct(n - k['alloc'] - k['locks'], total):>6}")
    alloc = sum(k["alloc"] for k in by_stage_kind.values())
    locks = sum(k["locks"] for k in by_stage_kind.values())
    print(f"{'allocation/ARC, all stages':<74} {pct(alloc, total):>6}")
    print(f"{'locks, all stages':<74} {pct(locks, total):>6}")


if __name__ == "__main__":
    main()
