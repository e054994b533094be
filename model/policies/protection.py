"""Protection beyond basic insurance: the layers that pay after the basic funds.

China's medical security system stacks layers on basic insurance, and they pay in a
statutory order on what the patient still owes:

1. **critical-illness insurance** (大病保险) for resident-fund members, financed by the
   resident fund per enrollee and run by insurers: a second reimbursement of a year's
   in-scope out-of-pocket costs above a threshold of about half the previous year's
   per-capita disposable income, at rates that rise with the cost, up to a ceiling; for
   assistance recipients the threshold is halved, the rates are 5 points higher and there
   is no ceiling (State Council General Office 2015 No. 57; NHSA 2019 No. 30);
2. **medical assistance** (医疗救助) for low-income persons, financed by the government
   budget, not the funds: it pays their resident contribution (so none of them stays
   uninsured) and a share of the in-scope costs still owed, within a yearly limit (State
   Council General Office 2021 No. 42: at least 70 % for the poorest groups);
3. **commercial supplements** (惠民保): voluntary city-level policies with a flat premium,
   paying part of large out-of-pocket costs above a high deductible, including some items
   outside the policy scope. Take-up rises with age, chronic conditions and income (adverse
   selection), and an insurer that prices to its losses raises the premium when the pool it
   attracted costs more than it charged.

``basic`` is today's model: no layer beyond the funds (its resident inpatient ratios include
the average critical-illness payment). ``multi_tier`` adds the three layers; its resident
ratios give that average back (``critical_illness.basic_ratio_carve_out``) so that the
critical-illness layer pays it to the patients who reach the threshold instead.

Amounts in yuan of the public layers move with the basic rules' amount index (wages, by
default); the commercial deductible and ceiling are nominal, as products have kept them. Patients decide
on care by what basic insurance leaves them to pay: the layers reimburse afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from sanyi.agents.patients.population import (
    CHILD_AGE_YEARS,
    FUND_OF_SCHEME,
    POPCOUNT,
    RESIDENT_ADULT,
    RESIDENT_CHILD,
    UNINSURED,
    PatientPopulation,
)
from sanyi.model.batches import Claims
from sanyi.model.config import ProtectionConfig, between, nonneg, positive, probability
from sanyi.model.policies.benefits import add_by_person, group_by_person

ASSISTED, COMMERCIAL = np.uint8(1), np.uint8(2)  # bits of ``PatientPopulation.protection``
RESIDENT_FUND = 1


@dataclass
class ProtectionMonth:
    """Flows of the layers outside claims in one month, per group (employee, resident,
    uninsured), simulated scale: premiums paid and persons covered. (The resident fund's
    critical-illness premium is one of its own flows, ``FundMonth``.)"""

    assistance_contributions: np.ndarray = field(default_factory=lambda: np.zeros(3))
    commercial_premiums: np.ndarray = field(default_factory=lambda: np.zeros(3))
    assisted: np.ndarray = field(default_factory=lambda: np.zeros(3))
    commercial_enrollees: np.ndarray = field(default_factory=lambda: np.zeros(3))


class Protection(Protocol):
    """What the model asks of a protection policy."""

    def attach(self, benefits: object) -> None:
        """Adjust the basic package the layers sit on (once, at construction)."""

    def start_year(self, year: int, pop: PatientPopulation, now: int,
                   rng: np.random.Generator) -> None:
        """January: thresholds and amounts of the year; who is assisted and insured."""

    def critical_illness_premium(self, financing_per_enrollee: float) -> float:
        """Yuan per resident enrollee-year the resident fund pays the critical-illness insurer."""

    def cover(self, claims: Claims, pop: PatientPopulation) -> None:
        """Pay the layers' shares of what patients still owe on ``claims``."""

    def month(self, pop: PatientPopulation, individual_contribution: float) -> ProtectionMonth:
        """The month's premiums and persons covered."""

    def close_year(self, pop: PatientPopulation) -> None:
        """December: what the next year's rules are set from."""


