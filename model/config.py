"""Structured configuration: the schema of every config group and its validation.

Hydra composes YAML files from ``conf/`` onto these dataclasses, which gives types and
defaults; each field declares its allowed range, which ``model.validation.validate`` checks
once, before the first step.

Groups separate *levers* (``payment``, ``procurement``, ``pricing``, ``benefits``: what a
government chooses) from *uncertainties* (``scenario``, ``behaviour``: what nobody controls)
and the *setting* (``population``: the region simulated).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from hydra.core.config_store import ConfigStore

FIRST_START_YEAR, LAST_START_YEAR = 2015, 2030
LAST_END_YEAR = 2100


class ConfigError(ValueError):
    """A configuration value that cannot be run; the message is one line for the user."""


# ---------------------------------------------------------------------------------------
# Field checks: declared next to each field, applied by ``validate``.
# ---------------------------------------------------------------------------------------


def _checked(default: Any, check: str, **kwargs: Any) -> Any:
    """A dataclass field carrying a named range check (see ``_CHECKS``)."""
    if isinstance(default, list):
        return field(default_factory=lambda: list(default), metadata={"check": check, **kwargs})
    return field(default=default, metadata={"check": check, **kwargs})


def probability(default: float) -> Any:
    return _checked(default, "probability")


def nonneg(default: float) -> Any:
    return _checked(default, "nonneg")


def positive(default: float) -> Any:
    return _checked(default, "positive")


def rate(default: float, lo: float = -0.5, hi: float = 1.0) -> Any:
    """A yearly growth or trend rate: may be negative, bounded to plausible values."""
    return _checked(default, "between", lo=lo, hi=hi)


def between(default: float, lo: float, hi: float) -> Any:
    return _checked(default, "between", lo=lo, hi=hi)


def one_of(default: str, *choices: str) -> Any:
    return _checked(default, "choice", choices=choices)


@dataclass
class ByTier:
    """One value per hospital tier (primary care, county/secondary, city/tertiary)."""

    primary: float = 0.0
    secondary: float = 0.0
    tertiary: float = 0.0

    def as_tuple(self) -> tuple[float, float, float]:
        return (self.primary, self.secondary, self.tertiary)


# ---------------------------------------------------------------------------------------
# population/: the region simulated, its facilities and its baseline use of care
# ---------------------------------------------------------------------------------------


@dataclass
class TierCapacity:
    """Hospitals of one tier in the region (counts are for the represented population)."""

    count: int = _checked(1, "positive_int")
    beds_per_1000: float = nonneg(1.0)  # beds per 1,000 persons in the reference year
    quality: float = probability(0.5)  # perceived quality score in [0, 1]
    distance_km_urban: float = nonneg(3.0)
    distance_km_rural: float = nonneg(10.0)
    fixed_cost_per_bed_month_yuan: float = nonneg(3000.0)


@dataclass
class HospitalsConfig:
    # Region of 4.24 million: national counts (NHC bulletin 2021: 3,275 tertiary, 10,848
    # secondary hospitals, ~35,000 township and 10,000 community health centres) / 333
    # prefecture-level divisions, grouped into a few facilities per tier.
    # Beds per 1,000 by tier in ``beds_reference_year`` (NHC 2021: 6.7 in all; primary care
    # 1.7, hospitals 5.2 split ~45 % tertiary); other years scale every tier by the national
    # total below, and beyond its last year by ``scenario.bed_growth_per_year``.
    beds_reference_year: int = _checked(2021, "year")
    # The region's hospitals from a file of one's own (CSV or Parquet; a row per hospital:
    # tier, beds in beds_reference_year for the represented population, quality, optionally
    # fixed_cost_per_bed_month_yuan; model/user_tables.py) instead of the tiers below;
    # distances stay the tiers'. Empty: the tiers below.
    table: str = ""
    # NHC statistical bulletins 2018-2023 (health_system.csv: 6.03, 6.30, 6.46, 6.70, 6.92,
    # 7.23 beds per 1,000 persons; 2018 derived from the 2019 bulletin's increase).
    beds_per_1000_by_year: dict[str, float] = field(
        default_factory=lambda: {"2018": 6.03, "2019": 6.30, "2020": 6.46, "2021": 6.70,
                                 "2022": 6.92, "2023": 7.23})
    primary: TierCapacity = field(
        default_factory=lambda: TierCapacity(
            count=24, beds_per_1000=1.7, quality=0.35, distance_km_urban=1.5,
            distance_km_rural=5.0, fixed_cost_per_bed_month_yuan=2500.0,
        )
    )
    secondary: TierCapacity = field(
        default_factory=lambda: TierCapacity(
            count=8, beds_per_1000=2.8, quality=0.6, distance_km_urban=5.0,
            distance_km_rural=20.0, fixed_cost_per_bed_month_yuan=5000.0,
        )
    )
    tertiary: TierCapacity = field(
        default_factory=lambda: TierCapacity(
            count=3, beds_per_1000=2.4, quality=0.9, distance_km_urban=8.0,
            distance_km_rural=45.0, fixed_cost_per_bed_month_yuan=9000.0,
        )
    )


@dataclass
class CareUseConfig:
    """Baseline use of care before prices bite (per person-year unless stated)."""

    # Acute (non-chronic) admissions per person-year by age band
    # (0-14, 15-44, 45-59, 60-69, 70-79, 80+); chronic conditions add their own risk on top.
    admission_rate_by_age: list[float] = _checked(
        [0.07, 0.035, 0.06, 0.24, 0.38, 0.50], "nonneg_list"
    )
    # Extra admissions per person-year for women aged 20-39 (childbirth; NHSA includes
    # maternity in the employee fund from 2019).
    maternity_admission_rate: float = nonneg(0.05)
    # Extra admissions per person-year per chronic condition held (multimorbidity adds up).
    admission_rate_per_condition: float = nonneg(0.06)
    # Rural residents are admitted more often at a given age and health (county hospitals and
    # township health centres admit readily; NHSS 2018 found higher rural than urban
    # hospitalisation). Fitted by sanyi-calibrate (conf/calibrate/defaults_fit.yaml; docs/calibration.md),
    # 1.043 from the focused refit that came with the 2021-2024 roll-out of case payment:
    # with the use trend it carries the NHSA resident inpatient rates 2021-2023.
    rural_admission_factor: float = positive(1.043)
    # Acute outpatient visits per person-year by the same age bands.
    outpatient_rate_by_age: list[float] = _checked(
        [5.0, 3.4, 4.4, 6.0, 7.0, 7.3], "nonneg_list"
    )
    # Share of admissions by severity (mild, moderate, severe); must sum to 1.
    severity_shares: list[float] = _checked([0.45, 0.40, 0.15], "shares")
    # Cost and stay relative to a moderate case, by severity.
    severity_cost_factor: list[float] = _checked([0.55, 1.0, 2.2], "nonneg_list")
    severity_los_factor: list[float] = _checked([0.7, 1.0, 1.6], "nonneg_list")
    # Base length of stay of a moderate case, days, by tier (NHC 2021 ALOS: hospitals 9.2).
    los_days: ByTier = field(default_factory=lambda: ByTier(7.0, 8.8, 10.8))
    # Prices of the facilities rural residents use, relative to urban ones, by tier: township
    # health centres and county hospitals charge far less than urban community and city
    # hospitals; a tertiary hospital is in the city whoever comes. Costs per admission by
    # tier of employees (mostly urban) and residents (NHSA 2021), fitted by sanyi-calibrate
    # (conf/calibrate/defaults_fit.yaml); the secondary value from the focused refit
    # (docs/calibration.md, "The 2021-2024 roll-out and the refit").
    rural_price_factor: ByTier = field(default_factory=lambda: ByTier(0.242, 0.261, 1.0))


@dataclass
class RegionConfig:
    """One prefecture of a province (``population=province``): the levers in which it differs
    from the province's base config (``model/province.py`` applies them)."""

    name: str = "region"
    share: float = probability(0.25)  # share of the province's persons; shares sum to 1
    old_age_factor: float = between(1.0, 0.1, 5.0)  # weight of persons aged 65+ at start
    urban_share: float = probability(0.639)
    # Resident incomes and the average wage (contribution base) relative to the base config.
    income_factor: float = between(1.0, 0.1, 5.0)
    # Hospital beds per 1,000 persons (every tier) relative to the base config.
    beds_factor: float = between(1.0, 0.1, 5.0)


