"""Money and people are accounted for every step (DESIGN §5)."""

from __future__ import annotations

import numpy as np
import pytest

from sanyi.model import bookkeeping
from sanyi.model.bookkeeping import ConservationError
from sanyi.model.model import SanyiModel
from tests.conftest import annual, config


@pytest.mark.parametrize(("stock", "flow"), [("reserve_yuan", "pooled_balance_yuan"),
                                             ("total_reserve_yuan", "balance_yuan")])
def test_reserve_changes_by_revenue_minus_expenditure_each_year(
        small_run: SanyiModel, stock: str, flow: str) -> None:
    """The pooled reserve moves by the pooled balance; with the accounts, by the whole balance."""
    table = annual(small_run)
    for scheme in ("employee", "resident"):
        rows = table[table.scheme == scheme].sort_values("year")
        change = np.diff(rows[stock].to_numpy())
        balance = rows[flow].to_numpy()[1:]
        np.testing.assert_allclose(change, balance, rtol=1e-9)


def test_population_changes_by_births_migration_and_deaths(small_run: SanyiModel) -> None:
    rows = annual(small_run).query("scheme == 'all'").sort_values("year")
    change = np.diff(rows.persons.to_numpy())
    flows = (rows.births + rows.immigrants - rows.deaths - rows.emigrants).to_numpy()[1:]
    np.testing.assert_allclose(change, flows, rtol=1e-9)


def test_patients_and_funds_pay_exactly_what_hospitals_billed() -> None:
    model = SanyiModel(config())
    model.step()  # the model checks every month; here the identity is checked from outside
    earned = sum(h.revenue_month for h in model.hospital_list)
    assert earned > 0
    ledger = model.ledger.data[0]
    from sanyi.model.ledger import COLUMN

    paid = ledger[:, COLUMN["oop"]].sum() + ledger[:, COLUMN["fund_paid"]].sum()
    assert paid == pytest.approx(earned, rel=1e-9)


def test_a_leak_of_money_stops_the_run_with_the_figures() -> None:
    model = SanyiModel(config())
    fund = next(iter(model.funds))
    original = fund.settle_month

    def leaky(*args: float) -> float:
        share = original(*args)
        fund.pooled_reserve += 1_000.0  # money from nowhere
        return share

    fund.settle_month = leaky  # type: ignore[method-assign]
    with pytest.raises(ConservationError, match="reserve changed by"):
        model.step()


def test_rounding_of_billions_in_a_fund_near_zero_is_not_a_leak() -> None:
    """A depleted, topped-up fund's reserve change is a difference of billions of yuan and
    carries their rounding error (a 2040 frozen-policy run at 10^5 persons stopped on it),
    while a yuan from nowhere in a small fund is still a leak."""
    monthly_flows = 3e9
    assert bookkeeping._close(0.004, -0.003, scale=monthly_flows)
    assert not bookkeeping._close(1.0, 0.0, scale=1e6)


def test_a_lost_person_stops_the_run() -> None:
    model = SanyiModel(config())
    original = model.demography.births

    def births_without_record(pop, now):  # type: ignore[no-untyped-def]
        born = original(pop, now)
        extra = pop.allocate(1)
        pop.alive[extra] = True  # somebody appears without being born or immigrating
        return born

    model.demography.births = births_without_record  # type: ignore[method-assign]
    with pytest.raises(ConservationError, match="persons alive"):
        model.step()


def test_dispensing_never_exceeds_what_makers_can_deliver() -> None:
    """A price cap far below cost makes makers deliver half their capacity: prescriptions go
    short, yet no month dispenses more than was delivered (the model checks every month)."""
    model = SanyiModel(config("pricing.price_cap_share_of_list=0.01", size=3_000))
    model.run()
    table = annual(model).query("scheme == 'all'")
    assert table.shortage_rate.max() > 0


def test_a_pharmacy_dispensing_beyond_deliveries_stops_the_run() -> None:
    from sanyi.model import pharmacy

    model = SanyiModel(config())
    original = pharmacy.dispense

    def generous(*args, **kwargs):  # type: ignore[no-untyped-def]
        done = original(*args, **kwargs)
        done.deliverable[:] = done.delivered * 0.5  # makers could deliver only half of it
        return done

    pharmacy.dispense = generous
    try:
        with pytest.raises(ConservationError, match="its maker could deliver"):
            model.step()
    finally:
        pharmacy.dispense = original


# ---------------------------------------------------------------------------------------
# guards: quantities that cannot be what they are (model/bookkeeping.py ``guard``)
# ---------------------------------------------------------------------------------------


def test_a_negative_pooled_reserve_stops_the_run_naming_month_fund_and_quantity(
        monkeypatch: pytest.MonkeyPatch) -> None:
    model = SanyiModel(config(size=1000))
    monkeypatch.setattr(bookkeeping, "check", lambda *args: None)  # let the books go wrong
    fund = model.resident_fund
    original = fund.settle_month

    def overdrawn(*args: float) -> float:
        share = original(*args)
        fund.pooled_reserve = -5e6
        return share

    fund.settle_month = overdrawn  # type: ignore[method-assign]
    with pytest.raises(bookkeeping.InvariantError,
                       match=r"2024-01: resident fund: pooled reserve is -5,000,000; it must be >= 0"):
        model.step()


def test_a_negative_personal_account_is_found_only_with_debug() -> None:
    for debug in (False, True):
        model = SanyiModel(config(f"debug={str(debug).lower()}", size=1000))
        pop = model.population
        resident = int(np.flatnonzero(pop.alive & (pop.fund_of() == 1))[0])
        pop.account[resident] = -50.0  # a resident holds no account: nothing touches it
        if debug:
            with pytest.raises(bookkeeping.InvariantError, match="personal-account balance"):
                model.step()
        else:
            model.step()  # the cheap guards look at funds' totals, not at each person
