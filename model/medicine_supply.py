"""Medicine supply: the market, the procurement agency, suppliers and the pharmacy, together.

``SanyiModel`` calls four things: ``start_year`` (January: prices, tenders, prescribing),
``dispense`` (each month, after hospitals treat: prescriptions filled from deliveries),
``book`` (the month's sales) and ``close_year`` (December: suppliers' accounts, exits, entry
and what makers learned from the year's tenders). The market (``sanyi.model.market``) is the
one state all of them read and write.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from mesa.agent import AgentSet

from sanyi.agents.prescribing import (
    calibrate_preference,
    class_mean_price,
    pricing_response,
    product_shares,
)
from sanyi.agents.procurement import ProcurementAgency
from sanyi.agents.supplier import Supplier, learn
from sanyi.model import inputs, pharmacy
from sanyi.model.batches import ADMISSION, Claims
from sanyi.model.market import Market
from sanyi.model.policies import plugin

if TYPE_CHECKING:
    from sanyi.agents.hospital import Hospital
    from sanyi.model.model import SanyiModel


class MedicineSupply:
    """Owns the medicines market and runs its phases for the model."""

    def __init__(self, model: SanyiModel) -> None:
        cfg = model.cfg
        self.model = model
        self.market = Market.load(_user_catalogue(cfg.market.catalogue))
        self.procurement = plugin.build(cfg.procurement)
        behaviour = cfg.behaviour.supplier
        self.behaviour = behaviour
        self.prescribing = cfg.behaviour.prescribing
        self.agency = ProcurementAgency(model, self.procurement, self.market,
                                        behaviour.floor_margin, behaviour.capacity_headroom)
        self.supplier_list = [Supplier(model, k, name, self.market, behaviour)
                              for k, name in enumerate(self.market.supplier_names)]
        self.suppliers = AgentSet(self.supplier_list, random=model.random)
        self.belief = behaviour.prior_loser_retention
        self.preference = np.array([
            calibrate_preference(self.market, share, self.prescribing)
            for share in cfg.behaviour.hospital.originator_share.as_tuple()])
        n = self.market.n_products
        self.units_year, self.units_last_year = np.zeros(n), np.zeros(n)
        self.fund_savings = np.zeros((2, len(model.hospital_list)))  # (funds, hospitals)
        self.savings_year = self.savings_last_year = 0.0
        self.service_charges_last_year = 0.0
        self.rows: list[dict] = []  # suppliers.parquet
        self.spending_year = np.zeros(n)
        self.yearly_units: dict[int, np.ndarray] = {}  # units dispensed per product, by year
        self.yearly_spending: dict[int, np.ndarray] = {}  # hospitals' purchases, yuan
        self.exits_this_year = 0
        self.entries_this_year = 0
        self.base_price = self.market.list_price * self._list_index(cfg.population.start_year)
        self._replay(cfg.population.start_year)

    # -- prices ---------------------------------------------------------------------------
    def _list_index(self, year: int) -> float:
        return self.model.prices.drug_list_index(year)

    def unit_cost(self, year: int) -> np.ndarray:
        """Unit costs of the year: production costs follow consumer prices (a product's cost
        does not drift with the basket), plus the cost of financing what hospitals owe."""
        cfg = self.model.cfg
        cpi = inputs.growth_index(cfg.scenario.cpi_path(), year, cfg.pricing.price_year)
        delay = self.procurement.payment_delay_months / 12
        return self.market.unit_cost * cpi * (1 + self.behaviour.financing_rate * delay)

    def full_cost(self, year: int) -> np.ndarray:
        """Unit cost plus the fixed cost of the capacity a unit needs (kept at
        ``capacity_headroom`` above use): what a bid must cover."""
        b = self.behaviour
        return self.unit_cost(year) * (1 + b.fixed_cost_share * (1 + b.capacity_headroom))

    def _replay(self, start_year: int) -> None:
        """Tenders that took place before the run: makers learn from published outcomes."""
        first = self.procurement.earliest_year()
        for year in range(first or start_year, start_year):
            index = self._list_index(year)
            self.agency.set_prices(year, index, self.model.cfg.pricing.price_cap_share_of_list)
            results = self.agency.run_tenders(year, index, self.full_cost(year),
                                              np.zeros(self.market.n_products), self.belief)
            if any(not r.renewal for r in results):
                self.belief = learn(self.belief, self.behaviour.published_loser_retention,
                                    self.behaviour.learning_rate)

    # -- January ----------------------------------------------------------------------------
    def start_year(self, year: int) -> None:
        """Prices and tenders of the year, then each tier's prescribing shares and the tariff."""
        index = self._list_index(year)
        self.agency.set_prices(year, index, self.model.cfg.pricing.price_cap_share_of_list)
        self.agency.run_tenders(year, index, self.full_cost(year), self.units_last_year,
                                self.belief)
        self.cost_now = self.unit_cost(year)
        self.index_now = index
        self.suppliers.do("start_year", year)
        for supplier in self.supplier_list:
            supplier.set_supply(self.cost_now)
        reference = np.nan_to_num(self.market.reference_price[self.market.molecule]) * index
        self.saving_per_unit = self._savings_per_unit(reference, index)
        mean_price = class_mean_price(self.market, index)
        markup = self.model.prices.markup
        self.tier_shares = np.stack([
            product_shares(self.market, b, self.prescribing, markup,
                           self.procurement.savings_retained_share, reference, mean_price, year)
            for b in self.preference])
        self.model.tariff.refresh(self.tier_shares)

    def _savings_per_unit(self, reference: np.ndarray, index: float) -> np.ndarray:
        """What a unit costs less because of tenders: a winner against its molecule's mean
        pre-tender price, another maker of a tendered molecule against its own list price
        (the non-winner price cap)."""
        m = self.market
        tendered = self.agency.tendered[m.molecule]
        winner = np.maximum(reference - m.price, 0.0)
        other = np.maximum(m.list_price * index - m.price, 0.0)
        return np.where(m.winner, winner, np.where(tendered, other, 0.0))

    def prescribe(self, hospital: Hospital) -> tuple[np.ndarray, float, float]:
        """A hospital's prescribing for the year: its tier's shares, and its response to the
        markup (acute doses per case, service intensity) on last year's charges."""
        volume, scale = pricing_response(self.prescribing, self.model.prices.markup,
                                         hospital.year.drug_charges, hospital.year.service_charges)
        return self.tier_shares[hospital.tier], volume, scale

    def hospitals_decided(self) -> None:
        """Hospitals' prescribing for the year, as the pharmacy's lookup table."""
        shares = np.stack([h.decisions.product_share for h in self.model.hospital_list])
        self.pick_table = pharmacy.PickTable.build(shares, self.market)

    # -- each month -----------------------------------------------------------------------
    def dispense(self, claims: Claims) -> np.ndarray:
        """Fill the month's prescriptions and write drug charges into the claims; returns
        (persons, condition bits) of chronic patients who went without a month of a drug."""
        model, m = self.model, self.market
        hospitals = model.hospital_list
        e = claims.episodes
        volume = np.array([h.decisions.drug_volume for h in hospitals])
        lines = pharmacy.prescription_lines(claims, model.tariff, m, volume)
        prescribed = pharmacy.prescribe(lines, e.hospital, self.pick_table)
        done = pharmacy.dispense(lines, prescribed, m, self.prescribing.substitution_share)
        self.done = done
        self._charge(claims, done)
        self._book_hospitals(claims, done)
        missed = ~done.filled & (lines.condition_bit >= 0)
        return e.person[lines.episode[missed]], lines.condition_bit[missed]

    def _charge(self, claims: Claims, done: pharmacy.Dispensed) -> None:
        m, n = self.market, len(claims)
        filled = done.filled
        product, episode = done.product[filled], done.lines.episode[filled]
        units = done.lines.units[filled]
        charge = units * self.model.tariff.drug_price[product]
        device = m.device[product]
        claims.drug_charge = np.bincount(episode[~device], charge[~device], n)
        claims.consumable_charge = np.bincount(episode[device], charge[device], n)
        claims.drug_cost = np.bincount(episode, units * m.price[product], n)
        claims.drug_saving = np.bincount(episode, units * self.saving_per_unit[product], n)
        stent = done.lines.drug_class == m.class_index("stent")
        claims.procedure[:] = False
        claims.procedure[done.lines.episode[stent & done.filled]] = True
        e = claims.episodes
        self_pay = np.array([h.decisions.self_pay_share for h in self.model.hospital_list])
        claims.self_pay_charge = np.where(e.kind == ADMISSION,
                                          self_pay[e.hospital] * claims.total_charge, 0.0)

    def _book_hospitals(self, claims: Claims, done: pharmacy.Dispensed) -> None:
        hospitals, n = self.model.hospital_list, self.market.n_products
        filled = done.filled
        product = done.product[filled]
        units = done.lines.units[filled]
        at = claims.episodes.hospital[done.lines.episode[filled]].astype(np.int64)
        purchases = np.bincount(at * n + product, units, len(hospitals) * n).reshape(-1, n)
        cost = np.bincount(at, units * self.market.price[product], len(hospitals))
        charges = np.bincount(at, units * self.model.tariff.drug_price[product], len(hospitals))
        for h, hospital in enumerate(hospitals):
            hospital.book_dispensing(purchases[h], float(cost[h]), float(charges[h]))

    def note_fund_savings(self, claims: Claims, item_based: np.ndarray) -> None:
        """What the funds saved this month on claims they pay by item (fund k, hospital h):
        the charges saved on tender winners' products, in proportion to the fund's share of
        each claim. Under case rates, budgets or capitation the saving stays with hospitals."""
        e, h = claims.episodes, len(self.model.hospital_list)
        share = claims.fund_pay / np.maximum(claims.total_charge, 1e-9)
        saved = claims.drug_saving * (1 + self.model.prices.markup) * share * item_based
        paying = e.fund < 2
        key = e.fund[paying].astype(np.int64) * h + e.hospital[paying]
        self.fund_savings += np.bincount(key, saved[paying], 2 * h).reshape(2, h)

    def book(self) -> np.ndarray:
        """Suppliers book the month's deliveries; returns each supplier's sales."""
        delivered = self.done.delivered
        for supplier in self.supplier_list:
            supplier.sell(delivered, self.cost_now)
        self.units_year += delivered
        self.spending_year += delivered * self.market.price
        self.savings_year += float(delivered @ self.saving_per_unit)
        return np.array([s.revenue_month for s in self.supplier_list])

    # -- December -------------------------------------------------------------------------
    def retained_savings(self) -> np.ndarray:
        """What each fund pays each hospital for its share of the year's savings on tender
        winners (funds, hospitals): the retained share of what the fund saved."""
        return self.procurement.savings_retained_share * self.fund_savings

    def close_year(self, year: int) -> None:
        """Makers learn from this year's tenders, enter, close their books and may leave."""
        observed = self.agency.loser_retention(year, self.units_year)
        self.belief = learn(self.belief, observed, self.behaviour.learning_rate)
        self.entries_this_year = self._entry(year)
        before = sum(s.exited_in is not None for s in self.supplier_list)
        molecule = np.bincount(self.market.molecule, self.units_year, len(self.market.molecules))
        expected = np.maximum(self.units_year,
                              self.market.volume_share_floor * molecule[self.market.molecule]) / 12
        tenders = [r for r in self.agency.results if r.year == year]
        for supplier in self.supplier_list:
            row = supplier.close_year(year, self.cost_now, expected)
            self.rows.append(self._scaled(row, supplier, tenders))
        self.exits_this_year = sum(s.exited_in is not None for s in self.supplier_list) - before
        self.yearly_units[year] = self.units_year * self.model.scale
        self.yearly_spending[year] = self.spending_year * self.model.scale
        self.spending_year = np.zeros(self.market.n_products)
        self.units_last_year, self.units_year = self.units_year, np.zeros(self.market.n_products)
        self.savings_last_year, self.savings_year = self.savings_year, 0.0
        self.fund_savings[:] = 0.0

    def _scaled(self, row: dict, supplier: Supplier, tenders: list) -> dict:
        scale = self.model.scale
        for key in ("units", "revenue_yuan", "variable_cost_yuan", "fixed_cost_yuan",
                    "profit_yuan"):
            row[key] *= scale
        mine = [(np.isin(r.products, supplier.products), r) for r in tenders]
        row["bids"] = int(sum(k.sum() for k, _ in mine))
        row["wins"] = int(sum((k & r.won).sum() for k, r in mine))
        return row

    def _entry(self, year: int) -> int:
        """A generic maker enters a molecule whose makers' profit last year exceeded
        ``entry_margin`` of their revenue (one a year, into a reserved row)."""
        m, entered = self.market, 0
        profit, revenue = np.zeros(m.n_products), np.zeros(m.n_products)
        for s in self.supplier_list:
            profit[s.products] = s.year.profit
            revenue[s.products] = s.year.revenue
        for products in m.molecule_products:
            incumbents = products[m.active[products] & ~m.fringe[products]]
            slots = products[m.entrant[products] & ~m.active[products]]
            sales = revenue[incumbents].sum()
            if slots.size and sales > 0 and profit[incumbents].sum() > (
                    self.behaviour.entry_margin * sales):
                owner = self.supplier_list[m.supplier[slots[0]]]
                owner.enter(slots[0], year, self.behaviour.qualification_years)
                entered += 1
        return entered

    def service_adjustment_base(self) -> float:
        """Last year's savings on tender winners relative to last year's service charges
        (what the service-price adjustment spends)."""
        services = sum(h.year.service_charges for h in self.model.hospital_list)
        unadjusted = services / self.model.prices.adjustment  # last year's, before adjusting
        return self.savings_last_year / unadjusted if services > 0 else 0.0

    def suppliers_in_market(self) -> int:
        return sum(s.in_market for s in self.supplier_list if not s.fringe)


def _user_catalogue(path: str) -> list[dict[str, str]] | None:
    """The rows of ``market.catalogue`` (checked at start), or None for the built-in one."""
    if not path:
        return None
    from sanyi.model.market import catalogue_vocabulary
    from sanyi.model.user_tables import catalogue_rows

    return catalogue_rows(path, *catalogue_vocabulary())