@dataclass
class PopulationConfig:
    size: int = _checked(100_000, "positive_int")  # simulated persons
    start_year: int = _checked(2025, "start_year")
    end_year: int = _checked(2050, "end_year")  # last simulated year, inclusive
    # ``prefecture``: one pooling region; ``province``: the ``regions`` below, each a
    # prefecture model stepped in lockstep with the others (model/province.py).
    region_type: str = one_of("prefecture", "prefecture", "province")
    # The initial population by age and sex from a file of one's own (CSV or Parquet; columns
    # age, sex, persons and optionally urban_share; model/user_tables.py) instead of the
    # census projected to the start year. Empty: the census.
    table: str = ""
    # Represented population: a prefecture-level city of national average size
    # (NBS: 1,412 million at end 2020 / 333 prefecture-level divisions).
    represented_persons: float = positive(4_240_000.0)
    # Urban share: 2020 census, 63.89 %.
    urban_share: float = probability(0.639)
    # Uninsured at start: 1 - enrolled 1,354 million (NHSA 2019) / population 1,400 million.
    uninsured_share: float = probability(0.033)
    # Coverage responds to the resident premium: the uninsured share of residents moves with
    # (premium / income) ** coverage_premium_elasticity relative to the start year. Hand-
    # calibrated: enrolment fell from 1,354 to 1,334 million 2019-2023 (NHSA) as the
    # individual contribution rose from 250 to 380 yuan; part of the fall was the removal
    # of duplicate registrations, which this elasticity absorbs (it overstates the response).
    coverage_premium_elasticity: float = between(2.5, 0.0, 10.0)
    # Yearly rate at which uninsured persons enrol again (sets the churn, not the level).
    reenrolment_rate_per_year: float = probability(0.3)
    # Probability that an urban person of working age is an employee-scheme worker, by age
    # band (16-24, 25-34, 35-44, 45-54, 55-64); rural persons take rural_worker_factor of it.
    # Hand-calibrated to NHSA worker and retiree counts 2019-2023.
    urban_worker_share_by_age: list[float] = _checked(
        [0.17, 0.48, 0.48, 0.42, 0.33], "probability_list"
    )
    rural_worker_factor: float = probability(0.18)
    # Share of persons above retirement age at the start who are employee-scheme retirees,
    # urban and rural (hand-calibrated to NHSA retiree counts).
    urban_retiree_share: float = probability(0.40)
    rural_retiree_share: float = probability(0.045)
    # Share of female workers in cadre posts (statutory retirement at 55, not 50).
    female_cadre_share: float = probability(0.55)
    # Yearly hazard that an urban resident adult aged 16-45 joins the employee scheme, and that
    # a worker leaves it (job loss, informal work); they keep total membership growing.
    worker_entry_rate: float = probability(0.08)
    worker_exit_rate: float = probability(0.01)
    # Employee wages: median yearly wage relative to the average contribution base, spread.
    wage_lognormal_sigma: float = nonneg(0.5)
    # Resident incomes, yuan/year at start (NBS 2021 per-capita disposable income:
    # urban 47,412, rural 18,931), lognormal spread.
    urban_resident_income_yuan: float = positive(36_000.0)
    rural_resident_income_yuan: float = positive(17_000.0)
    resident_income_lognormal_sigma: float = nonneg(0.7)
    hospitals: HospitalsConfig = field(default_factory=HospitalsConfig)
    care_use: CareUseConfig = field(default_factory=CareUseConfig)
    # Age structure: census persons aged 65+ at the start weighted by this factor (1: the
    # census as projected; 1.35 turns the national 13.5 % 65+ share of 2020 into ~17.4 %).
    old_age_factor: float = between(1.0, 0.1, 5.0)
    # The prefectures of a province (region_type=province; conf/population/province.yaml).
    regions: list[RegionConfig] = field(default_factory=list)
    # One of the 31 provinces (``beijing`` ... ``xinjiang``, model/data/provinces_2020.csv):
    # this prefecture-type run takes the province's age structure, urban share, incomes and
    # 2020 census population as represented_persons (model/nation.py; +experiment=nation runs
    # all 31). Empty: the national defaults above.
    province: str = ""


# ---------------------------------------------------------------------------------------
# scenario/: external trends nobody in the model controls
# ---------------------------------------------------------------------------------------


