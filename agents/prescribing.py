"""Prescribing: which product a hospital dispenses for each drug class, and how much.

Within a class, a hospital of tier ``t`` gives product ``j`` (molecule ``m``) the share

    s_j  ∝  (w_m / n_m) · exp(b_t · originator_j + π · winner_j + β · income_j / p̄_c)

with ``w_m`` the molecule's clinical weight in the class, ``n_m`` its makers on the market,
``b_t`` patients' preference for originators (calibrated so that at zero markup and list
prices originators take ``behaviour.hospital.originator_share`` of the tendered molecules'
doses), ``π`` the priority public hospitals must give tender winners over the molecule's
other makers (``behaviour.prescribing.winner_priority``; it moves doses within a molecule,
not between molecules), ``β`` the weight of income
(``behaviour.prescribing.income_weight``), ``income_j`` the hospital's income per dose — the
markup on the purchase price plus, for a tender winner, the retained share of the saving
against the molecule's pre-tender price — and ``p̄_c`` the class's mean list price. The
agreed-volume obligation comes last: winners of a contracted molecule get at least
``agreed_share`` of the molecule's doses (hospitals must buy the agreed volume), taken from
the molecule's other makers in proportion.

Markup also changes how much is prescribed and what else is billed: acute doses per case
scale with ``(1 + markup) ** ε`` and hospitals make up ``income_offset_share`` of lost markup
income with more services (``pricing_response``).
"""

from __future__ import annotations

import numpy as np

from sanyi.model.config import PrescribingConfig
from sanyi.model.market import Market


def _income(market: Market, markup: float, retained_share: float,
            reference_now: np.ndarray) -> np.ndarray:
    """The hospital's income per dose of each product."""
    saving = np.where(market.winner, np.maximum(reference_now - market.price, 0.0), 0.0)
    return markup * market.price + retained_share * saving


def product_shares(market: Market, preference: float, cfg: PrescribingConfig, markup: float,
                   retained_share: float, reference_now: np.ndarray,
                   class_price: np.ndarray, year: int) -> np.ndarray:
    """Each product's share of its class's doses at a hospital (0 for inactive products)."""
    m = market
    makers = np.bincount(m.molecule, weights=m.active, minlength=len(m.molecules))
    base = m.molecule_weight[m.molecule] / np.maximum(makers[m.molecule], 1)
    income = _income(m, markup, retained_share, reference_now)
    utility = preference * m.originator + cfg.income_weight * income / class_price[m.drug_class]
    weight = np.where(m.active, base * np.exp(utility - utility.max()), 0.0)
    weight = _within_molecule(m, weight, np.exp(cfg.winner_priority * m.winner))
    totals = np.bincount(m.drug_class, weights=weight, minlength=len(m.classes))
    shares = weight / np.maximum(totals[m.drug_class], 1e-300)
    return _oblige(m, shares, year)


def _within_molecule(market: Market, weight: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """Multiply weights by ``factor`` while keeping each molecule's total: the priority of
    winners moves doses between a molecule's makers, not between molecules."""
    m = market
    before = np.bincount(m.molecule, weight, len(m.molecules))
    after = np.bincount(m.molecule, weight * factor, len(m.molecules))
    scale = np.divide(before, after, out=np.ones_like(before), where=after > 0)
    return weight * factor * scale[m.molecule]


def _oblige(market: Market, shares: np.ndarray, year: int) -> np.ndarray:
    """Winners of a contracted molecule get at least its agreed share of the molecule's doses
    (hospitals must buy the agreed volume); its other makers give up the difference."""
    m = market
    for k in np.flatnonzero(m.under_contract(year) & (m.agreed_share > 0)):
        products = m.molecule_products[k]
        won = m.winner[products] & m.active[products]
        total = shares[products].sum()
        have = shares[products[won]].sum()
        target = m.agreed_share[k] * total
        if not won.any() or have >= target or total <= 0:
            continue
        rest = total - have
        shares[products[won]] = (shares[products[won]] * target / have if have > 0
                                 else target / won.sum())
        if rest > 0:
            shares[products[~won]] *= (total - target) / rest
    return shares


def class_mean_price(market: Market, list_index: float) -> np.ndarray:
    """Each class's mean list price of the year (the scale of income per dose)."""
    m = market
    price = m.list_price * list_index
    sums = np.bincount(m.drug_class, weights=price, minlength=len(m.classes))
    counts = np.bincount(m.drug_class, minlength=len(m.classes))
    return sums / np.maximum(counts, 1)


def originator_share(market: Market, shares: np.ndarray) -> float:
    """Originators' share of the tendered molecules' drug doses, classes weighted equally."""
    m = market
    drugs = ~m.fringe & ~m.device
    per_class = []
    for c in range(len(m.classes)):
        mine = drugs & (m.drug_class == c)
        if shares[mine].sum() > 0:
            per_class.append(shares[mine & m.originator].sum() / shares[mine].sum())
    return float(np.mean(per_class))


def calibrate_preference(market: Market, target: float, cfg: PrescribingConfig) -> float:
    """The originator preference at which, at zero markup and list prices before any
    tender, originators take ``target`` of the tendered molecules' doses (bisection)."""
    plain = _pre_tender(market)
    price = class_mean_price(plain, 1.0)
    lo, hi = -15.0, 15.0
    for _ in range(60):
        mid = (lo + hi) / 2
        got = originator_share(plain, product_shares(plain, mid, cfg, 0.0, 0.0,
                                                     np.zeros(plain.n_products), price, 0))
        lo, hi = (mid, hi) if got < target else (lo, mid)
    return (lo + hi) / 2


def _pre_tender(market: Market) -> Market:
    """A copy of the market as it was before tenders and entry."""
    import copy

    plain = copy.copy(market)
    plain.active = ~market.entrant
    plain.winner = np.zeros_like(market.winner)
    plain.price = market.list_price.copy()
    plain.agreed_share = np.zeros_like(market.agreed_share)
    plain.contract_end = np.zeros_like(market.contract_end)
    return plain


def pricing_response(cfg: PrescribingConfig, markup: float, drug_charges: float,
                     service_charges: float) -> tuple[float, float]:
    """(acute doses per case, service intensity) relative to zero markup.

    At markup ``μ`` drug revenue is ``(1 + μ) ** (1 + ε)`` times what it would be at zero
    markup; hospitals forgo ``income_offset_share`` of that extra income as services when
    the markup goes, i.e. at markup ``μ`` they bill that much less in services than at zero.
    """
    volume = (1 + markup) ** cfg.drug_volume_markup_elasticity
    if service_charges <= 0 or markup == 0:
        return volume, 1.0
    extra = drug_charges * (1 - (1 + markup) ** -(1 + cfg.drug_volume_markup_elasticity))
    return volume, max(1.0 - cfg.income_offset_share * extra / service_charges, 0.5)