class BasicOnly:
    """Basic insurance alone: no layer pays after the funds (today's model)."""

    Config = ProtectionConfig

    def __init__(self, cfg: ProtectionConfig,
                 amount_index: Callable[[int], float] = lambda year: 1.0) -> None:
        self.cfg = cfg

    def attach(self, benefits: object) -> None:
        return None

    def start_year(self, year: int, pop: PatientPopulation, now: int,
                   rng: np.random.Generator) -> None:
        return None

    def critical_illness_premium(self, financing_per_enrollee: float) -> float:
        return 0.0

    def cover(self, claims: Claims, pop: PatientPopulation) -> None:
        return None

    def month(self, pop: PatientPopulation, individual_contribution: float) -> ProtectionMonth:
        return ProtectionMonth()

    def close_year(self, pop: PatientPopulation) -> None:
        return None


@dataclass
class CriticalIllnessConfig:
    enabled: bool = True
    # The first year's premium per resident enrollee as a share of the fund's financing per
    # enrollee (contribution plus subsidy); later years' premiums follow the insurer's
    # losses to ``target_loss_ratio`` (contracts are to break even with a small profit,
    # 2015 No. 57). Hand-calibrated: 1.8 % gives a loss ratio near 0.95 in the first years
    # at the defaults (docs/protection.md).
    premium_share_of_financing: float = probability(0.018)
    target_loss_ratio: float = between(0.95, 0.1, 2.0)
    # Threshold: this share of the previous year's mean income (NHSA 2019 No. 30: about
    # half the per-capita disposable income).
    threshold_share_of_income: float = between(0.5, 0.0, 5.0)
    # Rates rise with the cost above the threshold (2019: at least 60 %); band and ceiling
    # hand-set in price-year yuan (local rules differ).
    rate_first_band: float = between(0.6, 0.0, 0.95)
    first_band_yuan: float = positive(100_000.0)
    rate_above_band: float = between(0.7, 0.0, 0.95)
    annual_ceiling_yuan: float = positive(400_000.0)
    # Assistance recipients: threshold halved, rates 5 points higher, no ceiling (2019).
    assisted_threshold_factor: float = probability(0.5)
    assisted_rate_bonus: float = between(0.05, 0.0, 0.05)
    # Points of the resident inpatient ratios that ``basic`` pays as an average in place of
    # the critical-illness layer; ``multi_tier`` takes them out of the basic ratios
    # (hand-calibrated so the resident fund's spending changes little; docs/protection.md).
    basic_ratio_carve_out: float = between(0.012, 0.0, 0.3)


@dataclass
class AssistanceConfig:
    enabled: bool = True
    # Share of persons eligible, the lowest incomes first, rural incomes divided by
    # ``rural_income_weight`` for the ranking. NHSA statistical bulletins: assistance paid
    # the contributions of 80-90 million persons a year in 2021-22, about 6 % of the
    # population.
    eligible_share: float = between(0.06, 0.0, 0.5)
    rural_income_weight: float = between(1.5, 1.0, 5.0)
    # Share of the in-scope costs still owed that assistance pays (2021 No. 42: at least
    # 70 % for the poorest groups), within a yearly limit (hand-set; local limits differ).
    oop_share_covered: float = probability(0.7)
    annual_limit_yuan: float = positive(30_000.0)


@dataclass
class CommercialConfig:
    enabled: bool = True
    # Flat premium, yuan per year in the first year. City products charge about 50-150;
    # hand-set lower, near the claims per enrollee the defaults give (loss ratio about
    # 0.85), because the model's self-paid items leave out the costly special-drug lists
    # those products also cover.
    premium_yuan: float = positive(40.0)
    # Take-up of a reference person (aged 45, no chronic condition, the median income) at
    # ``premium_yuan``, and odds ratios for age, chronic conditions and income: hand-set to
    # give about 10-15 % overall, older and sicker persons more often (adverse selection).
    takeup_at_reference: float = between(0.08, 0.001, 0.99)
    odds_per_decade_of_age: float = between(1.2, 0.1, 10.0)
    odds_per_condition: float = between(1.4, 0.1, 10.0)
    odds_per_income_doubling: float = between(1.3, 0.1, 10.0)
    # Elasticity of take-up with respect to the premium (relative to ``premium_yuan``).
    premium_elasticity: float = between(-0.5, -5.0, 0.0)
    # Pays ``ratio`` of a year's costs still owed above the deductible, counting in-scope
    # costs and ``out_of_scope_covered_share`` of self-paid items, up to a ceiling. The
    # deductible and ceiling are nominal: products have kept a 20,000-yuan deductible.
    deductible_yuan: float = nonneg(20_000.0)
    ratio: float = probability(0.7)
    out_of_scope_covered_share: float = probability(0.5)
    annual_ceiling_yuan: float = positive(1_000_000.0)
    # Repricing each January: the premium moves toward the last three years' claims per
    # premium yuan over the target loss ratio, by at most ``max_premium_change`` a year.
    reprice_to_losses: bool = True
    target_loss_ratio: float = between(0.85, 0.1, 2.0)
    max_premium_change: float = between(0.2, 0.0, 5.0)