@dataclass
class ScenarioConfig:
    name: str = "baseline"
    # Total fertility rate path (linear between the years given; flat outside).
    # 2020: census 1.3; other years hand-set so simulated births match NBS crude birth rates
    # 2018-2023 (births_deaths.csv); later years follow the UN WPP 2024 medium variant.
    # Keys are years as strings so that one year can be overridden on the command line:
    # scenario.tfr_by_year.2030=1.1
    tfr_by_year: dict[str, float] = field(
        default_factory=lambda: {
            "2015": 1.62, "2018": 1.52, "2019": 1.47, "2020": 1.28, "2021": 1.15,
            "2022": 1.05, "2023": 1.00, "2030": 1.08, "2050": 1.20,
        }
    )
    # UN WPP 2024 variants differ from the medium by +/- 0.5 child, phased in 2025-2030.
    tfr_offset: float = between(0.0, -1.0, 1.0)
    # Yearly fall in age-specific death rates after the WPP 2020-2024 period.
    mortality_improvement_per_year: float = rate(0.015, -0.1, 0.1)
    # Yearly change of chronic-disease incidence (relative), on top of aging.
    chronic_incidence_trend_per_year: float = rate(0.0, -0.2, 0.2)
    # Growth of spending per person at given age and health, in three parts (docs/
    # calibration.md): prices, use, and "excess cost growth" from new technology and
    # medicines. Prices: nominal growth of the service price schedule (bed-days, procedures,
    # visits), by year. NBS CPI for medical services rose about 1-2 %/yr 2019-2023
    # (recalled); later an assumption: as service-price reform loosens controls, prices of
    # labour-intensive care converge toward wage growth (Baumol), about 3 %/yr by 2035.
    service_price_growth_by_year: dict[str, float] = field(
        default_factory=lambda: {"2018": 0.024, "2024": 0.015, "2035": 0.03})
    # Nominal growth of drug and device list prices of a given product (before any tender).
    drug_price_growth_per_year: float = rate(0.0)
    # Excess cost growth: more and costlier services, drugs and devices per case of a given
    # kind, by year (linear between years, flat after the last). The 2018 value is fitted by sanyi-
    # calibrate (conf/calibrate/defaults_fit.yaml; docs/calibration.md)
    # with the use trend and the price path to NHSA spending per enrollee 2018-2023; later
    # years an assumption easing toward the 1 %/yr long-run excess cost growth common in
    # OECD projections.
    excess_cost_growth_by_year: dict[str, float] = field(
        default_factory=lambda: {"2018": 0.0526, "2030": 0.015, "2050": 0.01})
    # Use: yearly growth of admissions and acute visits per person at given age and health
    # (supply, expectations), by year. The 2018 value is fitted by sanyi-calibrate
    # (conf/calibrate/defaults_fit.yaml; docs/calibration.md) to NHC/NHSA inpatient
    # rates and spending (the hospitalisation rate rose from 0.18 in 2018 to 0.21 in 2023,
    # aging only part of it); 2025 on an assumption: the growth fades as use saturates.
    utilisation_growth_by_year: dict[str, float] = field(
        default_factory=lambda: {"2018": 0.0277, "2025": 0.018, "2040": 0.005})
    # Nominal growth of average wages by year (linear between years, flat after the last).
    # 2018-2023: NBS, average wage of urban non-private units (11.0, 9.8, 7.6, 9.7, 6.7, 5.8 %;
    # recalled from the statistical communiques); later years are a scenario assumption
    # (slowing with nominal GDP growth).
    wage_growth_by_year: dict[str, float] = field(
        default_factory=lambda: {
            "2018": 0.110, "2019": 0.098, "2020": 0.076, "2021": 0.097, "2022": 0.067,
            "2023": 0.058, "2024": 0.050, "2030": 0.045, "2050": 0.035,
        }
    )
    # Consumer price inflation by year, to express money in real (start-year) yuan:
    # NBS CPI 2018-2024 (2.1, 2.9, 2.5, 0.9, 2.0, 0.2, 0.2 %; recalled), then an assumption.
    cpi_growth_by_year: dict[str, float] = field(
        default_factory=lambda: {
            "2018": 0.021, "2019": 0.029, "2020": 0.025, "2021": 0.009, "2022": 0.020,
            "2023": 0.002, "2024": 0.002, "2026": 0.010, "2030": 0.020,
        }
    )
    # Hospital beds per 1,000 persons after the last year of data (population.hospitals).
    bed_growth_per_year: float = rate(0.01, -0.2, 0.2)
    # Yearly migration rates (share of population); immigrants are young adults.
    immigration_rate: float = probability(0.003)
    emigration_rate: float = probability(0.003)
    # Multipliers on utilisation for historical shocks, by year (COVID-19: fewer admissions
    # 2020-2022). NHC bulletins: admissions 2018 254.5 million, 2022 246.9 million,
    # 2023 301.9 million (health_system.csv); 2020 fitted by sanyi-calibrate
    # (conf/calibrate/defaults_fit.yaml), 2021-2023 refitted by hand with the 2021-2024
    # roll-out of case payment (case_payment_share_by_year) to the 2021-2023 NHSA rows
    # (docs/calibration.md, "The 2021-2024 roll-out and the refit").
    utilisation_shock_by_year: dict[str, float] = field(
        default_factory=lambda: {"2020": 0.829, "2021": 0.935, "2022": 0.95, "2023": 1.12}
    )

    # Share of insured admissions paid by case (DRG/DIP) in the years before payment.start_year
    # (model/policies/payment_rollout.py; years not listed: none, so from 2025 the payment
    # lever alone decides, and runs started in 2024 or later never see it). Hand-set
    # from the roll-out's schedule (recalled; not in the official series the model is fitted
    # to): pilots paid for real from 2021 in 101 of about 393 pooling regions (30 DRG, 71
    # DIP cities); NHSA, Three-year action plan for DRG/DIP payment reform (Nov 2021): at
    # least 40 %, 30 % and 30 % of each province's regions to start in 2022, 2023 and 2024,
    # and within a region 40 %, then 70 %, then all eligible hospitals and about 70 % of
    # inpatient fund spending; NHSA bulletins: 206 regions paying by case by the end of 2022,
    # nearly all by the end of 2024. The shares are averages over each year.
    case_payment_share_by_year: dict[str, float] = field(
        default_factory=lambda: {"2020": 0.0, "2021": 0.1, "2022": 0.3, "2023": 0.55,
                                 "2024": 0.8})

    # Further multipliers for urban persons, on top of utilisation_shock_by_year. Hand-fitted
    # with the 2021-2023 multipliers (docs/calibration.md, "The 2021-2024 roll-out and the
    # refit"): without it employees' spending per enrollee grows 5.5 %/yr 2021-2023 in the
    # model against 7.2 % in NHSA's figures while residents' match; employees (urban) saw
    # admissions per enrollee rise 24 % in 2023 (0.176 -> 0.219; targets.csv). Reading it as a
    # larger urban rebound after COVID-19 controls ended (December 2022) is a hypothesis.
    utilisation_shock_urban_by_year: dict[str, float] = field(
        default_factory=lambda: {"2023": 1.06})

    def case_payment_path(self) -> dict[int, float]:
        return {int(year): value for year, value in self.case_payment_share_by_year.items()}

    def tfr_path(self) -> dict[int, float]:
        return {int(year): value for year, value in self.tfr_by_year.items()}

    def wage_path(self) -> dict[int, float]:
        return {int(year): value for year, value in self.wage_growth_by_year.items()}

    def cpi_path(self) -> dict[int, float]:
        return {int(year): value for year, value in self.cpi_growth_by_year.items()}

    def service_price_path(self) -> dict[int, float]:
        return {int(year): value for year, value in self.service_price_growth_by_year.items()}

    def excess_cost_path(self) -> dict[int, float]:
        return {int(year): value for year, value in self.excess_cost_growth_by_year.items()}

    def utilisation_path(self) -> dict[int, float]:
        return {int(year): value for year, value in self.utilisation_growth_by_year.items()}

    def utilisation_shock(self, year: int) -> float:
        return float(self.utilisation_shock_by_year.get(str(year), 1.0))

    def utilisation_shock_urban(self, year: int) -> float:
        return float(self.utilisation_shock_urban_by_year.get(str(year), 1.0))


