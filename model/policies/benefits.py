"""Benefit packages: who pays what share of a claim, and the statutory retirement age.

A package turns billed claims into pooled-fund payments, personal-account payments and
out-of-pocket payments, following the NHSA's rules in stylised form: a share of charges is
outside the policy scope (self-paid), inpatient care has a deductible per admission and a
reimbursement ratio by tier and scheme, outpatient care a flat ratio (higher for chronic
disease under outpatient pooling), payments stop at an annual ceiling per person, and
employees pay their outpatient share from their personal account while it lasts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import numpy as np

from sanyi.agents.patients.population import CONDITIONS, PatientPopulation, month_index
from sanyi.model.batches import ADMISSION, CHRONIC_VISIT, Claims
from sanyi.model.config import BenefitsConfig, SchemeBenefits

N_FUNDS = 2  # 0 employee, 1 resident; index 2 stands for the uninsured


class RetirementRule:
    """Statutory retirement age in months, with or without the gradual delay of 2025.

    The NPC Standing Committee decision of September 2024, in force from January 2025:
    men 60 -> 63 and female cadres 55 -> 58 by one month for every four months of birth
    cohort (from those born in January 1965 and January 1970), female workers 50 -> 55 by
    one month for every two months (from those born in January 1975).
    """

    # (base age in years, first birth month delayed, birth months per month of delay, cap)
    MEN = (60, month_index(1965), 4, 36)
    FEMALE_CADRES = (55, month_index(1970), 4, 36)
    FEMALE_WORKERS = (50, month_index(1975), 2, 60)

    def __init__(self, delay: bool) -> None:
        self.delay = delay

    def _rule(self, birth_month: np.ndarray, rule: tuple[int, int, int, int]) -> np.ndarray:
        base, first, per, cap = rule
        months = np.full(birth_month.shape, base * 12, dtype=np.int32)
        if self.delay:
            since = birth_month.astype(np.int32) - first
            months += np.where(since >= 0, np.minimum(since // per + 1, cap), 0)
        return months

    def age_months(self, birth_month: np.ndarray, female: np.ndarray,
                   cadre: np.ndarray) -> np.ndarray:
        men = self._rule(birth_month, self.MEN)
        cadres = self._rule(birth_month, self.FEMALE_CADRES)
        workers = self._rule(birth_month, self.FEMALE_WORKERS)
        return np.where(female, np.where(cadre, cadres, workers), men).astype(np.int16)


class BenefitPackage(Protocol):
    """What a benefits policy offers the rest of the model."""

    retirement: RetirementRule

    def start_year(self, year: int) -> None:
        """Rules in force in ``year`` (reforms that take effect on a date)."""

    def patient_share(self, fund: np.ndarray, retiree: np.ndarray, kind: int,
                      level: np.ndarray) -> np.ndarray:
        """Expected share of charges patients pay, by episode and tier (n, 3)."""

    def deductible(self, fund: np.ndarray, kind: int) -> np.ndarray:
        """Deductible per episode and tier (n, 3), yuan at simulated scale."""

    def cover(self, claims: Claims, pop: PatientPopulation, level: np.ndarray) -> None:
        """Fill ``claims.in_scope/fund_pay/account_pay/oop``; update the persons' tallies."""

    def shift_to_patients(self, claims: Claims, pop: PatientPopulation, mine: np.ndarray,
                          share: float) -> None:
        """A depleted fund pays only part of its share of claims ``mine``: patients pay the rest."""


def _by_fund_tier(employee: SchemeBenefits, resident: SchemeBenefits, name: str) -> np.ndarray:
    """(3 funds, 3 tiers) table of a by-tier parameter; the uninsured row is zero."""
    return np.array([getattr(employee, name).as_tuple(), getattr(resident, name).as_tuple(),
                     (0.0, 0.0, 0.0)])


def _by_fund(employee: SchemeBenefits, resident: SchemeBenefits, name: str) -> np.ndarray:
    return np.array([getattr(employee, name), getattr(resident, name), 0.0])


