"""Strategic hospitals: the yearly best response of a hospital to its payment method.

Following Ellis & McGuire (J Health Econ 1986), a hospital weighs its profit against its
patients' benefit: for each case group g it chooses treatment intensity x and length of stay
l (relative to the clinical norm of the tariff) to maximise

    U_g(x, l) = (1 - a) [R_g(x, l) - C_g(x, l)] + a B_g(x, l),
    B_g(x, l) = -V_g [b_x (x - x*)^2 + b_l (l - l*)^2],

where R is what the payment method pays for the case (``PaymentMethod.case_revenue``), C the
hospital's cost (variable share of services, drugs and devices at purchase price), V the
case's value at the norm, a the altruism weight, and x* = 1 - d_x, l* = 1 - d_l the patient
optimum. The curvatures b are calibrated so that fee-for-service at zero markup, with a = 0.5,
chooses exactly the norm (x = l = 1): the norm of the calibrated baseline *is* the FFS
equilibrium, over-treating by d_x and over-staying by d_l. Upcoding, diversion of mild
admissions, transfers of severe cases and cost shifting are chosen from their expected gains
net of expected audit penalties (audit probability q, penalty p on top of the recovery) and of
their cost to patients. Each year a hospital moves ``adaptation_speed`` of the way to the new
best response, evaluated in bulk on last year's case mix (no loop over patients).
docs/payment.md writes it all out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from sanyi.agents.hospital import VARIABLE_COST_SHARE
from sanyi.model.batches import N_GROUPS, N_SEVERITIES
from sanyi.model.config import HospitalBehaviourConfig, PaymentConfig
from sanyi.model.policies.payment import CaseView

if TYPE_CHECKING:
    from sanyi.agents.hospital import Hospital, HospitalDecisions

ALTRUISM_REFERENCE = 0.5  # the altruism at which fee-for-service chooses the norm
GRID = np.round(np.arange(0.6, 1.4001, 0.01), 2)
CORONARY = (1 + 3, 1 + 1)  # diagnoses behind coronary events (chd, diabetes): stents
STENT_SHARE = 0.5
SCALE = 0.03  # utility differences, as a share of the case's value, that tip a share choice


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-np.clip(z, -50, 50)))


@dataclass
class GroupCosts:
    """Charges and costs of a representative case of each group at one hospital, at the norm."""

    bed: np.ndarray  # bed-day charges (scale with stay)
    procedure: np.ndarray  # procedures (scale with x)
    drugs: np.ndarray  # drug charges (scale with stay)
    stent: np.ndarray  # expected device charge (probability x price)
    markup: float
    los: np.ndarray  # norm stay, days

    @property
    def value(self) -> np.ndarray:
        return self.bed + self.procedure + self.drugs + self.stent

    def charges(self, x: np.ndarray, stay: np.ndarray, k: int | slice = slice(None)) -> np.ndarray:
        """Charges at intensity x and relative stay (group k, or every group elementwise)."""
        return stay * (self.bed[k] + self.drugs[k]) + x * self.procedure[k] + self.stent[k]

    def cost(self, x: np.ndarray, stay: np.ndarray, k: int | slice = slice(None)) -> np.ndarray:
        service = stay * self.bed[k] + x * self.procedure[k]
        return (VARIABLE_COST_SHARE * service
                + (stay * self.drugs[k] + self.stent[k]) / (1 + self.markup))


class BestResponse:
    """The decision rule of strategic hospitals (``behaviour.hospital.rule=best_response``)."""

    def __init__(self, cfg: HospitalBehaviourConfig, supervision: PaymentConfig, model) -> None:
        self.cfg = cfg
        self.audit = supervision.audit_probability * (1 + supervision.audit_penalty)
        self.model = model
        self.x_opt = 1 - cfg.overtreatment_under_ffs
        self.l_opt = 1 - cfg.overstay_under_ffs

    # -- the case groups of a hospital ----------------------------------------------------
    def _groups(self, hospital: Hospital, level: float) -> GroupCosts:
        """Representative cases at the hospital's own price level (rural facilities charge
        less) and this year's tariff."""
        tariff, t = self.model.tariff, hospital.tier
        severity = np.arange(N_GROUPS) % N_SEVERITIES
        diagnosis = np.arange(N_GROUPS) // N_SEVERITIES
        los = tariff.norm_los(np.full(N_GROUPS, t), severity)
        prices = tariff.prices
        drug_day = tariff.pricing.inpatient_drug_days_per_bed_day * tariff.class_price[
            tariff.acute_class, t]
        stent = np.where(np.isin(diagnosis, CORONARY) & (t >= 1), STENT_SHARE, 0.0)
        return GroupCosts(bed=los * prices.bed_day[t] * level,
                          procedure=prices.procedure[t] * tariff.severity_cost[severity] * level,
                          drugs=los * drug_day, stent=stent * tariff.stent_price(),
                          markup=prices.markup, los=los)

    def _curvature(self, g: GroupCosts) -> tuple[np.ndarray, np.ndarray]:
        """b_x, b_l: fee-for-service at zero markup and the reference altruism picks the norm."""
        a0, v = ALTRUISM_REFERENCE, VARIABLE_COST_SHARE
        margin = (1 - a0) * (1 - v) / (2 * a0 * g.value)
        return (margin * g.procedure / self.cfg.overtreatment_under_ffs,
                margin * g.bed / self.cfg.overstay_under_ffs)

    def _revenue(self, hospital: Hospital, severity: np.ndarray, diagnosis: np.ndarray,
                 charges: np.ndarray, los: np.ndarray, fund_share: float) -> np.ndarray:
        view = CaseView(hospital=hospital.index, tier=hospital.tier, diagnosis=diagnosis,
                        coded_severity=severity, procedure=np.zeros(charges.size, np.int64),
                        charges=charges, los=los, fund_share=np.full(charges.size, fund_share))
        return self.model.payment.case_revenue(view, self.model.year)

    # -- the rule -------------------------------------------------------------------------
    def decide(self, hospital: Hospital) -> HospitalDecisions:
        current = hospital.decisions
        if current is None:
            return hospital.initial_decisions()
        last = self.model.history.last()
        if self.cfg.rule == "fixed" or last is None:
            return current
        target = self._best_response(hospital, last)
        speeds = {"upcoding_share": self.cfg.upcoding_adaptation_speed}

        def move(name: str, new: np.ndarray | float) -> np.ndarray | float:
            old = getattr(current, name)
            return old + speeds.get(name, self.cfg.adaptation_speed) * (new - old)

        return replace(current, **{k: move(k, v) for k, v in target.items()})

    def _best_response(self, hospital: Hospital, last) -> dict[str, np.ndarray | float]:
        cfg, a = self.cfg, self.cfg.altruism
        g = self._groups(hospital, hospital.price_level())
        bx, bl = self._curvature(g)
        fund_share = hospital.fund_share(last)
        severity = np.arange(N_GROUPS) % N_SEVERITIES
        diagnosis = np.arange(N_GROUPS) // N_SEVERITIES
        x, stay = np.meshgrid(GRID, GRID, indexing="ij")
        x, stay = x.ravel(), stay.ravel()
        best_x, best_l, gain_up = np.ones(N_GROUPS), np.ones(N_GROUPS), np.zeros(N_GROUPS)
        keep_value, value = np.zeros(N_GROUPS), g.value
        for k in range(N_GROUPS):
            charges, cost = g.charges(x, stay, k), g.cost(x, stay, k)
            revenue = self._revenue(hospital, np.full(x.size, severity[k]),
                                    np.full(x.size, diagnosis[k]), charges, stay * g.los[k],
                                    fund_share)
            benefit = -value[k] * (bx[k] * (x - self.x_opt) ** 2 + bl[k] * (stay - self.l_opt) ** 2)
            utility = (1 - a) * (revenue - cost) + a * benefit
            i = int(np.argmax(utility))
            best_x[k], best_l[k] = x[i], stay[i]
            keep_value[k] = (1 - a) * (revenue[i] - cost[i])
            if severity[k] < N_SEVERITIES - 1:
                up = self._revenue(hospital, np.array([severity[k] + 1]), np.array([diagnosis[k]]),
                                   charges[i:i + 1], stay[i:i + 1] * g.los[k], fund_share)
                gain_up[k] = up[0] - revenue[i]
        upcode = (1 - a) * np.maximum(gain_up, 0) * (1 - self.audit) / (
            max(a, 1e-6) * cfg.upcoding_honesty_cost * value)
        mix = last.case_mix[hospital.index]
        return {
            "intensity": best_x, "los_factor": best_l,
            "upcoding_share": np.clip(upcode, 0.0, cfg.upcoding_max),
            "admission_threshold": self._diversion(hospital, g, keep_value, mix),
            "transfer_share": self._transfers(hospital, g, keep_value, mix),
            **self._shifting(hospital, g, best_x, best_l, fund_share, mix),
            "gatekeeping": self._gatekeeping(hospital, fund_share),
        }

    def _weighted(self, share: np.ndarray, mix: np.ndarray, groups: np.ndarray) -> float:
        weight = mix[groups]
        return float((share[groups] * weight).sum() / weight.sum()) if weight.sum() > 0 else 0.0

    def _diversion(self, hospital: Hospital, g: GroupCosts, keep: np.ndarray,
                   mix: np.ndarray) -> float:
        """Share of mild admissions treated as outpatient: when admitting them does not pay."""
        mild = np.flatnonzero(np.arange(N_GROUPS) % N_SEVERITIES == 0)
        visit = (1 - VARIABLE_COST_SHARE) * self.model.tariff.prices.visit[hospital.tier]
        audit = self.audit * self.cfg.unjustified_share_of_mild * g.value
        gain = keep - (1 - self.cfg.altruism) * (visit + audit)
        share = self.cfg.diversion_max * _sigmoid(-gain / (SCALE * g.value))
        return self._weighted(share, mix, mild)

    def _transfers(self, hospital: Hospital, g: GroupCosts, keep: np.ndarray,
                   mix: np.ndarray) -> float:
        """Share of severe cases sent to the city hub: when keeping them loses money."""
        if hospital.tier >= 2:
            return 0.0
        severe = np.flatnonzero(np.arange(N_GROUPS) % N_SEVERITIES == N_SEVERITIES - 1)
        gain = keep - self.cfg.altruism * self.cfg.transfer_benefit * g.value
        share = self.cfg.transfer_max * _sigmoid(-gain / (SCALE * g.value))
        return self._weighted(share, mix, severe)

    def _gatekeeping(self, hospital: Hospital, fund_share: float) -> float:
        """An alliance lead's referral rule: worth it when the alliance pays for its members'
        care elsewhere (capitation), not when the lead earns from direct visits (FFS)."""
        ctx = self.model.payment_context
        if hospital.tier != 1 or ctx.county_of[hospital.index] != hospital.index:
            return 0.0
        cfg, a, visit = self.cfg, self.cfg.altruism, self.model.tariff.prices.visit
        view = CaseView(hospital=hospital.index, tier=1, diagnosis=np.zeros(1, np.int64),
                        coded_severity=np.zeros(1, np.int64), procedure=np.zeros(1, np.int64),
                        charges=np.array([visit[1]]), los=np.zeros(1),
                        fund_share=np.array([fund_share]))
        earned = float(self.model.payment.outpatient_revenue(view, self.model.year)[0])
        # A direct visit at the lead earns it ``earned - cost``; sent to primary care instead it
        # saves the alliance the fund's share of the price difference if the alliance pays.
        margin = earned - VARIABLE_COST_SHARE * visit[1]
        value = (1 - a) * (-margin) - a * cfg.gatekeeping_harm * visit[1]
        return float(cfg.gatekeeping_max * _sigmoid(value / (SCALE * visit[1])))

    def _shifting(self, hospital: Hospital, g: GroupCosts, x: np.ndarray, stay: np.ndarray,
                  fund_share: float, mix: np.ndarray) -> dict[str, float]:
        """Cost shifting: what a yuan billed outside the case earns beyond what the case loses.

        Under fee-for-service the case loses as much as the outside bill earns (nothing to
        gain); under case payment the case's price hardly moves, so the outside yuan is gain.
        """
        cfg, a = self.cfg, self.cfg.altruism
        severity = np.arange(N_GROUPS) % N_SEVERITIES
        diagnosis = np.arange(N_GROUPS) // N_SEVERITIES
        charges = g.charges(x, stay)
        step = 0.05 * charges
        full = self._revenue(hospital, severity, diagnosis, charges, stay * g.los, fund_share)
        less = self._revenue(hospital, severity, diagnosis, charges - step, stay * g.los, fund_share)
        outside_gain = 1 - (full - less) / step  # per yuan moved outside the case
        weight = mix / mix.sum() if mix.sum() > 0 else np.full(N_GROUPS, 1 / N_GROUPS)
        gain = float((outside_gain * weight).sum())

        def share(extra_oop: float, cap: float) -> float:
            net = (1 - a) * (gain - self.audit) - a * cfg.patient_money_weight * extra_oop
            return float(np.clip(net / (max(a, 1e-6) * cfg.cost_shift_cost), 0.0, cap))

        # a shifted test pays the outpatient share instead of the inpatient one (about 30
        # points more); a self-paid item is paid in full instead of about 30 %.
        return {"shift_share": share(0.3 * fund_share, cfg.shift_max),
                "self_pay_share": share(fund_share, cfg.self_pay_max)}