# ---------------------------------------------------------------------------------------
# behaviour/: uncertain behavioural parameters
# ---------------------------------------------------------------------------------------


@dataclass
class CascadeConfig:
    """The care cascade of chronic disease (agents/patients/cascade.py).

    Per-condition rates are in model/data/chronic_conditions.csv; these multiply them (1 =
    as tabled) and set what happens to treated persons who skip a month's follow-up. Hand-
    calibrated so that the hypertension and diabetes cascades of care_cascade.csv hold
    2018-2023 (docs/calibration.md).
    """

    detection_multiplier: float = nonneg(1.0)
    initiation_multiplier: float = nonneg(1.0)
    control_gain_multiplier: float = nonneg(1.0)
    # Treated, adherent persons losing control in a month (drug failure, progression).
    control_loss_adherent_per_month: float = probability(0.03)
    # Treated persons who skip a month's follow-up: losing control, stopping treatment.
    control_loss_per_month: float = probability(0.4)
    discontinuation_per_month: float = probability(0.06)


@dataclass
class ChoiceConfig:
    """Multinomial-logit tier choice: utility = coefficients x attributes."""

    oop_per_monthly_income: float = _checked(-0.8, "nonpositive")  # per unit of OOP/income
    quality: float = nonneg(3.0)
    distance_per_10km: float = _checked(-0.35, "nonpositive")
    bypass_referral: float = _checked(-0.3, "nonpositive")  # skipping the home facility
    # Waiting: utility of an admission per 10 points of last month's bed occupancy of the
    # tier above 85 % (a full tier turns patients away to others; assumption).
    waiting_per_10pt_occupancy: float = _checked(-0.7, "nonpositive")
    # Alternative-specific constants (primary care is the reference), for outpatient visits
    # and for admissions apart: hand-calibrated to the NHC shares of visits in primary care
    # (53 % in Jan-Oct 2018 and 52 % in 2019) and of discharges by tier (2019, Jan-Oct:
    # tertiary 40 %, secondary and ungraded 39 %, primary-level and primary care 21 %).
    visit_secondary_constant: float = between(-1.0, -10.0, 10.0)
    visit_tertiary_constant: float = between(-1.5, -10.0, 10.0)
    admission_secondary_constant: float = between(0.5, -10.0, 10.0)
    admission_tertiary_constant: float = between(1.5, -10.0, 10.0)


@dataclass
class HospitalBehaviourConfig:
    """How hospitals decide (agents/hospital_strategy.py; docs/payment.md has the equations).

    ``rule=best_response``: each January a hospital chooses, for each case group, the
    treatment intensity and length of stay that maximise (1 - altruism) x profit + altruism x
    patient benefit on last year's case mix, and how much to upcode, transfer, divert and
    shift, net of expected audit penalties (Ellis & McGuire 1986); it moves
    ``adaptation_speed`` of the way there each year. ``rule=fixed`` keeps the initial
    decisions below (also used before a hospital has a year of cases).
    """

    rule: str = one_of("best_response", "best_response", "fixed")
    altruism: float = probability(0.5)
    adaptation_speed: float = probability(0.5)
    # Calibration of the patient-benefit curvature: fee-for-service at zero markup makes
    # hospitals treat this much more intensively, and keep patients this much longer, than
    # is best for them (supplier-induced demand; hand-set so that DRG shortens stays by about
    # 8 % and lowers cost per case by about 8 %, within the Chinese evaluations).
    overtreatment_under_ffs: float = between(0.04, 0.0, 0.5)
    overstay_under_ffs: float = between(0.035, 0.0, 0.5)
    # Upcoding: a cost of dishonesty rising with the share upcoded (hand-set so that DRG
    # without audits drifts the case-mix index up 1-3 % a year, like US "DRG creep").
    upcoding_honesty_cost: float = positive(3.2)
    # Coding habits spread more slowly than clinical ones: the share of the way to the new
    # upcoding target a hospital moves each year.
    upcoding_adaptation_speed: float = probability(0.25)
    upcoding_max: float = probability(0.5)
    # Transfers of severe cases to the city hub, and diversion of mild admissions to
    # outpatient care, are chosen in [0, max]; a transfer gains the patient this share of a
    # case's value (a better-equipped hospital) but costs nothing to send.
    transfer_max: float = probability(0.5)
    transfer_benefit: float = between(0.02, 0.0, 1.0)
    diversion_max: float = probability(0.6)
    # Cost shifting under case payment: a share of an admission's services billed as a
    # pre-admission outpatient visit, and a share of charges billed as self-paid items; the
    # hospital weighs patients' extra out-of-pocket yuan at patient_money_weight and bears a
    # convex cost of doing it.
    shift_max: float = probability(0.15)
    self_pay_max: float = probability(0.1)
    patient_money_weight: float = between(0.8, 0.0, 2.0)
    cost_shift_cost: float = positive(15.0)
    # Audits treat this share of a hospital's mild admissions as unjustified (assumption).
    unjustified_share_of_mild: float = probability(0.2)
    # Gatekeeping by an alliance lead (county hospital): the utility penalty its members pay
    # to bypass primary care, chosen in [0, gatekeeping_max]; a bypass it blocks costs the
    # patient gatekeeping_harm of the visit's value (assumption).
    gatekeeping_max: float = nonneg(1.5)
    gatekeeping_harm: float = between(0.2, 0.0, 1.0)
    # 30-day readmissions: a base rate, rising with stays cut below the clinical optimum
    # (per unit of relative shortfall) and with under-treatment.
    readmission_base: float = probability(0.05)
    readmission_per_shortfall: float = nonneg(3.0)
    # Initial decisions (and those of rule=fixed).
    intensity: float = positive(1.0)  # services per case relative to the schedule's norm
    los_factor: float = positive(1.0)  # stay relative to clinical norm
    admission_threshold: float = probability(0.0)  # share of mild cases treated as outpatients
    upcoding_share: float = probability(0.0)  # share of cases coded one severity up
    originator_share: ByTier = field(default_factory=lambda: ByTier(0.15, 0.35, 0.55))


