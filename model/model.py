"""``SanyiModel``: the whole system, one month per step.

``__init__`` reads like a recipe (streams, policies, institutions, networks, patients);
``step`` lists the phases of a month in order; ``close_year`` does the December work.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import mesa
import networkx as nx
import numpy as np
import pandas as pd
from mesa.agent import AgentSet
from omegaconf import DictConfig

from sanyi.agents.fund import EmployeeFund, ResidentFund
from sanyi.agents.hospital import Hospital
from sanyi.agents.hospital import treat as treat_episodes
from sanyi.agents.hospital_strategy import BestResponse
from sanyi.agents.patients.care import CareSeeking, TierSetting
from sanyi.agents.patients.cascade import CareCascade
from sanyi.agents.patients.demography import Demography, wage_index
from sanyi.agents.patients.disease import ChronicDisease, update_hrql
from sanyi.agents.patients.population import PatientPopulation, month_index
from sanyi.model import bookkeeping, configure, inputs, networks, reporters, user_tables
from sanyi.model.batches import (
    ADMISSION,
    N_SEVERITIES,
    U_TRANSFER,
    Claims,
    Episodes,
    drg_group,
)
from sanyi.model.bookkeeping import FundState, MonthRecord
from sanyi.model.config import ConfigError, SanyiConfig
from sanyi.model.history import CaseHistory
from sanyi.model.ledger import Ledger
from sanyi.model.medicine_supply import MedicineSupply
from sanyi.model.policies import plugin
from sanyi.model.policies.financing import uninsured_share
from sanyi.model.policies.payment import PaymentContext
from sanyi.model.policies.payment_rollout import with_rollout
from sanyi.model.streams import Streams
from sanyi.model.tariff import Tariff
from sanyi.model.validation import validate

POVERTY_LINE_YEAR = 2020  # prices of protection.poverty_line_2020_yuan
CAPACITY_MARGIN = 1.08  # spare slots for births and immigrants before arrays must grow
UNINSURED = 2


@dataclass
class OpenMonth:
    """A month begun (``SanyiModel.begin_month``) whose claims the funds have not paid yet."""

    rec: MonthRecord
    now: int
    episodes: Episodes
    adherent: np.ndarray
    claims: Claims
    went_without: np.ndarray  # (products, persons) gone without, from the pharmacy
    deaths: np.ndarray
    emigrants: np.ndarray
    lumps: np.ndarray  # the payment method's lump sums (funds, hospitals)


@dataclass
class YearEnd:
    """December's year-end amounts, (funds, hospitals): what the funds pay (negative:
    recover), of which audits' recoveries and retained tender savings."""

    settlements: np.ndarray
    recovered: np.ndarray
    retained: np.ndarray