def group_by_person(person: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Order sorting claims by person (stable), start of each person's run, the persons.

    Claims that already come in person order (the model's do) need no sort.
    """
    if person.size == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, empty
    ordered = bool(np.all(person[1:] >= person[:-1]))
    order = np.arange(person.size) if ordered else np.argsort(person, kind="stable")
    sorted_p = person[order]
    starts = np.flatnonzero(np.r_[True, sorted_p[1:] != sorted_p[:-1]])
    return order, starts, sorted_p[starts]


def cap_cumulative(amount: np.ndarray, available: np.ndarray,
                   grouping: tuple[np.ndarray, np.ndarray, np.ndarray]) -> np.ndarray:
    """Pay claims in order until each person's ``available`` amount is used up.

    ``available`` is per person of the grouping (one entry per run of claims).
    """
    order, starts, _ = grouping
    if amount.size == 0:
        return amount.copy()
    out = np.empty_like(amount)
    out[order] = _cap_runs(amount[order], available, starts)
    return out


def _cap_runs(x: np.ndarray, available: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """``cap_cumulative`` of claims already in run order (``starts`` opens each run).

    In place on few claim-length arrays (the month's peak memory is in these caps); the
    same operations in the same order as the rule reads.
    """
    csum = np.cumsum(x)
    lengths = np.diff(np.r_[starts, x.size])
    run_start = csum[starts] - x[starts]
    # ``before`` is a difference of month-long running sums: below their rounding error a
    # room is nothing left (a zero limit pays exactly nothing)
    tolerance = 1e-12 * max(abs(float(csum[-1])), 1.0)
    before = np.subtract(csum, x, out=csum)
    before -= np.repeat(run_start, lengths)  # paid earlier in the month
    room = np.subtract(np.repeat(available, lengths), before, out=before)
    room[room <= tolerance] = 0.0
    return np.clip(room, 0.0, x, out=room)


def cap_by_person(amount: np.ndarray, room: np.ndarray,
                  grouping: tuple[np.ndarray, np.ndarray, np.ndarray | None],
                  out: np.ndarray | None = None) -> np.ndarray:
    """Pay claims in order until each person's ``room`` (given per claim) is used up.

    Most persons stay far from their limits: only the claims of persons whose month's total
    exceeds their room are paid in sequence (``cap_cumulative``). ``out`` (which may be
    ``amount`` itself, a caller's scratch) receives the payments instead of a new array.
    """
    order, starts, _ = grouping
    if out is None:
        paid = amount.copy()
    else:
        np.copyto(out, amount)
        paid = out
    if amount.size == 0:
        return paid
    # The model's claims come in person order: then ``order`` is the identity, and the
    # gathers through it are copies that can be skipped.
    ordered = bool(np.all(order[1:] > order[:-1]))
    available = np.maximum(room[starts if ordered else order[starts]], 0.0)
    risky = np.add.reduceat(amount if ordered else amount[order], starts) > available
    if risky.any():
        lengths = np.diff(np.r_[starts, amount.size])
        mine = np.repeat(risky, lengths)
        claims = np.flatnonzero(mine) if ordered else order[mine]  # risky persons' claims
        sub_starts = np.r_[0, np.cumsum(lengths[risky])[:-1]]
        paid[claims] = _cap_runs(amount[claims], available[risky], sub_starts)
    return paid


def add_by_person(target: np.ndarray, person: np.ndarray, amount: np.ndarray) -> None:
    """``target[person] += amount``, adding up a person's several claims."""
    np.add.at(target, person, amount.astype(target.dtype))


# Outpatient channels (each with its ratio and yearly limit per person): the general
# outpatient pool, the "two diseases" (hypertension and diabetes medicines), and chronic and
# special diseases (the other conditions), paid like inpatient care.
GENERAL, TWO_DISEASE, SPECIAL = 0, 1, 2
SPECIAL_MASK = np.uint8(sum(1 << CONDITIONS.index(c)
                            for c in ("copd", "chd", "stroke", "cancer", "ckd")))
_TALLY = {GENERAL: "outpatient_fund_year", TWO_DISEASE: "two_disease_fund_year",
          SPECIAL: "special_fund_year"}


class CurrentBenefits:
    """The benefit rules in force (stylised NHSA rules; levels in ``conf/benefits``)."""

    Config = BenefitsConfig

    def __init__(self, cfg: BenefitsConfig,
                 amount_index: Callable[[int], float] = lambda year: 1.0) -> None:
        emp, res = cfg.employee, cfg.resident
        self.cfg = cfg
        self.amount_index = amount_index
        self.retirement = RetirementRule(cfg.retirement_delay)
        self.ratio = _by_fund_tier(emp, res, "inpatient_ratio")
        self.out_of_scope = _by_fund_tier(emp, res, "out_of_scope_share")
        self.out_of_scope[2] = 0.0
        self.retiree_bonus = _by_fund(emp, res, "retiree_ratio_bonus")
        self.start_year(cfg.employee_financing.account_reform_year)

    def lower_ratios(self, fund: int, points: float) -> None:
        """Take ``points`` off a fund's inpatient ratios at every tier: what a layer beyond
        basic insurance pays instead (the resident ratios include critical illness)."""
        self.ratio[fund] = np.maximum(self.ratio[fund] - points, 0.0)

    def start_year(self, year: int) -> None:
        """The rules of ``year``: amounts in yuan indexed, the 2021 outpatient reform.

        Deductibles, limits and ceilings are set in price-year yuan and move with
        ``amount_index`` (wages, by default in the model), as local rules are revised; the
        general outpatient pool widened with the outpatient mutual-aid reform. Amounts are per
        real person: each simulated claim is one real claim's amount (the population scale
        factor applies to totals only).
        """
        emp, res = self.cfg.employee, self.cfg.resident
        index = self.amount_index(year)
        self.deductible_table = _by_fund_tier(emp, res, "inpatient_deductible_yuan") * index
        self.ceiling = _by_fund(emp, res, "annual_ceiling_yuan") * index
        reformed = self.cfg.employee_financing.account_reform_share(year)

        def general(after: str, before: str) -> np.ndarray:  # as far as the reform went
            return (1 - reformed) * _by_fund(emp, res, before) + reformed * _by_fund(emp, res, after)

        self.outpatient_deductible = general("outpatient_deductible_yuan",
                                             "outpatient_deductible_before_reform_yuan") * index
        self.channel_ratio = np.stack([  # (channels, funds)
            general("outpatient_ratio", "outpatient_ratio_before_reform"),
            _by_fund(emp, res, "two_disease_ratio"), _by_fund(emp, res, "special_disease_ratio")])
        self.channel_limit = np.stack([
            general("outpatient_annual_limit_yuan", "outpatient_annual_limit_before_reform_yuan"),
            _by_fund(emp, res, "two_disease_annual_limit_yuan"),
            _by_fund(emp, res, "special_disease_annual_limit_yuan")]) * index

    def _level(self, fund: np.ndarray, level: np.ndarray) -> np.ndarray:
        """Benefit level of each episode's fund (1 = as legislated; the uninsured get 0)."""
        return np.r_[level, 0.0][fund]

    @staticmethod
    def channel(kind: np.ndarray, conditions: np.ndarray) -> np.ndarray:
        """Outpatient channel of each claim (chronic follow-ups by the conditions treated;
        an admission's pre-admission tests go to the general pool)."""
        chronic = np.where((conditions & SPECIAL_MASK) > 0, np.int8(SPECIAL), np.int8(TWO_DISEASE))
        return np.where(kind == CHRONIC_VISIT, chronic, np.int8(GENERAL))

    def _tier_ratios(self, f: np.ndarray, retiree: np.ndarray, kind: int,
                     level: np.ndarray) -> np.ndarray:
        """Reimbursement ratio each episode would get at each tier, shape (n, 3).

        Chronic follow-ups are priced at the two-disease channel, the most common one.
        """
        if kind == ADMISSION:
            ratio = self.ratio[f] + (self.retiree_bonus[f] * retiree)[:, None]
        else:
            flat = self.channel_ratio[TWO_DISEASE if kind == CHRONIC_VISIT else GENERAL, f]
            ratio = np.repeat(flat[:, None], 3, axis=1)
        return np.clip(ratio * self._level(f, level)[:, None], 0.0, 1.0)

    def patient_share(self, fund: np.ndarray, retiree: np.ndarray, kind: int,
                      level: np.ndarray) -> np.ndarray:
        ratio = self._tier_ratios(fund, retiree, kind, level)
        oos = self.out_of_scope[fund]
        return 1 - (1 - oos) * ratio

    def deductible(self, fund: np.ndarray, kind: int) -> np.ndarray:
        if kind != ADMISSION:
            return np.zeros((fund.size, 3))
        return self.deductible_table[fund]

    def cover(self, claims: Claims, pop: PatientPopulation, level: np.ndarray) -> None:
        """Split each claim between the pooled fund, the personal account and the patient.

        The month's peak memory is here, so the rules run in place on a few claim-length
        arrays, and per-claim rates are looked up in small tables by (fund, tier, retiree);
        each value is computed by the same operations in the same order as the rules read,
        so the results are the same to the bit.
        """
        e, person = claims.episodes, claims.episodes.person
        cell = e.fund * np.int8(3) + e.tier  # (fund, tier), int8
        inpatient = e.kind == ADMISSION
        runs = group_by_person(person)[:2] + (None,)  # the persons' ids are not needed
        within = (1 - self.out_of_scope).ravel()[cell]
        in_scope = claims.total_charge - claims.self_pay_charge
        in_scope *= within  # self-paid items: all patients'
        outpatient = claims.shifted_charge * within  # billed as a pre-admission outpatient visit
        del within
        nominal = self._inpatient(in_scope, outpatient, cell * np.int8(2) + e.retiree, level)
        nominal[~inpatient] = 0.0
        np.copyto(outpatient, in_scope, where=~inpatient)  # all of a visit is outpatient
        self._outpatient(claims, outpatient, pop, runs, level, nominal)
        del outpatient
        room = self.ceiling[e.fund]
        room -= pop.fund_year[person]
        fund_pay = cap_by_person(nominal, room, runs)
        del nominal, room
        patient = claims.total_charge
        patient -= fund_pay
        from_account = np.where((e.fund == 0) & ~inpatient, patient, 0.0)
        account_pay = cap_by_person(from_account, pop.account[person], runs)
        del from_account
        patient -= account_pay  # now out of pocket
        claims.in_scope, claims.fund_pay, claims.account_pay = in_scope, fund_pay, account_pay
        claims.oop = patient
        add_by_person(pop.fund_year, person, fund_pay)
        add_by_person(pop.account, person, -account_pay)
        add_by_person(pop.oop_year, person, claims.oop)

    def _inpatient(self, in_scope: np.ndarray, outpatient: np.ndarray, cell: np.ndarray,
                   level: np.ndarray) -> np.ndarray:
        """Fund payment of each claim as an admission (the caller keeps admissions' only):
        the in-scope charges of the stay above the deductible, at the episode's ratio.

        ``cell`` is (fund * 3 + tier) * 2 + retiree.
        """
        lvl = np.r_[level, 0.0][:, None, None]
        bonus = self.retiree_bonus[:, None, None] * np.array([False, True])
        ratio = np.clip((self.ratio[:, :, None] + bonus) * lvl, 0.0, 1.0)
        deductible = np.repeat(self.deductible_table.ravel(), 2)
        stay = in_scope - outpatient
        stay -= deductible[cell]
        np.maximum(stay, 0.0, out=stay)
        stay *= ratio.ravel()[cell]
        return stay

    def _outpatient(self, claims: Claims, in_scope: np.ndarray, pop: PatientPopulation,
                    runs: tuple[np.ndarray, np.ndarray, np.ndarray], level: np.ndarray,
                    paid: np.ndarray) -> None:
        """Fund payments for outpatient care, channel by channel, within yearly limits,
        added to ``paid`` (a claim is in one channel: the sum is the same as apart).

        ``in_scope`` is the outpatient part of each claim: all of a visit, and of an admission
        the tests billed before it as an outpatient visit (general pool). The general pool
        pays only above the person's yearly outpatient deductible. ``in_scope`` is the
        caller's scratch: it is overwritten with the amounts the channels' ratios apply to.
        """
        e, person, f = claims.episodes, claims.episodes.person, claims.episodes.fund
        outpatient = in_scope > 0
        channel = self.channel(e.kind, e.conditions)
        general = channel == GENERAL
        amount = np.where(outpatient & general, in_scope, 0.0)
        room = self.outpatient_deductible[f]
        room -= pop.outpatient_deductible_year[person]
        below_deductible = cap_by_person(amount, room, runs, out=amount)
        add_by_person(pop.outpatient_deductible_year, person, below_deductible)
        eligible = np.subtract(in_scope, below_deductible, out=in_scope, where=general)
        del below_deductible, general
        lvl = np.r_[level, 0.0]
        for k, tally_name in _TALLY.items():
            ratio = np.clip(self.channel_ratio[k] * lvl, 0.0, 1.0)
            np.multiply(eligible, ratio[f], out=amount)
            amount[~(outpatient & (channel == k))] = 0.0
            tally = getattr(pop, tally_name)
            room = self.channel_limit[k, f]
            room -= tally[person]
            capped = cap_by_person(amount, room, runs, out=amount)
            add_by_person(tally, person, capped)
            paid += capped

    def shift_to_patients(self, claims: Claims, pop: PatientPopulation, mine: np.ndarray,
                          share: float) -> None:
        moved = np.where(mine, claims.fund_pay * share, 0.0)
        claims.fund_pay = claims.fund_pay - moved
        claims.oop = claims.oop + moved
        add_by_person(pop.fund_year, claims.episodes.person, -moved)
        add_by_person(pop.oop_year, claims.episodes.person, moved)