@dataclass
class PrescribingConfig:
    """How hospitals choose products and drug volumes (agents/prescribing.py; docs/medicines.md).

    Within a drug class, a hospital's shares of products follow a logit in the molecule's
    clinical weight, patients' preference for originators (set so that, at zero markup and
    list prices, originators take ``behaviour.hospital.originator_share`` of the tendered
    molecules' doses) and the hospital's income per dose — the markup on the price and the
    retained savings on tender winners — relative to the class's mean price.
    """

    # Weight of income per dose (relative to the class's mean price) in the prescribing logit
    # (assumption; docs/medicines.md shows its effect on the originator share).
    income_weight: float = nonneg(2.0)
    # Utility bonus of a tender winner over its molecule's other makers: public hospitals are
    # assessed on using the selected products first (优先使用). Hand-calibrated (1.6) so that
    # the 2019 round's non-winners keep 29-30 % of their volume (3 seeds, 20,000 persons, from
    # 2018), as after the 4+7 pilot in Shenzhen (non-winners' volume -70.8 %; Chen et al.,
    # IJERPH 2020, 17:9415).
    winner_priority: float = nonneg(1.6)
    # Acute drug doses per case scale with (1 + markup) ** this elasticity: derived from the
    # zero-markup evaluation in Shandong county hospitals (drug revenue -24 %, of which the
    # price effect of removing a 15 % markup is -13 %: the volume effect -12.6 %; Zhang et al.,
    # Int J Equity Health 2020, 10.1186/s12939-020-01326-w).
    drug_volume_markup_elasticity: float = between(0.9, 0.0, 5.0)
    # Share of markup income hospitals make up with more services when it goes (the same
    # study: gross revenue fell by 5 % while drug revenue, about 45 % of it, fell by 24 %;
    # about half the loss was made up; derived).
    income_offset_share: float = probability(0.5)
    # A prescription its maker cannot deliver switches to the class's untendered substitute
    # with this probability; otherwise the patient goes without (assumption).
    substitution_share: float = probability(0.7)


@dataclass
class SupplierBehaviourConfig:
    """How suppliers bid, supply, leave and enter (agents/supplier.py, model/tender.py)."""

    # Share of its volume a maker expects to keep if it loses a tender, before any round
    # (assumption: originators first expected to keep most of their market) ...
    prior_loser_retention: float = probability(0.8)
    # ... moved toward what losers really kept, by this share after each round (learning).
    learning_rate: float = probability(0.5)
    # What losers kept in the published evaluation of the 4+7 pilot in Shenzhen (non-winners'
    # volume -70.8 %; Chen et al., Int J Environ Res Public Health 2020, 17:9415): what makers
    # learn from rounds that took place before the simulation starts.
    published_loser_retention: float = probability(0.29)
    # No bid below unit cost x (1 + floor_margin).
    floor_margin: float = between(0.0, -0.5, 5.0)
    # Yearly cost of financing what hospitals owe (times procurement.payment_delay_months / 12).
    financing_rate: float = between(0.05, 0.0, 1.0)
    # Fixed cost of capacity a month, as a share of the unit cost of the capacity (assumption).
    fixed_cost_share: float = nonneg(0.25)
    # A product selling under its unit cost is delivered at this share of capacity.
    loss_supply_share: float = probability(0.5)
    # Capacity is kept at least this much above the busiest month of the last year.
    capacity_headroom: float = nonneg(0.25)
    # A product losing money this many years in a row is withdrawn once off contract; a maker
    # with no product left has exited.
    exit_after_loss_years: int = _checked(2, "positive_int")
    # A generic maker enters a molecule when its makers' profit last year exceeded this share
    # of their revenue (assumption); it may bid once it passes the consistency evaluation.
    entry_margin: float = nonneg(0.5)
    qualification_years: int = _checked(2, "positive_int")


@dataclass
class BehaviourConfig:
    name: str = "default"
    # Price elasticity of demand for care: RAND Health Insurance Experiment, about -0.2
    # (Manning et al., AER 1987); Chinese estimates are similar.
    oop_elasticity: float = between(-0.2, -2.0, 0.0)
    # Forgone care: probability = forgone_max * logistic(slope * (OOP / monthly income - pivot)).
    forgone_max: float = probability(0.5)
    forgone_slope: float = nonneg(3.0)
    forgone_pivot: float = nonneg(3.0)
    # Monthly adherence to chronic follow-up and medication at zero out-of-pocket cost.
    adherence_at_zero_cost: float = probability(0.75)
    cascade: CascadeConfig = field(default_factory=CascadeConfig)
    choice: ChoiceConfig = field(default_factory=ChoiceConfig)
    hospital: HospitalBehaviourConfig = field(default_factory=HospitalBehaviourConfig)
    prescribing: PrescribingConfig = field(default_factory=PrescribingConfig)
    supplier: SupplierBehaviourConfig = field(default_factory=SupplierBehaviourConfig)


