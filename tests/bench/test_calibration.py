"""bench/common.py stamps every result with the machine's calibration, and bench/summary.py shows it beside the
figures: results from machines of the same kind that differ twofold can be told apart."""

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load(name):
    sys.path.insert(0, str(BENCH))  # summary.py imports common as the benchmarks do
    try:
        spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCH))


@pytest.fixture
def common(tmp_path, monkeypatch):
    monkeypatch.setenv("BENCH_RESULTS_DIR", str(tmp_path))
    return _load("common")


def test_a_run_is_stamped_with_the_calibration_taken_at_its_start(common, tmp_path):
    run = common.Run()
    result = run.stamp({})
    speed = result["host"]["calibration"]
    assert speed == run.calibration
    assert 0 < speed["python_ms"] < 60_000 and 0 < speed["fsync_ms"] < 60_000
    assert list(tmp_path.iterdir()) == []  # the fsync file is removed


def test_the_summary_line_shows_the_calibration():
    summary = _load("summary")
    result = {"host": {"cpus": 2, "cpu_model": "AMD EPYC", "memory_gib": 23.5,
                       "calibration": {"python_ms": 79.7, "fsync_ms": 5.1}}}
    line = summary.on_what(result)
    assert "calibration: Python loop 79.7 ms, 50 fsyncs 5.1 ms" in line
    assert "calibration" not in summary.on_what({"host": {"cpus": 2}})  # older results have none
