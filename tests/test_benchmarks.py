"""The benchmark scripts at tiny sizes, so that they cannot rot (no timing is asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import reference_agent_per_patient as reference  # noqa: E402
import run_benchmark  # noqa: E402


def test_reference_runs_the_patient_rules() -> None:
    """Persons are agents; they seek and pay for care, die and are born."""
    result = reference.measure(2_000, 3)
    assert result["months"] == 3
    assert result["episodes"] > 1_000  # about half a care episode per person-month
    assert result["deaths"] > 0
    assert 1_900 < result["alive_at_end"] < 2_100
    assert result["fund_paid"][0] > 0 and result["fund_paid"][1] > 0
    assert result["fund_paid"][2] == 0  # the uninsured pay everything themselves


def test_reference_agents_are_mesa_agents() -> None:
    model = reference.ReferenceModel(500, 1)
    assert len(model.agents) == model.source.population.n_alive
    assert all(isinstance(a, reference.Patient) for a in model.agents)


def test_benchmark_worker_times_drg_months() -> None:
    """The worker of the full model warms up a fee-for-service year, then times DRG months."""
    out = subprocess.run(
        [sys.executable, str(BENCHMARKS / "run_benchmark.py"), "--one", "2000", "12"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result = json.loads(out.strip().splitlines()[-1])
    assert result["payment"] == "drg"
    assert result["months"] == 12
    assert result["hospitals"] == 35
    assert result["person_months_per_s"] > 0
    assert result["peak_rss_bytes"] >= result["rss_after_import_bytes"] > 0


def test_many_institutions_counts() -> None:
    assert sum(run_benchmark.hospital_counts(1_000)) == 1_000
    assert run_benchmark.hospital_counts(35) == (24, 8, 3)


def test_many_suppliers_catalogue(tmp_path: Path) -> None:
    from sanyi.model.market import Market, catalogue_vocabulary
    from sanyi.model.user_tables import catalogue_rows

    path = run_benchmark.catalogue_with_suppliers(200, tmp_path)
    rows = catalogue_rows(str(path), *catalogue_vocabulary())
    assert Market.load(rows).n_suppliers == 200


@pytest.mark.parametrize(("value", "status"), [(0.5, "NOT met"), (60.0, "met"), (None, "not measured")])
def test_ratio_verdicts(value: float | None, status: str) -> None:
    assert run_benchmark.verdict("reference", value)[1] == status


def test_ratios_without_measurements_say_so() -> None:
    rows = run_benchmark.ratios({"results": [], "peer": {"installed": False}})
    peer = next(r for r in rows if r["key"] == "peer")
    assert peer["status"] == "not measured" and "not installed" in peer["note"]
    assert {r["key"] for r in rows} == set(run_benchmark.TARGETS)


def test_reference_seeks_as_much_care_as_the_model() -> None:
    """The reference runs the model's patient rules: its episodes per person-month match the
    model's (default config, same persons and seed) within sampling noise."""
    import logging

    from sanyi.model.configure import compose
    from sanyi.model.model import SanyiModel

    logging.getLogger("MESA").setLevel(logging.WARNING)
    persons, months = 3_000, 3
    model = SanyiModel(
        compose(
            [
                f"population.size={persons}",
                "population.start_year=2025",
                "population.end_year=2025",
                "progress=false",
            ]
        )
    )
    billed = 0
    for _ in range(months):
        month = model.begin_month()
        billed += len(month.episodes)
        model.finish_month(month)
    ours = reference.measure(persons, months)["episodes"]
    assert abs(ours / billed - 1) < 0.1


def test_ratios_from_measurements() -> None:
    def row(size: int, seconds: float, **extra: float) -> dict:
        return {
            "size": size,
            "months": 24,
            "run_seconds_median": seconds,
            "person_months_per_s_median": size * 24 / seconds,
            "peak_rss_bytes_per_person": 300.0,
            "hospitals": 35,
            "suppliers": 84,
            **extra,
        }

    payload = {
        "results": [row(100_000, 2.0), row(1_000_000, 18.0)],
        "institutions": row(100_000, 3.0),
        "peer": {
            "installed": True,
            "size": 1_000_000,
            "version": "x",
            "person_months_per_s_median": 24e6 / 9.0,
        },
        "reference": {"size": 100_000, "person_months_per_s_median": 24e5 / 200.0},
    }
    values = {r["key"]: (r["value"], r["status"]) for r in run_benchmark.ratios(payload)}
    assert values["linear_persons"] == (9.0, "met")
    assert values["institutions"] == (1.5, "met")
    assert values["peer"] == (0.5, "NOT met")
    assert values["reference"] == (100.0, "met")
    assert values["rss_per_person"] == (300.0, "NOT met")
    assert values["ten_million_gib"] == (None, "not measured")