# ---------------------------------------------------------------------------------------
# policy levers: payment/, procurement/, pricing/, benefits/
# ---------------------------------------------------------------------------------------


# Each policy family's base config. A variant's class declares its own ``Config`` deriving from
# its family's (``model/policies/plugin.py``); ``_target_`` names the class.


@dataclass
class PaymentConfig:
    _target_: str = "sanyi.model.policies.payment.FeeForService"
    name: str = "ffs"
    start_year: int = _checked(2025, "year")  # year the method replaces fee-for-service
    # Supervision: the chance a hospital's year is audited, and the penalty on top of the
    # recovered amount, as a multiple of it (the 2021 Regulation on the Supervision of
    # Medical Security Funds sets fines of 1-2x for improper charges, 2-5x for fraud).
    audit_probability: float = probability(0.05)
    audit_penalty: float = between(1.0, 0.0, 10.0)


@dataclass
class ProcurementConfig:
    _target_: str = "sanyi.model.policies.procurement.NoProcurement"
    name: str = "none"
    # Months between a hospital's purchase and its payment to the supplier; suppliers finance
    # the wait (behaviour.supplier.financing_rate). Without tenders hospitals paid late
    # (assumed six months); the VBP rules require payment within 30 days, helped by the
    # fund's prepayment of at least 30 % of the agreed volume's value.
    payment_delay_months: float = between(6.0, 0.0, 36.0)


@dataclass
class ProtectionConfig:
    """Protection beyond basic insurance (``conf/protection``): the layers that pay after it.

    Both options measure protection the same way: catastrophic spending (SDG 3.8.2: a
    year's out-of-pocket spending above 10 % of income) and impoverishment (income above the
    poverty line before out-of-pocket spending, below it after), by income quintile and by
    urban/rural residence.
    """

    _target_: str = "sanyi.model.policies.protection.BasicOnly"
    name: str = "basic"
    # Poverty line, yuan per person-year at 2020 prices, moved with the scenario's CPI path.
    # NBS: the rural poverty standard of 2,300 yuan a year at 2010 prices was about 4,000
    # yuan in 2020 prices.
    poverty_line_2020_yuan: float = positive(4000.0)


@dataclass
class PricingConfig:
    _target_: str = "sanyi.model.policies.pricing.PriceSchedule"
    name: str = "zero_markup"
    # Markup on drug purchase prices charged by public hospitals: 15 % until the 2017 reform.
    drug_markup_rate: float = between(0.0, 0.0, 1.0)
    # Service price schedule of the price year, urban, yuan: bed-days and procedures
    # fitted by sanyi-calibrate (conf/calibrate/defaults_fit.yaml; docs/calibration.md) to
    # NHSA costs per admission by tier and scheme in 2021 (secondary: the focused refit of
    # docs/calibration.md, "The 2021-2024 roll-out and the refit"); visits hand-calibrated.
    bed_day_price: ByTier = field(default_factory=lambda: ByTier(572.0, 394.0, 728.0))
    procedure_price_per_admission: ByTier = field(
        default_factory=lambda: ByTier(2070.0, 1875.0, 2980.0)
    )
    outpatient_visit_price: ByTier = field(default_factory=lambda: ByTier(95.0, 190.0, 300.0))
    # Drugs per bed-day and per acute outpatient visit, in defined daily doses of the acute
    # class (a proxy for the hospital drug basket). Hand-calibrated with the acute class's
    # untendered price (untendered_substitutes.csv): drugs 28 % of inpatient and 41 % of
    # outpatient charges in 2018, before the tenders, falling to 24-25 % and 38 % in 2021-2022
    # (NHC statistical bulletins; targets.csv).
    inpatient_drug_days_per_bed_day: float = nonneg(12.5)
    outpatient_drug_days_per_visit: float = nonneg(1.2)
    # Price year of the schedule: prices are deflated/inflated from here to the start year.
    price_year: int = _checked(2021, "year")
    # Service-price adjustment: each year labour-service prices (bed-days, procedures, visits)
    # rise by this share of last year's savings on tendered products, relative to last year's
    # service charges, up to service_adjustment_cap (0: no adjustment).
    service_adjustment_share: float = probability(0.0)
    service_adjustment_cap: float = between(0.3, 0.0, 2.0)
    # Price cap on every drug and device, as a share of its list price (1: no cap).
    price_cap_share_of_list: float = between(1.0, 0.0, 10.0)


@dataclass
class SchemeBenefits:
    """Benefit package of one scheme (NHSA policy-scope rules, stylised)."""

    inpatient_deductible_yuan: ByTier = field(default_factory=lambda: ByTier(300, 800, 1200))
    inpatient_ratio: ByTier = field(default_factory=lambda: ByTier(0.90, 0.88, 0.85))
    retiree_ratio_bonus: float = between(0.0, 0.0, 0.5)
    # Share of inpatient charges outside the policy scope (self-paid items), by tier.
    out_of_scope_share: ByTier = field(default_factory=lambda: ByTier(0.06, 0.09, 0.13))
    annual_ceiling_yuan: float = positive(400_000.0)
    # Outpatient care is paid through three channels, each with its ratio and yearly limit
    # per person (local rules, stylised): the general outpatient pool (acute visits; a
    # yearly deductible for employees), hypertension and diabetes medicines (the "two
    # diseases" policy of 2019), and outpatient care of chronic and special diseases
    # (cancer, kidney disease, stroke, coronary disease, COPD), paid like inpatient care.
    outpatient_ratio: float = probability(0.5)
    outpatient_deductible_yuan: float = nonneg(0.0)
    outpatient_annual_limit_yuan: float = nonneg(400.0)
    # The general outpatient pool before the 2021 outpatient mutual-aid reform took effect
    # (``employee_financing.account_reform_year``): employees' outpatient care was paid mostly
    # from personal accounts, with little pooling (local rules, stylised).
    outpatient_ratio_before_reform: float = probability(0.5)
    outpatient_deductible_before_reform_yuan: float = nonneg(0.0)
    outpatient_annual_limit_before_reform_yuan: float = nonneg(400.0)
    two_disease_ratio: float = probability(0.5)
    two_disease_annual_limit_yuan: float = nonneg(500.0)
    special_disease_ratio: float = probability(0.6)
    special_disease_annual_limit_yuan: float = nonneg(10_000.0)