class SanyiModel(mesa.Model):
    """Patients, hospitals, funds and suppliers of one pooling region."""

    def __init__(self, cfg: SanyiConfig | DictConfig | None = None, *,
                 overrides: Sequence[str] = (), **options: Any) -> None:
        """Build from a config, or from Hydra overrides and keyword options.

        ``SanyiModel(cfg)``; ``SanyiModel(overrides=["payment=ffs"])``; or, as Mesa's
        SolaraViz passes parameters, ``SanyiModel(payment="ffs", seed=3, population__size=5000)``
        (a group by name, other keys with ``__`` for dots). Options are composed from
        ``conf/`` without touching Hydra's global state, so several models can be built at once.
        """
        if cfg is None:
            cfg = configure.compose([*overrides, *configure.overrides_from_options(options)])
        elif overrides or options:
            raise TypeError("give either a config or overrides/options, not both")
        cfg = validate(cfg)
        if cfg.population.region_type != "prefecture":
            raise ConfigError("invalid config: population.region_type="
                              f"{cfg.population.region_type!r}; allowed: 'prefecture' for one "
                              "SanyiModel (a province runs as sanyi.model.province.Province)")
        super().__init__(rng=cfg.seed)
        self.cfg = cfg
        self.streams = Streams(cfg.seed)
        pop_cfg = cfg.population
        self.scale = pop_cfg.represented_persons / pop_cfg.size
        self.year, self.month = pop_cfg.start_year, 1
        self.months: list[tuple[int, int]] = []
        self.n_months = (pop_cfg.end_year - pop_cfg.start_year + 1) * 12
        self.ledger = Ledger(self.n_months)
        self._build_policies()
        self._build_hospitals()
        self._build_medicines()
        self._build_payment()
        self._build_patients()
        self.employee_fund = EmployeeFund(self, cfg)
        self.resident_fund = ResidentFund(self, cfg, self.protection.critical_illness_premium)
        self.funds = AgentSet([self.employee_fund, self.resident_fund], random=self.random)
        self.start_burden = self._premium_burden(pop_cfg.start_year)
        self.datacollector = reporters.collector() if cfg.collect_monthly else None
        self.running = True
        self._start_year()
        reference = self.tariff.drg_reference_charges()
        self.reference_weights = reference / reference.mean()  # case-mix index weights

    # -- construction ---------------------------------------------------------------------
    def _build_policies(self) -> None:
        cfg = self.cfg
        self.benefits = plugin.build(cfg.benefits, self._benefit_amount_index)
        self.prices = plugin.build(cfg.pricing, cfg.population.care_use, cfg.scenario)
        self.protection = plugin.build(cfg.protection, self._benefit_amount_index)
        self.protection.attach(self.benefits)

    def _build_medicines(self) -> None:
        """The medicines market, tenders and suppliers, and the tariff that reads them."""
        self.medicines = MedicineSupply(self)
        self.market = self.medicines.market
        self.suppliers = self.medicines.suppliers
        self.tariff = Tariff(self.prices, self.market, self.cfg.population.care_use,
                             self.cfg.pricing)

    def _build_hospitals(self) -> None:
        cfg = self.cfg
        tiers_cfg = cfg.population.hospitals
        by_tier = (tiers_cfg.primary, tiers_cfg.secondary, tiers_cfg.tertiary)
        rule = BestResponse(cfg.behaviour.hospital, cfg.payment, self)
        table = self._hospital_rows()
        hospitals = [
            Hospital(self, i, int(row.tier), 0.0, float(row.quality),
                     float(row.fixed_cost), rule, cfg.behaviour.hospital)
            for i, row in enumerate(table.itertuples())]
        tiers = table.tier.astype(int).tolist()
        self.reference_beds = table[["beds", "sharing"]].to_numpy(dtype=float)
        self.hospital_list = hospitals
        self.hospital_tier = np.array(tiers)
        self.hospitals = AgentSet(hospitals, random=self.random)
        self.alliances = networks.medical_alliances(tiers)
        self.alliance_table = networks.referral_table(self.alliances)
        quality = [np.average(table.quality[table.tier == t],
                              weights=(table.beds / table.sharing)[table.tier == t])
                   for t in range(3)] if tiers_cfg.table else [tc.quality for tc in by_tier]
        self.tier_setting = TierSetting(
            quality=np.array(quality),
            distance_km=np.array([[tc.distance_km_urban for tc in by_tier],
                                  [tc.distance_km_rural for tc in by_tier]]),
            gatekeeping=np.zeros(len(self.alliance_table)))

    def _hospital_rows(self) -> pd.DataFrame:
        """A row per hospital (tier, reference beds per 1,000 persons shared by ``sharing``
        hospitals, quality, fixed cost):
        from the tiers' counts, or from the user's ``population.hospitals.table``."""
        h = self.cfg.population.hospitals
        by_tier = (h.primary, h.secondary, h.tertiary)
        if not h.table:
            return pd.DataFrame(
                [(t, tc.beds_per_1000, tc.count, tc.quality, tc.fixed_cost_per_bed_month_yuan)
                 for t, tc in enumerate(by_tier) for _ in range(tc.count)],
                columns=["tier", "beds", "sharing", "quality", "fixed_cost"])
        table = user_tables.hospital_table(h.table)
        default_cost = np.array([tc.fixed_cost_per_bed_month_yuan for tc in by_tier])
        return pd.DataFrame({
            "tier": table.tier,
            "beds": table.beds / (self.cfg.population.represented_persons / 1000),
            "sharing": 1,  # hospitals a row's beds are shared among
            "quality": table.quality,
            "fixed_cost": table.fixed_cost_per_bed_month_yuan.fillna(
                pd.Series(default_cost[table.tier])),
        })

    def _build_payment(self) -> None:
        """The payment method, with what it may know of hospitals, alliances and members."""
        primary = self.alliance_table[:, 0]
        county_of = np.full(len(self.hospital_list), -1)
        county_of[primary] = self.alliance_table[:, 1]
        county_of[self.alliance_table[:, 1]] = self.alliance_table[:, 1]
        self.history = CaseHistory(len(self.hospital_list), primary.size)
        self.hospital_rows: list[dict] = []  # hospitals.parquet, a row per hospital and year
        context = PaymentContext(tiers=self.hospital_tier, county_of=county_of, primary=primary,
                                 price_index=self.prices.service_index,
                                 members_by_home=self._members_by_home,
                                 reference_charges=self.tariff.drg_reference_charges)
        self.payment_context = context
        self.payment = with_rollout(plugin.build(self.cfg.payment, context), self.cfg, context)

    def _members_by_home(self) -> np.ndarray:
        """Enrollees of each fund by home primary facility, this month: (funds, facilities)."""
        pop, n = self.population, len(self.alliance_table)
        key = pop.fund_of().astype(np.int64) * n + pop.home
        counts = np.bincount(key, weights=pop.alive, minlength=3 * n)
        return counts.reshape(3, n)

    def _build_patients(self) -> None:
        cfg = self.cfg
        size = cfg.population.size
        self.population = PatientPopulation(int(size * CAPACITY_MARGIN) + 16)
        self.demography = Demography(cfg, self.streams, self.benefits.retirement,
                                     len(self.alliance_table))
        self.demography.populate(self.population, size)
        self.disease = ChronicDisease(self.streams)
        self.cascade = CareCascade(cfg.behaviour.cascade, self.streams)
        self.care = CareSeeking(cfg, self.streams, self.benefits, self.tariff, self.tier_setting,
                                self.alliance_table)

    # -- the clock ----------------------------------------------------------------------
    @property
    def now(self) -> int:
        """Months since January 1900 (persons' ages are measured against it)."""
        return month_index(self.year, self.month)

    @property
    def benefit_levels(self) -> np.ndarray:
        return np.array([f.benefit_level for f in self.funds])

    def _start_year(self) -> None:
        """January work: rates of the year, prices, tenders, hospitals' decisions."""
        sc = self.cfg.scenario
        self.demography.start_year(self.population, self.year)
        self.disease.start_year(self.year, sc.mortality_improvement_per_year,
                                (1 + sc.chronic_incidence_trend_per_year)
                                ** (self.year - self.cfg.population.start_year))
        if self.year > self.cfg.population.start_year:
            self._renew_coverage()
        self._set_beds()
        self.prices.start_year(self.year, self.medicines.service_adjustment_base())
        self.benefits.start_year(self.year)
        self.payment.start_year(self.year, self.history)
        self.medicines.start_year(self.year)  # prices, tenders, prescribing shares, tariff
        # best responses to this year's payment and prices, on last year's cases
        self.hospitals.do("adapt", self.medicines.prescribe)
        self.medicines.hospitals_decided()
        leads = self.payment_context.county_of[self.alliance_table[:, 0]]
        self.tier_setting.gatekeeping = np.array([self.hospital_list[k].decisions.gatekeeping
                                                  for k in leads])
        self.care.start_year(self.year)
        self.protection.start_year(self.year, self.population, self.now,
                                   self.streams.protection.rng)
        self.cpi_index = inputs.growth_index(sc.cpi_path(), self.year,
                                             self.cfg.population.start_year)
        self.poverty_line = self.cfg.protection.poverty_line_2020_yuan * inputs.growth_index(
            sc.cpi_path(), self.year, POVERTY_LINE_YEAR)

    def _benefit_amount_index(self, year: int) -> float:
        """How yuan amounts of the benefit rules move: with wages, unless frozen."""
        return wage_index(self.cfg, year) if self.cfg.benefits.index_amounts_to_wages else 1.0

    def _set_beds(self) -> None:
        """Beds of the year: each tier's reference beds scaled by the national path."""
        h = self.cfg.population.hospitals
        path = {int(y): v for y, v in h.beds_per_1000_by_year.items()}
        last = max(path)
        total = inputs.interpolate_by_year(path, min(self.year, last)) * (
            1 + self.cfg.scenario.bed_growth_per_year) ** max(self.year - last, 0)
        scale = total / inputs.interpolate_by_year(path, h.beds_reference_year)
        persons = self.cfg.population.size / 1000
        for hospital, (beds_per_1000, sharing) in zip(self.hospital_list, self.reference_beds,
                                                      strict=True):
            hospital.set_beds(beds_per_1000 * scale * persons / sharing)

    def _resident_contribution(self) -> float:
        """The resident contribution per enrollee-year actually charged this year."""
        individual, _ = self.resident_fund.financing.revenue_per_enrollee(self.year)
        return individual * self.resident_fund.contribution_level

    def _premium_burden(self, year: int) -> float:
        """The resident contribution relative to incomes (the wage index) in ``year``."""
        individual, _ = self.resident_fund.financing.minimum(year)
        return individual / wage_index(self.cfg, year)

    def _renew_coverage(self) -> None:
        pop_cfg = self.cfg.population
        share = uninsured_share(pop_cfg.uninsured_share, pop_cfg.coverage_premium_elasticity,
                                self._premium_burden(self.year), self.start_burden)
        self.demography.renew_coverage(self.population, self.now, share)

    # -- one month ------------------------------------------------------------------------
    def step(self) -> None:
        """One month. After the last month of the end year a step does nothing."""
        if not self.running:
            return
        self.finish_month(self.begin_month())

    def begin_month(self) -> OpenMonth:
        """The month up to the funds' payment of claims: revenue, illness, care, bills, prices.

        A province (``model/province.py``) runs this in every region, moves money between the
        regions' funds by its pooling rule (``FundMonth.pooling_transfer``), then finishes
        each region's month; a lone prefecture does both halves at once.
        """
        pop, now = self.population, self.now
        rec = self._open_record()
        self.funds.do("collect", pop, self.year, self.demography.births_per_month)
        who, cause, dies = self.disease.complications(pop)
        self.disease.onset_of_conditions(pop, now)
        episodes, adherent, rec.demand = self.care.seek(pop, now, (who, cause),
                                                        self.benefit_levels)
        claims = self._bill(episodes)
        went_without = self.medicines.dispense(claims)
        self._schedule_readmissions(claims)
        self.benefits.cover(claims, pop, self.benefit_levels)
        deaths = self.demography.deaths(pop, now, who[dies])
        emigrants = self.demography.emigrants(pop, now, deaths)
        lumps = self._price(claims)
        return OpenMonth(rec, now, episodes, adherent, claims, went_without, deaths, emigrants,
                         lumps)

    def pooled_due(self, month: OpenMonth) -> np.ndarray:
        """What each fund's pooled reserve must pay this month (claims' item-based share,
        settlements and lump sums, cash benefits, the critical-illness premium), simulated yuan,
        one value per fund."""
        e, claims = month.claims.episodes, month.claims
        return np.array([float(claims.fund_pay[e.fund == f.scheme_index].sum())
                         + float(claims.settlement[e.fund == f.scheme_index].sum()
                                 + month.lumps[f.scheme_index].sum())
                         + f.month.cash_benefits + f.month.critical_illness_premium
                         for f in self.funds])

    def finish_month(self, month: OpenMonth) -> None:
        """The rest of the month: funds pay, care goes on, December's settlements, books."""
        self.pay_month(month)
        if self.month == 12:
            self.pay_year_end(month.rec, self.year_end_dues(month.rec))
        self.close_month(month.rec)

    def pay_month(self, month: OpenMonth) -> None:
        """Funds pay the claims; people leave and arrive; chronic care goes on."""
        pop, now, rec = self.population, month.now, month.rec
        self._settle(month.claims, np.concatenate([month.deaths, month.emigrants]), rec,
                     month.lumps)
        self.protection.cover(month.claims, pop)
        rec.protection = self.protection.month(pop, self._resident_contribution())
        self._buy_medicines(rec)
        self._leave(month.deaths, month.emigrants, rec)
        self._arrive(now, rec)
        self.cascade.diagnose(pop, month.episodes.person)
        self.cascade.initiate(pop)
        u = self.streams.chronic_care.uniforms(pop.capacity)
        self.cascade.follow_up(pop, month.adherent, u)
        self.cascade.go_without(pop, *month.went_without, u)
        update_hrql(pop, now)

    def close_month(self, rec: MonthRecord) -> None:
        """Book and check the month; December closes the year; the clock moves on."""
        self._close_record(rec)
        if self.month == 12:
            self.close_year()
        self._advance()
        if self.datacollector is not None:
            self.datacollector.collect(self)

    def _open_record(self) -> MonthRecord:
        self._opening_reserves = [f.pooled_reserve_or_zero + f.account_balance(self.population)
                                  for f in self.funds]
        return MonthRecord(index=len(self.months), label=f"{self.year}-{self.month:02d}",
                           opening_persons=self.population.n_alive)

    def _bill(self, episodes: Episodes) -> Claims:
        """Each hospital treats its own episodes and bills them at the tariff.

        First hospitals send the severe cases they choose not to keep to the city hub of the
        patient's alliance. All hospitals' episodes are treated in one pass, each with its
        hospital's choices (``agents/hospital.py`` ``treat``); claims stay in person order, so
        the benefit rules pay a person's claims in sequence.
        """
        self._transfer(episodes)
        self.hospitals.do("reset_month")
        return treat_episodes(self.hospital_list, episodes, self.tariff)

    def _transfer(self, episodes: Episodes) -> None:
        share = np.array([h.decisions.transfer_share for h in self.hospital_list])
        severe = (episodes.kind == ADMISSION) & (episodes.severity == N_SEVERITIES - 1)
        moved = np.flatnonzero(severe & (episodes.u[:, U_TRANSFER] < share[episodes.hospital]))
        episodes.transferred[moved] = True
        episodes.hospital[moved] = self.alliance_table[episodes.home[moved], 2]
        episodes.tier[moved] = 2

    def _schedule_readmissions(self, claims: Claims) -> None:
        """Patients readmitted within 30 days come back next month for the same diagnosis."""
        back = np.flatnonzero(claims.readmit)
        self.population.readmit_due[claims.episodes.person[back]] = (
            claims.episodes.diagnosis[back] + 1)

    def _price(self, claims: Claims) -> np.ndarray:
        """The payment method prices each claim; returns its lump sums (funds, hospitals),
        e.g. capitation."""
        e = claims.episodes
        claims.revenue = np.where(e.fund == UNINSURED, claims.total_charge,
                                  self.payment.price(claims, self.year))
        self.medicines.note_fund_savings(claims, self.payment.item_based(claims, self.year))
        return self.payment.lump_sums(self.year)

    def _settle(self, claims: Claims, leavers: np.ndarray, rec: MonthRecord,
                lumps: np.ndarray) -> None:
        """Funds pay hospitals their members' share of the priced claims.

        Patients have paid their item-based share (``benefits.cover``); the pooled fund pays
        the rest of the method's price. A depleted fund's rule may shift part of its
        item-based share to patients.
        """
        e = claims.episodes
        settlement = claims.settlement
        outflow = float(self.population.account[leavers].sum(dtype=np.float64))
        for fund in self.funds:
            k = fund.scheme_index
            mine = e.fund == k
            paid = fund.settle_month(float(claims.fund_pay[mine].sum()),
                                     float(claims.account_pay[mine].sum()),
                                     outflow if k == 0 else 0.0,
                                     float(settlement[mine].sum() + lumps[k].sum()))
            if paid < 1.0:
                self.benefits.shift_to_patients(claims, self.population, mine, 1.0 - paid)
        revenue = np.bincount(e.hospital, weights=claims.revenue,
                              minlength=len(self.hospital_list)) + lumps.sum(axis=0)
        for hospital, amount in zip(self.hospital_list, revenue, strict=True):
            hospital.receive(float(amount))
        self.history.current.add(claims)
        rec.case_weights = self._tally_hospitals(claims)
        rec.claims = claims
        rec.payments_beyond_claims += float(lumps.sum())

    def _tally_hospitals(self, claims: Claims) -> np.ndarray:
        """The year's admissions, case mix, coding gains and billing outside the case;
        returns each claim's reference weight as coded (the case-mix index)."""
        e, n = claims.episodes, len(self.hospital_list)
        inpatient = e.kind == ADMISSION
        weight = self.reference_weights[drg_group(e.diagnosis, claims.coded_severity,
                                                  claims.procedure)]
        mild = inpatient & (e.severity == 0)
        tallies = {
            "weight": np.where(inpatient, weight, 0.0),
            "upcoded_gain": self.payment.coding_gain(claims, self.year),
            "mild_revenue": np.where(mild, claims.revenue, 0.0),
            "shifted_revenue": np.where(inpatient, claims.outside_case, 0.0),
        }
        sums = {k: np.bincount(e.hospital, v, n) for k, v in tallies.items()}
        for h, hospital in enumerate(self.hospital_list):
            for k, v in sums.items():
                setattr(hospital.year, k, getattr(hospital.year, k) + float(v[h]))
        return weight

    def _buy_medicines(self, rec: MonthRecord) -> None:
        """Suppliers deliver what the pharmacy dispensed and book the sales."""
        rec.supplier_sales = self.medicines.book()
        rec.units_bought = self.medicines.done.delivered
        rec.dispensed = self.medicines.done
        rec.market = self.market
        rec.purchase_price, rec.base_price = self.market.price, self.medicines.base_price
        rec.winners = self.market.winner.copy()

    def _leave(self, deaths: np.ndarray, emigrants: np.ndarray, rec: MonthRecord) -> None:
        """Deaths and emigrants are counted by group, then their slots are freed."""
        pop = self.population
        rec.deaths_by_group = bookkeeping.by_group(pop, deaths)
        rec.emigrants_by_group = bookkeeping.by_group(pop, emigrants)
        pop.release(np.concatenate([deaths, emigrants]))

    def _arrive(self, now: int, rec: MonthRecord) -> None:
        pop = self.population
        births = self.demography.births(pop, now)
        immigrants = self.demography.immigrants(pop, now)
        self.demography.update_enrolment(pop, now)
        rec.n_births, rec.n_immigrants = births.size, immigrants.size
        rec.births_by_group = bookkeeping.by_group(pop, births)
        rec.immigrants_by_group = bookkeeping.by_group(pop, immigrants)

    def _close_record(self, rec: MonthRecord) -> None:
        """Hospitals' and funds' month into the record; book it and check that it adds up."""
        self.hospitals.do("close_month")
        rec.hospital_revenue = np.array([h.revenue_month for h in self.hospital_list])
        rec.hospital_costs = np.array([h.cost_month for h in self.hospital_list])
        rec.hospital_drug_purchases = np.array([h.drug_purchase_month
                                                for h in self.hospital_list])
        rec.hospital_tier = self.hospital_tier
        rec.hospital_bed_days = np.array([h.bed_days_month for h in self.hospital_list])
        rec.hospital_bed_capacity = np.array([h.bed_capacity_month for h in self.hospital_list])
        used = np.bincount(self.hospital_tier, rec.hospital_bed_days, minlength=3)
        available = np.bincount(self.hospital_tier, rec.hospital_bed_capacity, minlength=3)
        self.tier_setting.occupancy[:] = used / np.maximum(available, 1e-9)
        rec.cpi_index = self.cpi_index
        rec.poverty_line = self.poverty_line
        rec.funds = [FundState(f.month, f.pooled_reserve_or_zero,
                               f.account_balance(self.population), f.benefit_level, opening,
                               f.opened_this_month)
                     for f, opening in zip(self.funds, self._opening_reserves, strict=True)]
        bookkeeping.book(self.ledger, rec, self.population, self.now, self.month == 12)
        bookkeeping.check(rec, self.population.n_alive)
        bookkeeping.guard(rec, self.market, self.population if self.cfg.debug else None)
        self.medicines.done = None  # the month's prescription lines are booked: free them

    def supply_network(self) -> nx.Graph:
        """Bipartite hospital - supplier graph: this month's purchases (units per edge) and
        the tender contracts that bind every hospital to the winners (``contract``)."""
        purchases = np.stack([h.purchases for h in self.hospital_list])
        m = self.market
        return networks.supply_contracts(purchases, m.supplier, m.n_suppliers,
                                         m.winner & m.active)

    def year_end_dues(self, rec: MonthRecord) -> YearEnd:
        """December: what the funds owe hospitals at year end (the payment method's
        settlements less audits' recoveries, plus retained tender savings)."""
        self.history.add_members(self._members_by_home()[:2] * 12)
        recovered = self._audit()
        self._record_hospitals(recovered.sum(axis=0))
        retained = self.medicines.retained_savings()
        rec.retained_savings = float(retained.sum())
        settlements = self.payment.year_end(self.year, self.history) - recovered + retained
        return YearEnd(settlements, recovered, retained)

    def pay_year_end(self, rec: MonthRecord, dues: YearEnd) -> None:
        """December: the funds pay the year-end settlements, booked as their own flow."""
        settlements = dues.settlements
        for fund, amounts, audit, kept in zip(self.funds, settlements, dues.recovered,
                                              dues.retained, strict=True):
            fund.settle_year_end(float(amounts.sum()), float(audit.sum()), float(kept.sum()))
        for hospital, amount in zip(self.hospital_list, settlements.sum(axis=0), strict=True):
            hospital.receive(float(amount))
        rec.payments_beyond_claims += float(settlements.sum())
        self.medicines.close_year(self.year)  # suppliers' year: learning, entry, exit
        rec.supplier_exits = self.medicines.exits_this_year
        rec.supplier_entries = self.medicines.entries_this_year

    def _record_hospitals(self, recovered: np.ndarray) -> None:
        """This year's row of each hospital for hospitals.parquet (money at represented scale)."""
        for h, recovery in zip(self.hospital_list, recovered, strict=True):
            y, d = h.year, h.decisions
            mix = self.history.current.case_mix[h.index]
            weight = mix / mix.sum() if mix.sum() > 0 else np.full(mix.size, 1 / mix.size)
            scale = self.scale
            self.hospital_rows.append({
                "year": self.year, "hospital": h.index, "tier": h.tier,
                "payment": self.cfg.payment.name, "revenue_yuan": y.revenue * scale,
                "cost_yuan": y.cost * scale, "surplus_yuan": (y.revenue - y.cost) * scale,
                "admissions": y.admissions * scale,
                "alos_days": y.bed_days / y.admissions if y.admissions else float("nan"),
                "case_mix_index": y.weight / y.admissions if y.admissions else float("nan"),
                "intensity": float(d.intensity @ weight), "los_factor": float(d.los_factor @ weight),
                "upcoding_share": float(d.upcoding_share @ weight),
                "admission_threshold": d.admission_threshold, "transfer_share": d.transfer_share,
                "shift_share": d.shift_share, "self_pay_share": d.self_pay_share,
                "upcoded_gain_yuan": y.upcoded_gain * scale,
                "audit_recoveries_yuan": float(recovery) * scale,
            })

    def _audit(self) -> np.ndarray:
        """Audits of the year: an audited hospital pays back what it gained by upcoding,
        unjustified mild admissions and billing outside the case, plus the penalty; the
        funds recover it in proportion to what they paid the hospital. (funds, hospitals)"""
        pay = self.cfg.payment
        behaviour = self.cfg.behaviour.hospital
        audited = self.streams.institutions.rng.random(len(self.hospital_list)) < (
            pay.audit_probability)
        gains = np.array([h.year.upcoded_gain + h.year.shifted_revenue
                          + behaviour.unjustified_share_of_mild * h.year.mild_revenue
                          for h in self.hospital_list])
        owed = np.where(audited, np.maximum(gains, 0.0) * (1 + pay.audit_penalty), 0.0)
        due = self.history.current.fund_due[:2]
        split = due / np.maximum(due.sum(axis=0), 1e-9)
        return split * owed

    def close_year(self) -> None:
        """December, after booking: funds close their books, tallies reset, adaptation."""
        self.history.close(self.year)
        self.protection.close_year(self.population)
        for fund in self.funds:
            fund.close_year(self.year, fund.pooled_reserve_or_zero)
        self.population.reset_tallies()

    def _advance(self) -> None:
        self.months.append((self.year, self.month))
        if self.month == 12:
            self.year, self.month = self.year + 1, 1
            if self.year <= self.cfg.population.end_year:
                self._start_year()
        else:
            self.month += 1
        if self.year > self.cfg.population.end_year:
            self.running = False

    def run(self, progress: Callable[[int], None] | None = None) -> None:
        """Run to the end year; ``progress`` is called with the months done after each step."""
        while self.running:
            self.step()
            if progress is not None:
                progress(len(self.months))
