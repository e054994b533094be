"""What ``sanyi-run`` shows a person: a progress bar while it runs, a KPI table at the end."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

KPIS = (
    ("final_reserve_months_employee",
     "Employee pooled reserve, months of its spending (final year)", "{:.1f}"),
    ("final_reserve_months_resident",
     "Resident pooled reserve, months of its spending (final year)", "{:.1f}"),
    ("first_deficit_year_employee", "Employee pooled fund: first year with a deficit", "{}"),
    ("first_deficit_year_resident", "Resident pooled fund: first year with a deficit", "{}"),
    ("depletion_year_employee", "Employee fund: year the pooled reserve ran out", "{}"),
    ("depletion_year_resident", "Resident fund: year the pooled reserve ran out", "{}"),
    ("final_account_balance_yuan", "Personal accounts (not in the reserve), yuan",
     "{:,.0f}"),
    ("fund_spending_growth_pct_per_year", "Fund spending per enrollee, growth %/yr", "{:.2f}"),
    ("oop_share", "Out-of-pocket share of spending (final year)", "{:.1%}"),
    ("financing_gap_share_mean", "Financing gap, share of pooled revenue (mean of years)",
     "{:.1%}"),
    ("qalys_per_10k_fund_yuan", "QALYs per 10,000 real yuan of fund spending (discounted)",
     "{:.3f}"),
    ("catastrophic_rate", "Catastrophic health expenditure rate", "{:.1%}"),
    ("chronic_control_rate", "Chronic-disease control rate", "{:.1%}"),
)


@contextmanager
def progress_bar(total: int, label: str, done: int = 0) -> Iterator[Callable[[int], None]]:
    """A progress bar over simulated months (``done`` already, for a continued run); yields a
    callback taking the months done."""
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("months"), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True)) as progress:
        task = progress.add_task(label, total=total, completed=done)
        yield lambda done: progress.update(task, completed=done)


def format_kpi(value: Any, fmt: str) -> str:
    if value is None:
        return "none"
    return fmt.format(value)


def kpi_table(summary: dict[str, Any], out_dir: Path, console: Console | None = None) -> None:
    console = console or Console()
    table = Table(title="sanyi: key results")
    table.add_column("KPI")
    table.add_column("value", justify="right")
    for key, text, fmt in KPIS:
        table.add_row(text, format_kpi(summary.get(key), fmt))
    for key, text in region_rows(summary):
        table.add_row(text, format_kpi(summary[key], "{}"))
    console.print(table)
    console.print(f"outputs: {out_dir.resolve()}")


def region_rows(summary: dict[str, Any]) -> list[tuple[str, str]]:
    """A province's regions (``population=province``): (key, text) of each region's depletion
    years, in the regions' order; a single prefecture has none."""
    rows = []
    for key in summary:
        name, found, fund = key.removeprefix("region_").partition("_depletion_year_")
        if key.startswith("region_") and found:
            rows.append((key, f"{name}: year the {fund} pooled reserve ran out"))
    return rows