@dataclass
class EmployeeFinancing:
    employer_rate: float = probability(0.065)  # payroll share paid by the employer
    employee_rate: float = probability(0.02)  # payroll share paid by the worker
    # Maternity insurance merged into the employee fund from 2019 (0.5-1 % of payroll).
    maternity_rate: float = probability(0.006)
    maternity_merge_year: int = _checked(2019, "year")
    # Maternity allowance paid by the fund to insured working mothers, in months of their
    # wage: 98 days by the State Council's Special Rules on the Labour Protection of Female
    # Employees (2012) plus local extensions of 1-3 months (assumption).
    maternity_allowance_months: float = nonneg(4.5)
    # Average contribution base per worker in the price year (yuan/year), hand-calibrated to
    # NHSA employee-fund revenue per worker 2021 (1,900.3 bn / 261.06 m = 7,279 yuan).
    average_contribution_base_yuan: float = positive(78_000.0)
    base_floor_ratio: float = nonneg(0.6)  # contribution base floor / average
    base_cap_ratio: float = positive(3.0)  # contribution base cap / average
    # Personal accounts. Workers: their own contribution plus, before the outpatient
    # mutual-aid reform (State Council General Office 2021 No. 14, implemented locally from
    # 2022), a share of the employer's (local rules of 20-30 %; fitted, see below). Retirees:
    # before the reform a share of their own pension (local rules of about 4-5 %; an
    # assumption); from the reform a fixed credit of about 2 % of the average basic pension
    # of the reform year, then frozen (the 2021 reform text).
    employer_share_to_accounts: float = probability(0.159)
    account_reform_year: int = _checked(2022, "year")
    # Years over which the reform spreads: provinces issued their rules from late 2021 and
    # implemented them over 2022-2024 (No. 14 gave them three years), so the national
    # average moves a third of the way each year (an assumption on the pace; 1 = at once).
    # A year's share reformed applies to account credits and the outpatient pool alike.
    account_reform_phase_in_years: int = _checked(3, "positive_int")
    retiree_account_share_of_pension: float = probability(0.045)
    retiree_account_share_of_average_pension_after_reform: float = probability(0.02)
    # Monthly purchases at designated retail pharmacies paid from accounts, price-year yuan
    # per member (growing with wages). With the employer share above and the opening
    # balances below, fitted by sanyi-calibrate (conf/calibrate/defaults_fit.yaml;
    # docs/calibration.md) to employee spending per enrollee and the account
    # share of the employee reserve (NHSA bulletin 2021: personal accounts 11,754 of 29,409
    # hundred-million yuan, about 40 %; recalled).
    pharmacy_yuan_per_month_worker: float = nonneg(91.0)
    pharmacy_yuan_per_month_retiree: float = nonneg(127.0)
    # Accounts open with this many years of their members' credits (balances built up
    # before the start year; fitted 1.9, lowered by hand to 1.2, nearer the 2021 share).
    initial_account_years: float = nonneg(1.2)

    def account_reform_share(self, year: int) -> float:
        """Share of the outpatient mutual-aid reform in force in ``year`` (0 before, 1 once
        every province has implemented it)."""
        done = (year - self.account_reform_year + 1) / self.account_reform_phase_in_years
        return min(max(done, 0.0), 1.0)


@dataclass
class AdjustmentConfig:
    """Optional rule: contributions or benefits move when reserve months leave a band."""

    enabled: bool = False
    lever: str = one_of("contributions", "contributions", "benefits")
    lower_months: float = nonneg(6.0)
    upper_months: float = nonneg(18.0)
    step: float = probability(0.05)  # relative change per year outside the band


@dataclass
class BenefitsConfig:
    _target_: str = "sanyi.model.policies.benefits.CurrentBenefits"
    name: str = "current"
    employee: SchemeBenefits = field(
        default_factory=lambda: SchemeBenefits(
            inpatient_deductible_yuan=ByTier(300, 700, 1000),
            inpatient_ratio=ByTier(0.92, 0.90, 0.87),
            retiree_ratio_bonus=0.04,
            out_of_scope_share=ByTier(0.05, 0.08, 0.12),
            annual_ceiling_yuan=450_000.0,
            outpatient_ratio=0.55,
            outpatient_deductible_yuan=300.0,
            outpatient_annual_limit_yuan=3500.0,
            outpatient_ratio_before_reform=0.5,
            outpatient_deductible_before_reform_yuan=800.0,
            outpatient_annual_limit_before_reform_yuan=1500.0,
            two_disease_ratio=0.70,
            two_disease_annual_limit_yuan=3000.0,
            special_disease_ratio=0.80,
            special_disease_annual_limit_yuan=30_000.0,
        )
    )
    resident: SchemeBenefits = field(
        default_factory=lambda: SchemeBenefits(
            inpatient_deductible_yuan=ByTier(200, 600, 1200),
            # Basic insurance plus the critical-illness layer that NHSA's ratios include
            # (NHSA 2023 policy-scope ratios by tier: 80.8, 72.4, 63.2 %).
            inpatient_ratio=ByTier(0.85, 0.78, 0.69),
            retiree_ratio_bonus=0.0,
            out_of_scope_share=ByTier(0.07, 0.12, 0.17),
            annual_ceiling_yuan=250_000.0,
            outpatient_ratio=0.5,
            outpatient_deductible_yuan=0.0,
            outpatient_annual_limit_yuan=130.0,
            outpatient_ratio_before_reform=0.5,
            outpatient_deductible_before_reform_yuan=0.0,
            outpatient_annual_limit_before_reform_yuan=130.0,
            two_disease_ratio=0.5,
            two_disease_annual_limit_yuan=400.0,
            special_disease_ratio=0.5,
            special_disease_annual_limit_yuan=5_000.0,
        )
    )
    employee_financing: EmployeeFinancing = field(default_factory=EmployeeFinancing)
    # Gradual statutory retirement-age increase in force from January 2025 (NPC Standing
    # Committee decision of 13 September 2024).
    retirement_delay: bool = True
    # Deductibles, limits and ceilings are revised with wages (from the price year); false
    # freezes them in nominal yuan, so inflation erodes what they pay.
    index_amounts_to_wages: bool = True
    # What happens when a fund's reserve cannot pay the month's claims.
    on_depletion: str = one_of("top_up", "top_up", "benefit_cut")
    # Resident financing after the last legislated year (policy_inputs.csv): each year's
    # financing notice raises contributions and subsidy roughly with spending
    # (``follows_spending``: the growth of the fund's pooled spending per enrollee over the
    # last ``financing_smoothing_years`` years), or nothing changes (``frozen``), which shows
    # the financing gap that policy must close (KPI ``financing_gap_share``).
    financing_rule: str = one_of("follows_spending", "follows_spending", "frozen")
    financing_smoothing_years: int = _checked(3, "positive_int")
    # Actual resident-fund revenue per enrollee exceeds the national minimum financing (local
    # subsidies above the minimum, premiums paid by medical assistance): NHSA revenue per
    # enrollee / (minimum subsidy + contribution) = 964/900 (2021), 1,030/960 (2022),
    # 1,098/1,020 (2023); interest, modelled apart, is about 1 point of it.
    resident_financing_uplift: float = between(1.065, 1.0, 2.0)
    # Government subsidy per resident enrollee relative to the notices' (a lever for
    # questions such as "what if subsidies stopped growing or were cut"; 0: no subsidy).
    resident_subsidy_factor: float = between(1.0, 0.0, 10.0)
    adjustment: AdjustmentConfig = field(default_factory=AdjustmentConfig)
    # Yearly interest earned on reserves (bank deposits of social-insurance funds).
    reserve_interest_rate: float = between(0.015, 0.0, 0.2)
    # Initial reserves in months of expenditure (NHSA 2017-2018: employee pooled fund about
    # 20 months incl. personal accounts; resident about 8 months).
    initial_reserve_months_employee: float = nonneg(20.0)
    initial_reserve_months_resident: float = nonneg(8.0)


