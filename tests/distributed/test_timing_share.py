"""A fleet learns generation times like one process: finishes go through the batch's Redis
(a real redis-server, as the other fleet tests use)."""

from __future__ import annotations

import threading
import time as real_time

import pytest
import redis

from app.distributed.timing_share import RedisTimingShare
from app.engine.atlas.catalog import Catalog
from app.engine.jobs.spec import JobSpec
from app.engine.run.runner import Limits
from app.engine.run.timing import TimingModel
from tests.engine.run.test_timing import FLUX, TimedAtlas
from tests.fakes.runs import new_runner

INPUTS = {"prompt": "p", "size": "1024*1024"}


@pytest.fixture
def redis_client(redis_url):
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    yield client
    client.close()


@pytest.fixture(scope="module")
def flux():
    return Catalog.snapshot().get(FLUX)


def test_a_finish_in_one_worker_is_learned_by_the_others_of_its_batch_only(redis_client, flux):
    one = TimingModel(share=RedisTimingShare(redis_client, "batch-a"))
    other = TimingModel(share=RedisTimingShare(redis_client, "batch-a"))
    stranger = TimingModel(share=RedisTimingShare(redis_client, "batch-b"))
    prior = one.prior(flux, INPUTS)
    for _ in range(8):
        one.observe(flux, INPUTS, 0.5 * prior - 0.1, 0.5 * prior + 0.1)  # twice as quick as the prior
    assert other.learned_elsewhere()
    learned = other.estimate(flux, INPUTS)
    assert learned.basis == "learned" and learned.samples == 8
    assert learned.centre == pytest.approx(0.5 * prior, rel=0.02)
    assert not stranger.learned_elsewhere() and stranger.estimate(flux, INPUTS).basis == "prior"
    # Its own finishes come back from Redis too, and are not counted twice.
    one.learned_elsewhere()
    assert one.estimate(flux, INPUTS).samples == 8
    assert not other.learned_elsewhere()  # nothing new since the last look
    one.observe(flux, INPUTS, 0.5 * prior - 0.1, 0.5 * prior + 0.1)
    assert other.learned_elsewhere() and other.estimate(flux, INPUTS).samples == 9


def test_a_redis_that_went_away_costs_only_the_sharing(redis_url, flux):
    client = redis.Redis.from_url(redis_url.replace(redis_url.rsplit(":", 1)[1], "1/0"), decode_responses=True,
                                  socket_connect_timeout=0.2)
    timing = TimingModel(share=RedisTimingShare(client, "batch-a"))
    timing.observe(flux, INPUTS, 4.9, 5.1)  # publishing fails quietly
    assert not timing.learned_elsewhere() and timing.estimate(flux, INPUTS).basis == "learned"
    client.close()


def test_a_job_waiting_to_poll_in_one_worker_is_woken_by_a_finish_in_another(redis_client, tmp_path):
    """Real time, briefly (as the runner's own wake-up test): worker B's job waits on a cold grid
    when worker A's sibling finishes; B replans from what A taught and is noticed promptly."""
    catalog = Catalog.snapshot()
    scale = 0.05  # the prior says 10 s: 0.5 s here; A's job takes 0.1 s, B's 0.35 s
    worker_a = TimingModel(scale=scale, share=RedisTimingShare(redis_client, "fleet"))
    worker_b = TimingModel(scale=scale, share=RedisTimingShare(redis_client, "fleet"))
    replans: list[float] = []
    make_schedule = worker_b.schedule

    def watched(model, inputs, **options):
        schedule = make_schedule(model, inputs, **options)
        replan = schedule.replan
        schedule.replan = lambda *args: (replans.append(args[1]), replan(*args))[1]
        return schedule

    worker_b.schedule = watched
    clock_zero = real_time.monotonic()
    fake = TimedAtlas(real_time.monotonic, {"first": 0.1, "second": 0.35})

    def run(timing, prompt, folder):
        job = [JobSpec(prompt, FLUX, {"prompt": prompt, "size": "1024*1024"})]
        return new_runner(job, catalog, tmp_path / folder, limits=Limits(concurrency=1), client=fake,
                          timing=timing).run()

    results = {}
    thread = threading.Thread(target=lambda: results.setdefault("a", run(worker_a, "first", "a")))
    thread.start()
    results["b"] = run(worker_b, "second", "b")
    thread.join()
    assert [results[w].records[0].state.value for w in "ab"] == ["done", "done"]
    assert replans, "worker B never heard of worker A's finish"
    assert real_time.monotonic() - clock_zero < 5