@dataclass
class MultiTierConfig(ProtectionConfig):
    _target_: str = "sanyi.model.policies.protection.MultiTier"
    name: str = "multi_tier"
    critical_illness: CriticalIllnessConfig = field(default_factory=CriticalIllnessConfig)
    assistance: AssistanceConfig = field(default_factory=AssistanceConfig)
    commercial: CommercialConfig = field(default_factory=CommercialConfig)


class ExperienceRating:
    """A premium set each year from the losses of the last ``years`` years (the loss-ratio
    method): the premium times their claims over their premiums, over the target loss
    ratio, moving by at most ``max_change`` a year. Pooling years smooths the lumpy claims
    of a simulated population in which each person stands for hundreds."""

    def __init__(self, premium: float, target_loss_ratio: float, max_change: float,
                 years: int = 3) -> None:
        self.premium = premium
        self.target, self.max_change, self.years = target_loss_ratio, max_change, years
        self.history: list[list[float]] = []  # [premiums, claims] of each year, newest last
        self.new_year()

    def new_year(self) -> None:
        self.history = [*self.history[-(self.years - 1):], [0.0, 0.0]] if self.years > 1 else [
            [0.0, 0.0]]

    def add(self, premiums: float = 0.0, claims: float = 0.0) -> None:
        self.history[-1][0] += premiums
        self.history[-1][1] += claims

    def reprice(self) -> None:
        """January: the premium of the new year from the closed years' experience."""
        premiums = sum(p for p, _ in self.history)
        claims = sum(c for _, c in self.history)
        if premiums > 0:
            wanted = self.premium * claims / premiums / self.target
            step = 1 + self.max_change
            self.premium = float(np.clip(wanted, self.premium / step, self.premium * step))
        self.new_year()


def _before_in_run(amount: np.ndarray, tally: np.ndarray,
                   runs: tuple[np.ndarray, np.ndarray, np.ndarray]) -> np.ndarray:
    """Each claim's cumulative base before it: the person's tally of the year plus the
    person's earlier claims this month (claims are in person order)."""
    order, starts, persons = runs
    x = amount[order]
    lengths = np.diff(np.r_[starts, x.size])
    csum = np.cumsum(x)
    earlier = csum - x - np.repeat(csum[starts] - x[starts], lengths)
    out = np.empty_like(amount)
    out[order] = np.repeat(tally[persons].astype(np.float64), lengths) + earlier
    return out