@dataclass
class PoolingConfig:
    """How the funds of a province's prefectures share risk (model/policies/pooling.py)."""

    _target_: str = "sanyi.model.policies.pooling.PrefecturePooling"
    name: str = "prefecture"


@dataclass
class MarketConfig:
    # A medicines catalogue of one's own (CSV or Parquet with the columns of
    # model/data/vbp_catalogue.csv that the model reads; model/user_tables.py) instead of the
    # built-in one. Empty: the built-in catalogue.
    catalogue: str = ""


@dataclass
class CheckpointConfig:
    every_years: int = _checked(0, "nonneg_int")  # 0: no checkpoints


@dataclass
class SanyiConfig:
    seed: int = _checked(0, "seed")
    population: PopulationConfig = field(default_factory=PopulationConfig)
    scenario: ScenarioConfig = field(default_factory=ScenarioConfig)
    behaviour: BehaviourConfig = field(default_factory=BehaviourConfig)
    # Policy levers: a node per family, typed by the class its ``_target_`` names (validation
    # turns each into that class's ``Config``; see model/policies/plugin.py).
    payment: Any = field(default_factory=lambda: _defaults(PaymentConfig))
    procurement: Any = field(default_factory=lambda: _defaults(ProcurementConfig))
    pricing: Any = field(default_factory=lambda: _defaults(PricingConfig))
    benefits: Any = field(default_factory=lambda: _defaults(BenefitsConfig))
    protection: Any = field(default_factory=lambda: _defaults(ProtectionConfig))
    pooling: Any = field(default_factory=lambda: _defaults(PoolingConfig))
    progress: bool = True  # show a progress bar
    # Collect monthly charts with Mesa's DataCollector (the dashboard does; batch runs need
    # only the ledger, so they skip the per-month cost).
    collect_monthly: bool = False
    # Sweeps: skip jobs of the same hydra.sweep.dir whose outputs are complete; rerun the rest.
    resume: bool = False
    # Checkpoints (model/checkpoint.py): every_years > 0 saves the whole state after each
    # N-th December to <output folder>/checkpoints/<year>.ckpt; resume_from continues a run
    # from one (same sanyi version and config), with outputs identical to an uninterrupted run.
    checkpoint: CheckpointConfig = field(default_factory=lambda: CheckpointConfig())
    market: MarketConfig = field(default_factory=lambda: MarketConfig())
    resume_from: str = ""
    # Heavier invariant checks every month: per person (accounts) and per claim (who paid
    # what), on top of the cheap ones that always run (model/bookkeeping.py ``guard``).
    debug: bool = False

    def __post_init__(self) -> None:
        """Type each policy node by its ``_target_`` class (so ``SanyiConfig()`` works too)."""
        from sanyi.model.policies.plugin import typed_node

        for family in FAMILIES:
            setattr(self, family, typed_node(family, getattr(self, family)))


FAMILIES: dict[str, type] = {"payment": PaymentConfig, "procurement": ProcurementConfig,
                              "pricing": PricingConfig, "benefits": BenefitsConfig,
                              "protection": ProtectionConfig, "pooling": PoolingConfig}


def _defaults(config: type) -> dict[str, Any]:
    """A family's default node as a plain dict (the schema types it at validation)."""
    return copy.deepcopy(_default_node(config))


@cache
def _default_node(config: type) -> dict[str, Any]:
    from omegaconf import OmegaConf

    node = OmegaConf.to_container(OmegaConf.structured(config))
    assert isinstance(node, dict)
    return node


@cache
def schema_of(config: type) -> Any:
    """A dataclass's structured OmegaConf schema, made once and read-only (making one is slow)."""
    from omegaconf import OmegaConf

    schema = OmegaConf.structured(config)
    OmegaConf.set_readonly(schema, True)
    return schema


@cache
def register_configs() -> None:
    """Register the schema (once) so that YAML files are merged onto typed dataclasses."""
    cs = ConfigStore.instance()
    cs.store(name="sanyi_schema", node=SanyiConfig)
    _register_policy_keys(cs)


def _register_policy_keys(cs: ConfigStore) -> None:
    """Every key of each packaged policy option, with its class's default, as
    ``policy_keys/<family>/<option>``; each option's YAML file starts from it, so any key can
    be overridden on the command line (``procurement.ceiling_share=0.5``) though the file
    sets only a few."""
    from importlib import resources

    from omegaconf import OmegaConf

    from sanyi.model.policies.plugin import policy_class

    conf = resources.files("sanyi.conf")
    for family in FAMILIES:
        for option in conf.joinpath(family).iterdir():
            if option.name.endswith(".yaml"):
                target = OmegaConf.create(option.read_text(encoding="utf-8")).get("_target_")
                cls = policy_class(family, target)
                cs.store(group=f"policy_keys/{family}", name=option.name.removesuffix(".yaml"),
                         node=_defaults(cls.Config))
