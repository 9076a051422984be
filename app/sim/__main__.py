"""python -m app.sim: run the local Atlas Cloud simulator until interrupted."""

from __future__ import annotations

import argparse
import dataclasses
import signal
import sys
import threading
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path

from app.sim.faults import DEFAULT_DURATION_SPREAD, FAULTS, FaultPlan, FaultSpecError
from app.sim.server import SimServer
from app.sim.state import DEFAULT_BALANCE, DEFAULT_OUTPUT_TTL, DEMO_KEY


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be greater than 0")
    return value


def _non_negative(kind: type, what: str):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        if value < 0:
            raise argparse.ArgumentTypeError("must be 0 or more")
        return value
    return parse


_count = _non_negative(int, "a whole number")
_milliseconds = _non_negative(float, "a number of milliseconds")


def _spread(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError("must be from 0 to below 1, for example 0.1 for +-10%")
    return value


def _money(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{text!r} is not an amount in USD") from None


def build_parser() -> argparse.ArgumentParser:
    faults = "\n".join(f"  {name:<11} {text}" for name, text in FAULTS.items())
    parser = argparse.ArgumentParser(
        prog="python -m app.sim",
        description="Local Atlas Cloud simulator: the documented API on loopback, with real PNG/MP4 outputs.",
        epilog=f"Faults (--faults NAME=RATE,...; RATE as 0.1 or 10%):\n{faults}",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port (0 picks a free one; default 8765)")
    parser.add_argument("--speed", type=_positive, default=1.0,
                        help="divide every simulated generation time by this (default 1: real-life timings)")
    parser.add_argument("--faults", default="", help="fault spec, for example submit429=0.1,poll500=5%%")
    parser.add_argument("--seed", type=int, default=0, help="seed for fault decisions and timing jitter")
    parser.add_argument("--duration-spread", type=_spread, default=DEFAULT_DURATION_SPREAD, metavar="FRACTION",
                        help="each task takes its model's time within +-FRACTION, evenly spread "
                             f"(default {DEFAULT_DURATION_SPREAD:g}; 0 for exact times)")
    parser.add_argument("--time-factor", type=_positive, default=1.0, metavar="F",
                        help="every task takes F times its model's usual time (before --speed), which no "
                             "reply shows: a service slower or quicker than the client expects (default 1)")
    parser.add_argument("--queue-seconds", type=_non_negative(float, "a number of seconds"), default=0.0,
                        metavar="N", help="each task waits 0 to N seconds (evenly spread) in 'starting' "
                        "before it runs, as when the provider queues work (before --speed; default 0)")
    parser.add_argument("--log", type=Path, help="append a JSON line per request to this file")
    parser.add_argument("--balance", type=_money, default=DEFAULT_BALANCE, help="starting balance in USD")
    parser.add_argument("--output-ttl", type=_positive, default=DEFAULT_OUTPUT_TTL,
                        help="seconds an output URL stays valid after completion (default 14 days)")
    parser.add_argument("--key", action="append", default=[],
                        help="an extra API key to accept (apikey-...); the demo key is always accepted")
    parser.add_argument("--data-dir", type=Path, help="keep outputs, uploads and a journal of tasks here, so a "
                        "restarted simulator still knows them (instead of a temporary folder)")
    parser.add_argument("--models", type=_count, default=0, metavar="N",
                        help="serve N generated models besides the bundled ones, for a catalog of real size "
                             "(the live one lists 150+)")
    parser.add_argument("--schema-latency", type=_milliseconds, default=0.0, metavar="MS",
                        help="delay every schema document by MS milliseconds, as a distant static host does "
                             "(the model list is not delayed)")
    parser.add_argument("--history-lag", type=_non_negative(float, "seconds"), default=0.0, metavar="S",
                        help="a new task shows in /api/v1/model/history only S seconds after its submit (default 0)")
    parser.add_argument("--history-seed", type=_count, default=0, metavar="N",
                        help="start with N finished generations \"made elsewhere\" in the history")
    parser.add_argument("--llm-chunk-delay", type=_non_negative(float, "seconds"), default=0.02, metavar="S",
                        help="seconds between the pieces of a streamed LLM reply (default 0.02)")
    parser.add_argument("--cheap-media", action="store_true",
                        help="make small real PNG/MP4 outputs with no text drawn, so a scale benchmark measures "
                             "the client rather than the simulator")
    # Benchmarks need very large outputs; a padded MP4 still plays.
    parser.add_argument("--pad-video-mb", type=int, default=0, help=argparse.SUPPRESS)
    # For a parent app: stop when its end of our stdin closes, even if it died without asking.
    parser.add_argument("--exit-with-stdin", action="store_true", help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        plan = dataclasses.replace(FaultPlan.parse(args.faults, seed=args.seed), duration_spread=args.duration_spread,
                                   time_factor=args.time_factor, queue_seconds=args.queue_seconds)
    except FaultSpecError as exc:
        print(f"error: --faults: {exc}", file=sys.stderr)
        return 2
    bad_keys = [key for key in args.key if not key.startswith("apikey-")]
    if bad_keys:
        print("error: --key values must look like apikey-...", file=sys.stderr)
        return 2
    server = SimServer(args.host, args.port, speed=args.speed, faults=plan, log_path=args.log,
                       balance=args.balance, output_ttl=args.output_ttl, keys=(DEMO_KEY, *args.key),
                       data_dir=args.data_dir, pad_video_bytes=args.pad_video_mb * 1024 * 1024,
                       persist=args.data_dir is not None, clock=time.time, extra_models=args.models,
                       schema_latency=args.schema_latency / 1000, history_lag=args.history_lag,
                       history_seed=args.history_seed, llm_chunk_delay=args.llm_chunk_delay,
                       cheap_media=args.cheap_media)
    try:
        server.start()
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    if args.exit_with_stdin:
        threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), name="parent-watch", daemon=True).start()
    print(f"Atlas simulator listening on {server.base_url}", flush=True)
    print(f"  demo key: {DEMO_KEY}   speed: x{args.speed:g}   faults: {plan.describe()}   "
          f"balance: ${args.balance}", flush=True)
    print(f"  models: {len(server.state.catalog.models)}   schema latency: {args.schema_latency:g} ms   "
          f"time factor: x{args.time_factor:g}   queue: 0-{args.queue_seconds:g} s", flush=True)
    print("  nothing here is real: outputs are generated locally. Ctrl+C stops it.", flush=True)
    stop.wait()
    server.stop()
    print("simulator stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
