"""``SanyiModel``: the whole system, one month per step.

``__init__`` reads like a recipe (streams, policies, institutions, networks, patients);
``step`` lists the phases of a month in order; ``close_year`` does the December work.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import mesa
import networkx as nx
import numpy as np
from mesa.agent import AgentSet
from omegaconf import DictConfig

from sanyi.agents.fund import EmployeeFund, ResidentFund
from sanyi.agents.hospital import FixedDecisions, Hospital, HospitalContext
from sanyi.agents.patients.care import CareSeeking, TierSetting
from sanyi.agents.patients.demography import Demography
from sanyi.agents.patients.disease import ChronicDisease, update_hrql
from sanyi.agents.patients.population import PatientPopulation, month_index
from sanyi.agents.procurement import ProcurementAgency
from sanyi.agents.supplier import Catalogue, Supplier
from sanyi.model import bookkeeping, configure, networks, reporters
from sanyi.model.batches import Claims, Episodes
from sanyi.model.config import SanyiConfig
from sanyi.model.costing import Costing
from sanyi.model.ledger import Ledger
from sanyi.model.policies import registry
from sanyi.model.streams import Streams
from sanyi.model.validation import validate

CAPACITY_MARGIN = 1.08  # spare slots for births and immigrants before arrays must grow


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
        self._build_medicines()
        self._build_hospitals()
        self._build_patients()
        self.funds = AgentSet([EmployeeFund(self, cfg), ResidentFund(self, cfg)], random=self.random)
        self.datacollector = reporters.collector() if cfg.collect_monthly else None
        self.running = True
        self._start_year()

    # -- construction ---------------------------------------------------------------------
    def _build_policies(self) -> None:
        cfg = self.cfg
        self.benefits = registry.build("benefits", cfg.benefits.name, cfg.benefits)
        self.prices = registry.build("pricing", cfg.pricing.name, cfg.pricing,
                                     cfg.population.care_use,
                                     cfg.scenario.technology_cost_growth_per_year)
        self.payment = registry.build("payment", cfg.payment.name, cfg.payment)

    def _build_medicines(self) -> None:
        self.catalogue = Catalogue.load()
        policy = registry.build("procurement", self.cfg.procurement.name, self.cfg.procurement,
                                self.catalogue.n_products)
        self.agency = ProcurementAgency(self, policy, self.catalogue)
        makers = sorted(set(self.catalogue.maker))
        self.maker_of_product = np.array([makers.index(m) for m in self.catalogue.maker])
        capacity = self.catalogue.capacity_per_1000_month * self.cfg.population.size / 1000
        self.suppliers = AgentSet(
            [Supplier(self, m, np.flatnonzero(self.maker_of_product == k),
                      capacity[self.maker_of_product == k]) for k, m in enumerate(makers)],
            random=self.random)
        self.base_price = self.catalogue.list_price.copy()

    def _build_hospitals(self) -> None:
        cfg = self.cfg
        tiers_cfg = cfg.population.hospitals
        self.costing = Costing(self.prices, self.catalogue, cfg.population.care_use, cfg.pricing,
                               np.array(cfg.behaviour.hospital.originator_share.as_tuple()))
        context = HospitalContext(self.prices, self.catalogue, cfg.population.care_use,
                                  cfg.pricing, self.payment, FixedDecisions(cfg.behaviour.hospital))
        hospitals, tiers = [], []
        for tier, tc in enumerate((tiers_cfg.primary, tiers_cfg.secondary, tiers_cfg.tertiary)):
            beds = tc.beds_per_1000 * cfg.population.size / 1000 / tc.count
            for _ in range(tc.count):
                hospitals.append(Hospital(self, len(hospitals), tier, beds, tc.quality,
                                          tc.fixed_cost_per_bed_month_yuan, context))
                tiers.append(tier)
        self.hospital_list = hospitals
        self.hospitals = AgentSet(hospitals, random=self.random)
        self.alliances = networks.medical_alliances(tiers)
        self.alliance_table = networks.referral_table(self.alliances)
        by_tier = (tiers_cfg.primary, tiers_cfg.secondary, tiers_cfg.tertiary)
        self.tier_setting = TierSetting(
            quality=np.array([tc.quality for tc in by_tier]),
            distance_km=np.array([[tc.distance_km_urban for tc in by_tier],
                                  [tc.distance_km_rural for tc in by_tier]]))

    def _build_patients(self) -> None:
        cfg = self.cfg
        size = cfg.population.size
        self.population = PatientPopulation(int(size * CAPACITY_MARGIN) + 16)
        self.demography = Demography(cfg, self.streams, self.benefits.retirement,
                                     len(self.alliance_table))
        self.demography.populate(self.population, size)
        self.disease = ChronicDisease(self.streams)
        self.care = CareSeeking(cfg, self.streams, self.benefits, self.costing, self.tier_setting,
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
        self.prices.start_year(self.year)
        self.purchase_price = self.agency.start_year(self.year)
        self.costing.refresh(self.purchase_price)
        self.care.start_year(self.year)

    # -- one month ------------------------------------------------------------------------
    def step(self) -> None:
        """One month. After the last month of the end year a step does nothing."""
        if not self.running:
            return
        pop, now = self.population, self.now
        before = bookkeeping.opening(self)
        self.funds.do("collect", pop, self.year)
        who, cause, dies = self.disease.complications(pop)
        self.disease.onset_of_conditions(pop, now)
        episodes, adherent, demand = self.care.seek(pop, now, (who, cause), self.benefit_levels)
        claims = self._treat(episodes)
        self.benefits.cover(claims, pop, self.benefit_levels)
        deaths = self.demography.deaths(pop, now, who[dies])
        emigrants = self.demography.emigrants(pop, now, deaths)
        self._settle(claims, np.concatenate([deaths, emigrants]))
        self._buy_medicines()
        snapshot = bookkeeping.leavers(self, deaths, emigrants)
        pop.release(np.concatenate([deaths, emigrants]))
        births = self.demography.births(pop, now)
        immigrants = self.demography.immigrants(pop, now)
        self.demography.update_enrolment(pop, now)
        self.disease.update_control(pop, adherent, self.cfg.behaviour.control_gain_per_month,
                                    self.cfg.behaviour.control_loss_per_month,
                                    self.streams.chronic_care.uniforms(pop.capacity))
        update_hrql(pop, now)
        bookkeeping.book_month(self, claims, demand, snapshot, births, immigrants)
        bookkeeping.check_conservation(self, before, claims, births, immigrants, snapshot)
        if self.month == 12:
            self.close_year()
        self._advance()
        if self.datacollector is not None:
            self.datacollector.collect(self)

    def _treat(self, episodes: Episodes) -> Claims:
        """Each hospital treats its own episodes in bulk; claims are kept in person order.

        Person order lets the benefit rules pay a person's claims in sequence without sorting.
        """
        episodes = episodes.take(np.argsort(episodes.person, kind="stable"))  # sorted runs
        by_hospital = np.argsort(episodes.hospital, kind="stable")
        bounds = np.searchsorted(episodes.hospital[by_hospital],
                                 np.arange(len(self.hospital_list) + 1))
        claims = Claims.blank(episodes)
        rng = self.streams.treatment.rng
        self.hospitals.do("reset_month")
        for i, hospital in enumerate(self.hospital_list):
            mine = by_hospital[bounds[i]:bounds[i + 1]]
            claims.put(mine, hospital.treat(episodes.take(mine), self.purchase_price, rng))
        self.hospitals.do("close_month")
        return claims

    def _settle(self, claims: Claims, leavers: np.ndarray) -> None:
        """Funds pay their share; a depleted fund under ``benefit_cut`` pays only part."""
        f = claims.episodes.fund
        outflow = float(self.population.account[leavers].sum(dtype=np.float64))
        paid = np.ones(2)
        for fund in self.funds:
            k = fund.scheme_index
            mine = f == k
            paid[k] = fund.settle_month(float(claims.fund_pay[mine].sum()),
                                        float(claims.account_pay[mine].sum()),
                                        outflow if k == 0 else 0.0)
            if paid[k] < 1.0:
                bookkeeping.shift_to_patients(self, claims, mine, 1.0 - paid[k])

    def _buy_medicines(self) -> None:
        ordered = np.sum([h.purchases for h in self.hospital_list], axis=0)
        self.units_bought = ordered
        self.suppliers.do("sell", ordered, self.purchase_price, self.catalogue.unit_cost)

    def supply_network(self) -> nx.Graph:
        """Bipartite hospital - supplier graph of this month's purchases (units per edge)."""
        purchases = np.stack([h.purchases for h in self.hospital_list])
        return networks.supply_contracts(purchases, self.maker_of_product, len(self.suppliers))

    def close_year(self) -> None:
        """December: funds close their books, persons' yearly tallies reset, hospitals adapt."""
        for fund in self.funds:
            fund.close_year(self.year, fund.pooled_reserve or 0.0)
        pop = self.population
        pop.oop_year[:] = 0.0
        pop.fund_year[:] = 0.0
        pop.outpatient_fund_year[:] = 0.0
        self.hospitals.do("adapt")
        self.suppliers.do("close_year")

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