class MultiTier:
    """Critical-illness insurance, medical assistance and commercial supplements."""

    Config = MultiTierConfig

    def __init__(self, cfg: MultiTierConfig,
                 amount_index: Callable[[int], float] = lambda year: 1.0) -> None:
        self.cfg = cfg
        self.amount_index = amount_index
        self.index = 1.0
        self.mean_income: float | None = None  # previous year's, for the threshold
        c, ci = cfg.commercial, cfg.critical_illness
        self.commercial = ExperienceRating(c.premium_yuan, c.target_loss_ratio,
                                           c.max_premium_change if c.reprice_to_losses else 0.0)
        # per resident enrollee-year; set from the financing in the first year
        self.critical_illness = ExperienceRating(0.0, ci.target_loss_ratio, 0.2)

    def attach(self, benefits: object) -> None:
        if self.cfg.critical_illness.enabled:
            benefits.lower_ratios(RESIDENT_FUND, self.cfg.critical_illness.basic_ratio_carve_out)

    # -- January ------------------------------------------------------------------------
    def start_year(self, year: int, pop: PatientPopulation, now: int,
                   rng: np.random.Generator) -> None:
        self.index = self.amount_index(year)
        if self.mean_income is None:  # the run's first year: this year's incomes
            self.mean_income = float(pop.income[pop.alive].mean())
        self.commercial.reprice()
        self.critical_illness.reprice()
        pop.protection[:] = 0
        if self.cfg.assistance.enabled:
            assisted = self._eligible(pop)
            pop.protection[assisted] |= ASSISTED
            self._enrol_assisted(pop, now, assisted)
        if self.cfg.commercial.enabled:
            pop.protection[self._enrol(pop, now, rng)] |= COMMERCIAL

    def _eligible(self, pop: PatientPopulation) -> np.ndarray:
        """The lowest ranked incomes (rural incomes weighted down), ``eligible_share`` of all."""
        a = self.cfg.assistance
        alive = np.flatnonzero(pop.alive)
        n = int(round(a.eligible_share * alive.size))
        if n == 0:
            return alive[:0]
        rank = pop.income[alive] / np.where(pop.rural[alive], a.rural_income_weight, 1.0)
        return alive[np.argpartition(rank, n - 1)[:n]]

    @staticmethod
    def _enrol_assisted(pop: PatientPopulation, now: int, assisted: np.ndarray) -> None:
        """Assistance pays the resident contribution, so no recipient stays uninsured: the
        uninsured among them join the resident scheme for the year (资助参保)."""
        joining = assisted[pop.scheme[assisted] == UNINSURED]
        adult = pop.age_years(now)[joining] >= CHILD_AGE_YEARS
        pop.scheme[joining] = np.where(adult, RESIDENT_ADULT, RESIDENT_CHILD).astype(np.uint8)

    def _enrol(self, pop: PatientPopulation, now: int, rng: np.random.Generator) -> np.ndarray:
        """Each insured person takes the policy for the year with a probability rising with
        age, chronic conditions and income, and falling with the premium."""
        c = self.cfg.commercial
        who = np.flatnonzero(pop.alive & (pop.scheme != UNINSURED))
        age = pop.age_years(now)[who].astype(np.float64)
        income = pop.income[who].astype(np.float64)
        median = float(np.median(income)) if who.size else 1.0
        log_odds = (np.log(c.takeup_at_reference / (1 - c.takeup_at_reference))
                    + np.log(c.odds_per_decade_of_age) * (age - 45) / 10
                    + np.log(c.odds_per_condition) * POPCOUNT[pop.conditions[who]]
                    + np.log(c.odds_per_income_doubling)
                    * np.log2(np.maximum(income, 1.0) / max(median, 1.0)))
        relative_premium = self.commercial.premium / c.premium_yuan
        p = 1 / (1 + np.exp(-log_odds)) * relative_premium ** c.premium_elasticity
        return who[rng.random(who.size) < np.minimum(p, 1.0)]

    def critical_illness_premium(self, financing_per_enrollee: float) -> float:
        ci = self.cfg.critical_illness
        if not ci.enabled:
            return 0.0
        if self.critical_illness.premium == 0.0:  # the first year's contract
            self.critical_illness.premium = ci.premium_share_of_financing * financing_per_enrollee
        return self.critical_illness.premium

    # -- claims -------------------------------------------------------------------------
    def cover(self, claims: Claims, pop: PatientPopulation) -> None:
        """The layers in statutory order, each on what the patient still owes."""
        e = claims.episodes
        n = len(claims)
        in_scope_owed = np.clip(claims.in_scope - claims.fund_pay - claims.account_pay, 0.0,
                                claims.oop)
        out_of_scope_owed = claims.oop - in_scope_owed
        flags = pop.protection[e.person]
        assisted = (flags & ASSISTED) > 0
        claims.critical_illness_pay = np.zeros(n)
        claims.assistance_pay = np.zeros(n)
        claims.commercial_pay = np.zeros(n)
        if self.cfg.critical_illness.enabled:
            resident = e.fund == RESIDENT_FUND
            claims.critical_illness_pay = self._layer(
                np.where(resident, in_scope_owed, 0.0), pop.critical_illness_base_year,
                e.person, lambda base, k: self._critical_illness(base, assisted[k]))
            in_scope_owed = in_scope_owed - claims.critical_illness_pay
            self.critical_illness.add(claims=float(claims.critical_illness_pay.sum()))
        if self.cfg.assistance.enabled:
            a = self.cfg.assistance
            limit = a.annual_limit_yuan * self.index
            claims.assistance_pay = self._layer(
                np.where(assisted, in_scope_owed, 0.0), pop.assistance_base_year, e.person,
                lambda base, k: np.minimum(a.oop_share_covered * base, limit))
            in_scope_owed = in_scope_owed - claims.assistance_pay
        if self.cfg.commercial.enabled:
            c = self.cfg.commercial
            insured = (flags & COMMERCIAL) > 0
            base = in_scope_owed + c.out_of_scope_covered_share * out_of_scope_owed
            deductible, ceiling = c.deductible_yuan, c.annual_ceiling_yuan
            claims.commercial_pay = self._layer(
                np.where(insured, base, 0.0), pop.commercial_base_year, e.person,
                lambda b, k: np.minimum(c.ratio * np.maximum(b - deductible, 0.0), ceiling))
            self.commercial.add(claims=float(claims.commercial_pay.sum()))
        paid = claims.protection_paid
        claims.oop = claims.oop - paid
        add_by_person(pop.oop_year, e.person, -paid)

    @staticmethod
    def _layer(amount: np.ndarray, tally: np.ndarray, person: np.ndarray,
               pays: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> np.ndarray:
        """A layer's payment on each claim: what its yearly payment function ``pays`` owes on
        the person's base after the claim less what it owed before (claims in person order).

        ``pays(base, k)`` gives the year's payment for bases of claims ``k``; only the claims
        with something owed enter (most have nothing).
        """
        out = np.zeros(amount.size)
        k = np.flatnonzero(amount > 0)
        if k.size == 0:
            return out
        x = amount[k]
        before = _before_in_run(x, tally, group_by_person(person[k]))
        out[k] = np.clip(pays(before + x, k) - pays(before, k), 0.0, x)
        add_by_person(tally, person[k], x)
        return out

    def _critical_illness(self, base: np.ndarray, assisted: np.ndarray) -> np.ndarray:
        """The year's critical-illness payment on a year's in-scope costs owed of ``base``."""
        ci = self.cfg.critical_illness
        threshold = ci.threshold_share_of_income * self.mean_income
        threshold = np.where(assisted, threshold * ci.assisted_threshold_factor, threshold)
        bonus = np.where(assisted, ci.assisted_rate_bonus, 0.0)
        above = np.maximum(base - threshold, 0.0)
        band = ci.first_band_yuan * self.index
        paid = ((ci.rate_first_band + bonus) * np.minimum(above, band)
                + (ci.rate_above_band + bonus) * np.maximum(above - band, 0.0))
        return np.where(assisted, paid, np.minimum(paid, ci.annual_ceiling_yuan * self.index))

    # -- the month and the year ---------------------------------------------------------
    def month(self, pop: PatientPopulation, individual_contribution: float) -> ProtectionMonth:
        """Premiums of the month: assistance pays assisted residents' contributions; the
        commercially insured pay the premium."""
        group = FUND_OF_SCHEME[pop.scheme]
        key = group.astype(np.int64) * 4 + pop.protection
        cells = np.bincount(key, weights=pop.alive, minlength=12).reshape(3, 4)
        assisted = cells[:, 1] + cells[:, 3]
        enrolled = cells[:, 2] + cells[:, 3]
        resident_assisted = np.array([0.0, assisted[1], 0.0])
        out = ProtectionMonth(
            assistance_contributions=resident_assisted * individual_contribution / 12,
            commercial_premiums=enrolled * self.commercial.premium / 12,
            assisted=assisted, commercial_enrollees=enrolled)
        self.commercial.add(premiums=float(out.commercial_premiums.sum()))
        residents = cells[RESIDENT_FUND].sum()  # the resident fund's premium, as it paid it
        self.critical_illness.add(premiums=residents * self.critical_illness.premium / 12)
        return out

    def close_year(self, pop: PatientPopulation) -> None:
        self.mean_income = float(pop.income[pop.alive].mean())

