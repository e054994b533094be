"""Care demand: who seeks which care this month, who forgoes it, and at which tier.

Three streams of demand: monthly chronic follow-up with medication (adherence falls with
out-of-pocket cost), acute outpatient visits and acute admissions by age (plus admissions for
complications of chronic disease). Demand responds to the patient's share of the price with
a constant elasticity; care is forgone with a probability rising in the out-of-pocket cost
relative to monthly income. The tier is a multinomial-logit choice on out-of-pocket price,
quality, distance and referral, restricted by severity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agents.patients.population import FUND_OF_SCHEME, POPCOUNT, RETIREE, PatientPopulation
from model import inputs
from model.batches import ACUTE_VISIT, ADMISSION, CHRONIC_VISIT, Episodes
from model.config import SanyiConfig
from model.costing import Costing
from model.policies.benefits import BenefitPackage
from model.streams import Streams

AGE_BAND_EDGES = np.array([15, 45, 60, 70, 80])  # bands of the care_use rate lists
REFERENCE_PATIENT_SHARE = 0.3  # demand rates in config hold at this share of the price
MIN_MONTHLY_INCOME = 300.0  # yuan; floor for the cost-to-income ratios
MIN_TIER_BY_SEVERITY = np.array([0, 0, 1])  # severe cases need at least a county hospital


@dataclass
class DemandTally:
    """Episodes sought and forgone this month by fund (0 employee, 1 resident, 2 none)."""

    sought: np.ndarray
    forgone: np.ndarray


@dataclass
class TierSetting:
    """What patients see of each tier: quality and distance (urban, rural)."""

    quality: np.ndarray  # (3,)
    distance_km: np.ndarray  # (2 urban/rural, 3)


class CareSeeking:
    """Turns the population's needs into ``Episodes`` at chosen hospitals."""

    def __init__(self, cfg: SanyiConfig, streams: Streams, benefits: BenefitPackage,
                 costing: Costing, tiers: TierSetting, alliance: np.ndarray) -> None:
        self.cfg = cfg
        self.streams = streams
        self.benefits = benefits
        self.costing = costing
        self.tiers = tiers
        self.alliance = alliance  # (n_primary, 3) hospital index by home facility and tier
        cu = cfg.population.care_use
        ages = np.arange(inputs.N_AGES)
        band = np.searchsorted(AGE_BAND_EDGES, ages, side="right")
        admit = np.asarray(cu.admission_rate_by_age)[band]
        maternity = np.where((ages >= 20) & (ages < 40), cu.maternity_admission_rate, 0.0)
        self.admission_rate = np.stack([admit, admit + maternity], axis=1).ravel()  # per year
        self.outpatient_rate = np.repeat(np.asarray(cu.outpatient_rate_by_age)[band], 2)
        self.shock = 1.0

    def start_year(self, year: int) -> None:
        """Utilisation of the year: trend since the price year times any historical shock."""
        sc = self.cfg.scenario
        trend = (1 + sc.utilisation_growth_per_year) ** (year - self.cfg.pricing.price_year)
        self.shock = trend * sc.utilisation_shock(year)

    # -- shared pieces ------------------------------------------------------------------
    def _demand_multiplier(self, share: np.ndarray) -> np.ndarray:
        """Constant-elasticity response of demand to the patient's share of the price."""
        ratio = np.maximum(share, 0.02) / REFERENCE_PATIENT_SHARE
        return ratio ** self.cfg.behaviour.oop_elasticity

    def _forgo_probability(self, oop: np.ndarray, income: np.ndarray) -> np.ndarray:
        b = self.cfg.behaviour
        burden = oop / np.maximum(income / 12, MIN_MONTHLY_INCOME)
        return b.forgone_max / (1 + np.exp(-b.forgone_slope * (burden - b.forgone_pivot)))

    def _choose_tier(self, oop: np.ndarray, income: np.ndarray, rural: np.ndarray,
                     min_tier: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Multinomial-logit tier choice; ``u`` is one uniform per episode."""
        c = self.cfg.behaviour.choice
        burden = oop / np.maximum(income / 12, MIN_MONTHLY_INCOME)[:, None]
        utility = (c.oop_per_monthly_income * burden + c.quality * self.tiers.quality
                   + c.distance_per_10km * self.tiers.distance_km[rural.astype(np.int64)] / 10
                   + np.array([0.0, c.secondary_constant + c.bypass_referral,
                               c.tertiary_constant + c.bypass_referral]))
        utility = np.where(np.arange(3) >= min_tier[:, None], utility, -np.inf)
        weights = np.exp(utility - utility.max(axis=1, keepdims=True))
        cum = np.cumsum(weights, axis=1)
        return (cum < (u * cum[:, -1])[:, None]).sum(axis=1).astype(np.int8)

    def _episodes(self, pop: PatientPopulation, who: np.ndarray, kind: int,
                  severity: np.ndarray, cause: np.ndarray, tier: np.ndarray) -> Episodes:
        return Episodes(
            person=who, fund=FUND_OF_SCHEME[pop.scheme[who]], retiree=pop.scheme[who] == RETIREE,
            kind=np.full(who.size, kind, dtype=np.uint8), severity=severity.astype(np.int8),
            cause=cause.astype(np.int8), conditions=pop.conditions[who], rural=pop.rural[who],
            tier=tier, hospital=self.alliance[pop.home[who], tier].astype(np.int16),
        )

    def _price_and_choose(self, pop: PatientPopulation, who: np.ndarray, kind: int,
                          charges: np.ndarray, severity: np.ndarray, u_forgo: np.ndarray,
                          u_choice: np.ndarray, level: np.ndarray,
                          emergency: np.ndarray | None = None,
                          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Expected out-of-pocket cost by tier, the tier chosen, then forgone care.

        Emergencies are never forgone. Returns (kept persons, their tiers, forgone mask over
        ``who``).
        """
        fund = FUND_OF_SCHEME[pop.scheme[who]]
        retiree = pop.scheme[who] == RETIREE
        share = self.benefits.patient_share(fund, retiree, kind, level)
        deductible = self.benefits.deductible(fund, kind)
        oop = charges * share + np.minimum(deductible, charges) * (1 - share)
        income = pop.income[who]
        min_tier = MIN_TIER_BY_SEVERITY[severity]
        tier = self._choose_tier(oop, income, pop.rural[who], min_tier, u_choice)
        chosen_oop = np.take_along_axis(oop, tier[:, None].astype(np.int64), axis=1)[:, 0]
        forgone = u_forgo < self._forgo_probability(chosen_oop, income)
        if emergency is not None:
            forgone &= ~emergency
        return who[~forgone], tier[~forgone], forgone

    # -- the month ------------------------------------------------------------------------
    def seek(self, pop: PatientPopulation, now: int, events: tuple[np.ndarray, np.ndarray],
             level: np.ndarray) -> tuple[Episodes, np.ndarray, DemandTally]:
        """Episodes of the month, the adherence of every slot, and the demand tally."""
        n = pop.capacity
        acute_u = self.streams.acute_care.uniforms(4 * n).reshape(4, n)
        chronic_u = self.streams.chronic_care.uniforms(2 * n).reshape(2, n)
        choice_u = self.streams.choice.uniforms(3 * n).reshape(3, n)
        tally = DemandTally(sought=np.zeros(3), forgone=np.zeros(3))
        parts: list[Episodes] = []
        adherent = np.zeros(n, dtype=bool)

        who = np.flatnonzero(pop.alive & (pop.conditions > 0))
        ep = self._chronic(pop, who, chronic_u, choice_u[0], level, tally)
        adherent[ep.person] = True
        parts.append(ep)
        parts.append(self._acute_visits(pop, now, acute_u, choice_u[1], level, tally))
        parts.append(self._admissions(pop, now, events, acute_u, choice_u[2], level, tally))
        return Episodes.concat(parts), adherent, tally

    def _count(self, tally: DemandTally, pop: PatientPopulation, who: np.ndarray,
               forgone: np.ndarray) -> None:
        fund = FUND_OF_SCHEME[pop.scheme[who]]
        tally.sought += np.bincount(fund, minlength=3)
        tally.forgone += np.bincount(fund[forgone], minlength=3)

    def _chronic(self, pop: PatientPopulation, who: np.ndarray, u: np.ndarray,
                 u_choice: np.ndarray, level: np.ndarray, tally: DemandTally) -> Episodes:
        fund = FUND_OF_SCHEME[pop.scheme[who]]
        share = self.benefits.patient_share(fund, pop.scheme[who] == RETIREE, CHRONIC_VISIT,
                                            level)[:, 0]
        p = self.cfg.behaviour.adherence_at_zero_cost * self._demand_multiplier(share)
        seeks = who[u[0, who] < np.minimum(p, 1.0)]
        charges = self.costing.chronic_visit(pop.conditions[seeks], pop.rural[seeks])
        severity = np.zeros(seeks.size, dtype=np.int64)
        kept, tier, forgone = self._price_and_choose(
            pop, seeks, CHRONIC_VISIT, charges, severity, u[1, seeks], u_choice[seeks], level)
        self._count(tally, pop, seeks, forgone)
        return self._episodes(pop, kept, CHRONIC_VISIT, np.zeros(kept.size),
                              np.full(kept.size, -1), tier)

    def _acute_visits(self, pop: PatientPopulation, now: int, u: np.ndarray,
                      u_choice: np.ndarray, level: np.ndarray, tally: DemandTally) -> Episodes:
        cell = self._cells(pop, now)
        share = self._share_if_insured(pop, ACUTE_VISIT, level)
        p = self.outpatient_rate[cell] / 12 * self.shock * self._demand_multiplier(share)
        who = np.flatnonzero(pop.alive & (u[0] < p))
        charges = self.costing.acute_visit(pop.rural[who])
        severity = np.zeros(who.size, dtype=np.int64)
        kept, tier, forgone = self._price_and_choose(
            pop, who, ACUTE_VISIT, charges, severity, u[3, who], u_choice[who], level)
        self._count(tally, pop, who, forgone)
        return self._episodes(pop, kept, ACUTE_VISIT, np.zeros(kept.size),
                              np.full(kept.size, -1), tier)

    def _admissions(self, pop: PatientPopulation, now: int,
                    events: tuple[np.ndarray, np.ndarray], u: np.ndarray, u_choice: np.ndarray,
                    level: np.ndarray, tally: DemandTally) -> Episodes:
        cell = self._cells(pop, now)
        cu = self.cfg.population.care_use
        share = self._share_if_insured(pop, ADMISSION, level)
        yearly = (self.admission_rate[cell] + cu.admission_rate_per_condition * POPCOUNT[
            pop.conditions]) * np.where(pop.rural, cu.rural_admission_factor, 1.0)
        p = yearly / 12 * self.shock * self._demand_multiplier(share)
        acute = np.flatnonzero(pop.alive & (u[1] < p))
        complicated, cause = events
        sev_cum = np.cumsum(cu.severity_shares)
        severity = np.minimum(np.searchsorted(sev_cum, u[2, acute], side="right"), 2)
        who = np.concatenate([acute, complicated])
        severity = np.concatenate([severity, np.full(complicated.size, 2)])
        causes = np.concatenate([np.full(acute.size, -1), cause])
        charges = self.costing.admission(severity, pop.rural[who])
        emergency = np.arange(who.size) >= acute.size
        kept, tier, forgone = self._price_and_choose(
            pop, who, ADMISSION, charges, severity, u[3, who], u_choice[who], level, emergency)
        self._count(tally, pop, who, forgone)
        keep = ~forgone
        return self._episodes(pop, kept, ADMISSION, severity[keep], causes[keep], tier)

    def _cells(self, pop: PatientPopulation, now: int) -> np.ndarray:
        age = np.minimum(pop.age_years(now), inputs.MAX_AGE).astype(np.int32)
        return age * 2 + pop.female

    def _share_if_insured(self, pop: PatientPopulation, kind: int,
                          level: np.ndarray) -> np.ndarray:
        """Patient share of a typical (secondary-tier) case for every slot's scheme."""
        shares = np.empty(3)
        for fund in range(3):
            shares[fund] = self.benefits.patient_share(
                np.array([fund]), np.array([False]), kind, level)[0, 1]
        return shares[FUND_OF_SCHEME[pop.scheme]]
