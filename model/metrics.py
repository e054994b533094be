"""Metric definitions: the one place that says what every output column means.

Each month the model books raw quantities into a ``Ledger`` (``model/ledger.py``), per group
of persons (employee fund, resident fund, uninsured) or market-wide. Every output column is
one ``Metric`` below: its unit, whether it is a stock (the period's last month), a flow (summed
over the period) or a ratio (of two other columns of the same row), and the **rule that forms
its ``all`` row** from the group rows:

- ``sum``: employee + resident + uninsured (every person);
- ``sum of funds``: employee + resident; the ``uninsured`` row is empty (no fund);
- ``ratio``: the row's own ``numerator / denominator`` columns, in every row, so ``all`` is the
  ratio of the summed parts (a weighted mean of the group rows, never an average of ratios);
- ``mean by <column>``: the group rows' values weighted by that column;
- ``whole market``: a market-wide figure given only in the ``all`` row (group rows empty).

Money and counts are scaled to the represented population (simulated value x scale factor).
``tests/test_metric_rules.py`` checks every column of a real run against its rule, and the
README's column table is printed from this one (``python -m sanyi.model.metrics``).
"""

from __future__ import annotations

from dataclasses import dataclass

SUM, SUM_FUNDS, RATIO, MEAN_BY, MARKET = "sum", "sum of funds", "ratio", "mean by", "whole market"
STOCK, FLOW = "stock", "flow"

# Raw quantities booked each month, per group of persons (employee, resident, uninsured).
GROUP_STOCKS = (
    "persons", "enrollees", "workers", "retirees", "age60plus", "age65plus", "chronic",
    "controlled", "pooled_reserve", "account_balance", "catastrophic", "benefit_weight",
    # counted in December only (annual tables): the care cascade and adult prevalence
    "adults", "adults_40plus", "hypertension", "hypertension_aware", "hypertension_treated",
    "hypertension_controlled", "diabetes", "diabetes_aware", "diabetes_treated",
    "diabetes_controlled", "copd_40plus",
    # layers beyond basic insurance (protection): persons covered
    "assisted", "commercial_enrollees",
)
GROUP_FLOWS = (
    "revenue", "expenditure", "pooled_revenue", "pooled_expenditure", "account_credits",
    "account_spending", "top_up", "shifted_to_patients", "admissions", "admissions_workers",
    "admissions_retirees", "bed_days", "inpatient_charges", "inpatient_in_scope",
    "inpatient_fund", "charges", "oop", "fund_paid", "drug_charges", "visits", "visits_primary",
    "sought", "forgone", "deaths", "births", "immigrants", "emigrants", "qalys", "upcoded",
    "admissions_primary", "admissions_secondary", "admissions_tertiary",
    "inpatient_charges_primary", "inpatient_charges_secondary", "inpatient_charges_tertiary",
    "inpatient_drug_charges", "outpatient_charges", "outpatient_drug_charges",
    "expenditure_real", "pooled_expenditure_real", "pooled_shortfall", "readmissions",
    "transfers", "drg_weight", "settlements", "audit_recoveries",
    # layers beyond basic insurance (protection): claims paid, premiums
    "critical_illness_paid", "assistance_paid", "commercial_paid", "critical_illness_premium",
    "assistance_contributions", "commercial_premiums",
)
# Who the protection outcomes are counted for (income quintiles, 1 = poorest; residence)
# and commercial take-up (age, chronic illness).
# (model/bookkeeping.py counts them under these names.)
INCOME_QUINTILES = ("q1", "q2", "q3", "q4", "q5")
RESIDENCES = ("urban", "rural")
AGE_GROUPS = ("under60", "60plus")
CHRONIC_GROUPS = ("no_chronic", "chronic")
PROTECTION_SPLITS = INCOME_QUINTILES + RESIDENCES
TAKEUP_SPLITS = AGE_GROUPS + CHRONIC_GROUPS
_SPLIT_LABELS = ("poorest income quintile", "second income quintile", "middle income quintile",
                 "fourth income quintile", "richest income quintile", "urban residents",
                 "rural residents")
_TAKEUP_LABELS = ("under 60", "aged 60+", "no chronic condition", "with a chronic condition")
# Raw quantities booked once per month for the whole market.
MARKET_FLOWS = ("market_units", "market_value_current", "market_value_base", "winner_units",
                "hhi_weighted", "hospital_costs", "bed_days_primary", "bed_days_secondary",
                "bed_days_tertiary", "bed_capacity_primary", "bed_capacity_secondary",
                "bed_capacity_tertiary", "hospital_revenue_earned", "catalogue_drug_units",
                "generic_units", "drug_units", "untendered_units", "prescribed_units",
                "short_units", "forgone_units", "retained_savings", "supplier_exits",
                "supplier_entries",
                # December: protection outcomes by income quintile and residence, and
                # commercial take-up by age and chronic illness (model/bookkeeping.py)
                *(f"{what}_{who}" for what in ("persons", "catastrophic", "catastrophic25",
                                               "impoverished", "overshoot")
                  for who in (*PROTECTION_SPLITS, "all") if not (what == "catastrophic"
                                                                  and who == "all")),
                *(f"{what}_{who}" for what in ("persons", "commercial")
                  for who in TAKEUP_SPLITS))
# Group quantities that belong to a fund: empty in the uninsured row.
FUND_QUANTITIES = (
    "enrollees", "workers", "retirees", "pooled_reserve", "account_balance", "benefit_weight",
    "revenue", "expenditure", "pooled_revenue", "pooled_expenditure", "account_credits",
    "account_spending", "top_up", "shifted_to_patients", "admissions_workers",
    "admissions_retirees", "expenditure_real", "pooled_expenditure_real", "pooled_shortfall",
    "settlements", "audit_recoveries", "critical_illness_premium",
)


@dataclass(frozen=True)
class Metric:
    """One output column.

    ``raw`` names the booked quantities the column is built from: one name (``a``), a
    difference (``a-b``), a sum (``a+b``) or, for market figures, a quotient (``a/b``) of
    period totals; for ratios of columns, ``numerator`` and
    ``denominator`` name two other columns and ``per`` says how the period enters
    (``year``: annualised rate; ``months``: times the months of the period; ``""``: plain).
    """

    name: str
    unit: str
    kind: str  # stock, flow or ratio
    rule: str  # how the ``all`` row is formed
    label: str
    raw: str = ""
    scaled: bool = True  # multiplied by the population scale factor
    numerator: str = ""
    denominator: str = ""
    per: str = ""
    factor: float = 1.0
    weight: str = ""  # for ``mean by``
    annual_only: bool = False  # defined on a calendar year (left out of monthly.parquet)
    floor_zero: bool = False  # negative values count as zero (per group; ``all`` sums them)


def _count(name: str, label: str, raw: str, kind: str = FLOW, rule: str = SUM,
           unit: str = "persons") -> Metric:
    return Metric(name, unit, kind, rule, label, raw=raw)


def _money(name: str, label: str, raw: str, kind: str = FLOW, rule: str = SUM_FUNDS) -> Metric:
    return Metric(name, "yuan", kind, rule, label, raw=raw)


def _ratio(name: str, unit: str, label: str, numerator: str, denominator: str,
           per: str = "", factor: float = 1.0, annual_only: bool = False) -> Metric:
    return Metric(name, unit, RATIO, RATIO, label, numerator=numerator, denominator=denominator,
                  per=per, factor=factor, annual_only=annual_only)


def _market(name: str, unit: str, label: str, numerator: str, denominator: str) -> Metric:
    return Metric(name, unit, RATIO, MARKET, label, numerator=numerator, denominator=denominator)


def _by_split(name: str, unit: str, label: str, counted: str,
              splits: tuple[str, ...] = PROTECTION_SPLITS,
              labels: tuple[str, ...] = _SPLIT_LABELS) -> tuple[Metric, ...]:
    """A December share per group of persons (``<name>_<group>``): the group's ``counted``
    persons over all its persons, both booked market-wide by ``model/bookkeeping.py``."""
    return tuple(Metric(f"{name}_{who}", unit, RATIO, MARKET, f"{label}, {what}",
                        raw=f"{counted}_{who}/persons_{who}", scaled=False, annual_only=True)
                 for who, what in zip(splits, labels, strict=True))


METRICS: tuple[Metric, ...] = (
    # -- people ---------------------------------------------------------------------------
    _count("persons", "Persons alive at the end of the period", "persons", STOCK),
    _count("enrollees", "Members of the fund at the end of the period", "enrollees", STOCK,
           SUM_FUNDS),
    _count("workers", "Employee-scheme workers (contributors)", "workers", STOCK, SUM_FUNDS),
    _count("retirees", "Employee-scheme retirees (no contributions)", "retirees", STOCK,
           SUM_FUNDS),
    _count("persons_60plus", "Persons aged 60 or more", "age60plus", STOCK),
    _count("persons_65plus", "Persons aged 65 or more", "age65plus", STOCK),
    _count("chronic_patients", "Persons with at least one chronic condition", "chronic", STOCK),
    _count("controlled_patients", "Chronic patients with every condition under control",
           "controlled", STOCK),
    _count("deaths", "Deaths", "deaths"),
    _count("births", "Births", "births"),
    _count("immigrants", "Persons moving into the region", "immigrants"),
    _count("emigrants", "Persons moving out of the region", "emigrants"),
    _ratio("share_age_65plus", "share", "Share of persons aged 65+", "persons_65plus", "persons"),
    _ratio("share_age_60plus", "share", "Share of persons aged 60+", "persons_60plus", "persons"),
    # -- funds: total accounts as NHSA reports them (pooled fund + personal accounts) ------
    _money("revenue_yuan", "Fund revenue (pooled fund and personal accounts)", "revenue"),
    _money("expenditure_yuan", "Fund expenditure (pooled fund and personal accounts)",
           "expenditure"),
    _money("balance_yuan", "Fund balance: revenue - expenditure", "revenue-expenditure"),
    _ratio("revenue_per_enrollee_yuan", "yuan per enrollee-year", "Fund revenue per enrollee",
           "revenue_yuan", "enrollees", per="year"),
    _ratio("expenditure_per_enrollee_yuan", "yuan per enrollee-year",
           "Fund expenditure per enrollee", "expenditure_yuan", "enrollees", per="year"),
    # -- funds: the pooled fund, which is what can run out ---------------------------------
    _money("pooled_revenue_yuan", "Pooled-fund revenue (contributions and subsidies less "
           "personal-account credits, interest, top-ups)", "pooled_revenue"),
    _money("pooled_expenditure_yuan", "Pooled-fund payments for claims", "pooled_expenditure"),
    _money("pooled_balance_yuan", "Pooled-fund balance: pooled revenue - pooled expenditure",
           "pooled_revenue-pooled_expenditure"),
    Metric("financing_gap_yuan", "yuan", FLOW, SUM_FUNDS,
           "Pooled expenditure not covered by pooled revenue other than top-ups (zero in "
           "surplus)", raw="pooled_shortfall", floor_zero=True, annual_only=True),
    _money("pooled_own_revenue_yuan", "Pooled revenue without government top-ups",
           "pooled_revenue-top_up"),
    _ratio("financing_gap_share", "share",
           "Financing gap as a share of pooled revenue without top-ups",
           "financing_gap_yuan", "pooled_own_revenue_yuan", annual_only=True),
    _money("expenditure_real_yuan", "Fund expenditure in start-year yuan (CPI-deflated)",
           "expenditure_real"),
    _money("reserve_yuan", "Pooled-fund reserve at the end of the period (can run out)",
           "pooled_reserve", STOCK),
    _ratio("reserve_months", "months", "Pooled reserve in months of pooled expenditure",
           "reserve_yuan", "pooled_expenditure_yuan", per="months"),
    _money("top_up_yuan", "Government top-up of a depleted pooled fund", "top_up"),
    _money("benefit_cut_yuan", "Claims shifted to patients by a depleted fund's benefit cut",
           "shifted_to_patients"),
    # -- funds: employees' personal accounts (members' own money, reported apart) ----------
    _money("account_balance_yuan", "Personal-account balances at the end of the period",
           "account_balance", STOCK),
    _money("account_credits_yuan", "Credits paid into personal accounts", "account_credits"),
    _money("account_spending_yuan", "Personal-account payments (and balances of leavers)",
           "account_spending"),
    _money("total_reserve_yuan", "Pooled reserve plus personal-account balances",
           "pooled_reserve+account_balance", STOCK),
    Metric("benefit_level", "index", STOCK, MEAN_BY, "Benefit level (1 = as legislated)",
           raw="benefit_weight", weight="enrollees", scaled=False),
    # -- care and claims --------------------------------------------------------------------
    _count("admissions", "Inpatient admissions", "admissions", unit="admissions"),
    _count("admissions_workers", "Admissions of employee-scheme workers", "admissions_workers",
           unit="admissions", rule=SUM_FUNDS),
    _count("admissions_retirees", "Admissions of employee-scheme retirees",
           "admissions_retirees", unit="admissions", rule=SUM_FUNDS),
    _count("bed_days", "Inpatient bed-days", "bed_days", unit="days"),
    _count("visits", "Outpatient visits (acute and chronic follow-up)", "visits",
           unit="visits"),
    _count("visits_primary", "Outpatient visits in primary care", "visits_primary",
           unit="visits"),
    _count("care_sought", "Episodes of care sought", "sought", unit="episodes"),
    _count("care_forgone", "Episodes of care forgone for cost", "forgone", unit="episodes"),
    _count("upcoded_admissions", "Admissions coded at a higher severity than treated",
           "upcoded", unit="admissions"),
    _ratio("inpatient_rate", "admissions per person-year", "Admissions per person",
           "admissions", "persons", per="year"),
    _ratio("inpatient_rate_workers", "admissions per person-year", "Admissions per worker",
           "admissions_workers", "workers", per="year"),
    _ratio("inpatient_rate_retirees", "admissions per person-year", "Admissions per retiree",
           "admissions_retirees", "retirees", per="year"),
    _ratio("alos_days", "days", "Average length of stay", "bed_days", "admissions"),
    _ratio("visits_per_person", "visits per person-year", "Outpatient visits per person",
           "visits", "persons", per="year"),
    *(_count(f"admissions_{t}", f"Admissions to {t} hospitals", f"admissions_{t}",
             unit="admissions") for t in ("primary", "secondary", "tertiary")),
    *(_ratio(f"admission_share_{t}", "share", f"Share of admissions in {t} hospitals",
             f"admissions_{t}", "admissions") for t in ("primary", "secondary", "tertiary")),
    _ratio("primary_care_visit_share", "share", "Share of outpatient visits in primary care",
           "visits_primary", "visits"),
    _ratio("forgone_care_rate", "share", "Share of care episodes forgone for cost",
           "care_forgone", "care_sought"),
    _ratio("upcoding_rate", "share", "Share of admissions upcoded", "upcoded_admissions",
           "admissions"),
    _count("readmissions", "Admissions within 30 days of an earlier one", "readmissions",
           unit="admissions"),
    _ratio("readmission_rate", "share", "30-day readmissions per admission", "readmissions",
           "admissions"),
    _count("transfers", "Severe admissions sent on to the city hub", "transfers",
           unit="admissions"),
    Metric("drg_weight_sum", "weight", FLOW, SUM, "Reference DRG weights of the coded admissions",
           raw="drg_weight"),
    _ratio("case_mix_index", "index", "Case-mix index (mean reference weight as coded)",
           "drg_weight_sum", "admissions"),
    # -- money of care ----------------------------------------------------------------------
    _money("hospital_revenue_yuan", "Hospitals' medical revenue from these patients",
           "charges", rule=SUM),
    _money("inpatient_charges_yuan", "Inpatient charges", "inpatient_charges", rule=SUM),
    _money("inpatient_in_scope_yuan", "Inpatient charges within the policy scope",
           "inpatient_in_scope", rule=SUM),
    _money("inpatient_fund_yuan", "Pooled-fund payments for admissions", "inpatient_fund",
           rule=SUM),
    _money("drug_charges_yuan", "Charges for drugs and consumables", "drug_charges", rule=SUM),
    _money("service_charges_yuan", "Charges for services (all but drugs and consumables)",
           "charges-drug_charges", rule=SUM),
    _money("oop_yuan", "Patients' out-of-pocket payments", "oop", rule=SUM),
    _money("claims_paid_by_funds_yuan", "Claims paid by pooled funds and personal accounts",
           "fund_paid", rule=SUM),
    _money("settlement_difference_yuan", "Paid to hospitals beyond the funds' item-based share "
           "(case payment, capitation, budgets, audits; negative: recovered)", "settlements"),
    _money("audit_recoveries_yuan", "Recovered from hospitals by audits, penalties included",
           "audit_recoveries"),
    _ratio("cost_per_admission_yuan", "yuan", "Charges per admission", "inpatient_charges_yuan",
           "admissions"),
    *(_money(f"inpatient_charges_{t}_yuan", f"Inpatient charges in {t} hospitals",
             f"inpatient_charges_{t}", rule=SUM) for t in ("primary", "secondary", "tertiary")),
    *(_ratio(f"cost_per_admission_{t}_yuan", "yuan", f"Charges per admission in {t} hospitals",
             f"inpatient_charges_{t}_yuan", f"admissions_{t}")
      for t in ("primary", "secondary", "tertiary")),
    _money("inpatient_drug_charges_yuan", "Drug charges of admissions", "inpatient_drug_charges",
           rule=SUM),
    _money("outpatient_charges_yuan", "Outpatient charges", "outpatient_charges", rule=SUM),
    _money("outpatient_drug_charges_yuan", "Drug charges of outpatient visits",
           "outpatient_drug_charges", rule=SUM),
    _ratio("drug_share_inpatient", "share", "Drugs in inpatient charges",
           "inpatient_drug_charges_yuan", "inpatient_charges_yuan"),
    _ratio("drug_share_outpatient", "share", "Drugs in outpatient charges",
           "outpatient_drug_charges_yuan", "outpatient_charges_yuan"),
    _ratio("policy_scope_reimbursement_ratio", "share",
           "Pooled-fund share of in-scope inpatient charges", "inpatient_fund_yuan",
           "inpatient_in_scope_yuan"),
    _ratio("actual_reimbursement_ratio_inpatient", "share",
           "Pooled-fund share of all inpatient charges", "inpatient_fund_yuan",
           "inpatient_charges_yuan"),
    _ratio("oop_share", "share", "Out-of-pocket share of hospitals' medical revenue", "oop_yuan",
           "hospital_revenue_yuan"),
    _ratio("drug_share_of_hospital_revenue", "share", "Drugs and consumables in hospital revenue",
           "drug_charges_yuan", "hospital_revenue_yuan"),
    # -- outcomes ---------------------------------------------------------------------------
    Metric("catastrophic_persons", "persons", STOCK, SUM, "Persons whose out-of-pocket "
           "spending of the calendar year exceeded 10 % of their income", raw="catastrophic",
           annual_only=True),
    _ratio("catastrophic_rate", "share", "Catastrophic health expenditure rate (SDG 3.8.2, 10 %)",
           "catastrophic_persons", "persons", annual_only=True),
    *_by_split("catastrophic_rate", "share", "Catastrophic health expenditure rate",
               "catastrophic"),
    Metric("catastrophic_rate_25", "share", RATIO, MARKET, "Catastrophic health expenditure "
           "rate at SDG 3.8.2's higher threshold (25 % of income)",
           raw="catastrophic25_all/persons_all", scaled=False, annual_only=True),
    *_by_split("catastrophic_rate_25", "share", "Catastrophic health expenditure rate (25 %)",
               "catastrophic25"),
    Metric("catastrophic_gap", "share of income", RATIO, MARKET, "Catastrophic gap: mean over "
           "persons of out-of-pocket spending's excess over 10 % of income (0 below it)",
           raw="overshoot_all/persons_all", scaled=False, annual_only=True),
    *_by_split("catastrophic_gap", "share of income", "Catastrophic gap (10 %)", "overshoot"),
    Metric("impoverishment_rate", "share", RATIO, MARKET, "Share of persons pushed below the "
           "poverty line by out-of-pocket spending of the year", raw="impoverished_all/persons_all",
           scaled=False, annual_only=True),
    *_by_split("impoverishment_rate", "share",
               "Share of persons pushed below the poverty line by out-of-pocket spending",
               "impoverished"),
    # -- protection beyond basic insurance (protection=multi_tier) ----------------------
    _money("critical_illness_paid_yuan", "Paid by critical-illness insurance on claims",
           "critical_illness_paid", rule=SUM),
    _money("critical_illness_premium_yuan", "Resident fund's premiums to the critical-illness "
           "insurer (within fund expenditure)", "critical_illness_premium"),
    _ratio("critical_illness_loss_ratio", "share", "Critical-illness claims per yuan of premium",
           "critical_illness_paid_yuan", "critical_illness_premium_yuan"),
    _money("assistance_paid_yuan", "Paid by medical assistance on claims (government budget)",
           "assistance_paid", rule=SUM),
    _money("assistance_contributions_yuan", "Resident contributions medical assistance paid "
           "for recipients", "assistance_contributions", rule=SUM),
    _count("assisted_persons", "Medical-assistance recipients", "assisted", STOCK),
    _money("commercial_paid_yuan", "Paid by commercial supplements on claims",
           "commercial_paid", rule=SUM),
    _money("commercial_premiums_yuan", "Premiums paid for commercial supplements",
           "commercial_premiums", rule=SUM),
    _ratio("commercial_loss_ratio", "share", "Commercial supplements' claims per yuan of premium",
           "commercial_paid_yuan", "commercial_premiums_yuan"),
    _count("commercial_enrollees", "Persons with a commercial supplement", "commercial_enrollees",
           STOCK),
    _ratio("commercial_takeup", "share", "Share of persons with a commercial supplement",
           "commercial_enrollees", "persons"),
    _ratio("commercial_premium_per_enrollee_yuan", "yuan per enrollee-year",
           "Commercial premium per insured person", "commercial_premiums_yuan",
           "commercial_enrollees", per="year"),
    *_by_split("commercial_takeup", "share", "Share of persons with a commercial supplement",
               "commercial", TAKEUP_SPLITS, _TAKEUP_LABELS),
    _ratio("chronic_control_rate", "share", "Share of chronic patients under control",
           "controlled_patients", "chronic_patients"),
    Metric("qalys", "QALYs", FLOW, SUM, "Quality-adjusted life years lived", raw="qalys"),
    _ratio("qalys_per_10k_fund_yuan", "QALYs per 10,000 start-year yuan",
           "QALYs lived per 10,000 yuan of fund expenditure (real, start-year yuan)", "qalys",
           "expenditure_real_yuan", factor=1e4),
    *(Metric(name, "persons", STOCK, SUM, label, raw=raw, annual_only=True) for name, raw, label in (
        ("adults", "adults", "Persons aged 18 or more"),
        ("persons_40plus", "adults_40plus", "Persons aged 40 or more"),
        ("hypertension_adults", "hypertension", "Adults with hypertension"),
        ("hypertension_aware", "hypertension_aware", "Adults with diagnosed hypertension"),
        ("hypertension_treated", "hypertension_treated", "Adults treated for hypertension"),
        ("hypertension_controlled", "hypertension_controlled",
         "Adults with hypertension under control"),
        ("diabetes_adults", "diabetes", "Adults with diabetes"),
        ("diabetes_aware", "diabetes_aware", "Adults with diagnosed diabetes"),
        ("diabetes_treated", "diabetes_treated", "Adults treated for diabetes"),
        ("diabetes_controlled", "diabetes_controlled", "Adults with diabetes under control"),
        ("copd_40plus", "copd_40plus", "Persons aged 40+ with COPD"),
    )),
    *(_ratio(name, "share", label, num, den, annual_only=True) for name, label, num, den in (
        ("prevalence_hypertension_adults", "Hypertension prevalence, adults",
         "hypertension_adults", "adults"),
        ("prevalence_diabetes_adults", "Diabetes prevalence, adults", "diabetes_adults", "adults"),
        ("prevalence_copd_40plus", "COPD prevalence, aged 40+", "copd_40plus", "persons_40plus"),
        ("aware_rate_hypertension", "Hypertensive adults diagnosed", "hypertension_aware",
         "hypertension_adults"),
        ("treated_rate_hypertension", "Hypertensive adults treated", "hypertension_treated",
         "hypertension_adults"),
        ("control_rate_hypertension", "Hypertensive adults controlled (among all hypertensives)",
         "hypertension_controlled", "hypertension_adults"),
        ("aware_rate_diabetes", "Diabetic adults diagnosed", "diabetes_aware", "diabetes_adults"),
        ("treated_rate_diabetes", "Diabetic adults treated", "diabetes_treated",
         "diabetes_adults"),
        ("control_rate_diabetes", "Diabetic adults controlled (among all diabetics)",
         "diabetes_controlled", "diabetes_adults"),
    )),
    # -- the market (hospitals and suppliers as a whole) ------------------------------------
    Metric("hospital_costs_yuan", "yuan", FLOW, MARKET, "All hospitals' costs",
           raw="hospital_costs"),
    Metric("hospital_earned_revenue_yuan", "yuan", FLOW, MARKET,
           "All hospitals' revenue as the payment method paid it", raw="hospital_revenue_earned"),
    Metric("hospital_surplus_yuan", "yuan", FLOW, MARKET,
           "All hospitals' revenue less costs", raw="hospital_revenue_earned-hospital_costs"),
    Metric("medicine_spending_yuan", "yuan", FLOW, MARKET,
           "Hospitals' purchases of drugs and consumables", raw="market_value_current"),
    Metric("medicine_spending_base_prices_yuan", "yuan", FLOW, MARKET,
           "The same purchases at the start year's prices", raw="market_value_base"),
    _market("drug_price_index", "index",
            "Drug price index (the start year's list prices = 1, current volumes)",
            "medicine_spending_yuan", "medicine_spending_base_prices_yuan"),
    Metric("medicine_units", "units", FLOW, MARKET, "Units of drugs (DDD) and devices bought",
           raw="market_units"),
    Metric("vbp_winner_units", "units", FLOW, MARKET, "Units bought from tender winners",
           raw="winner_units"),
    _market("vbp_winner_share", "share", "Share of units bought from tender winners",
            "vbp_winner_units", "medicine_units"),
    *(Metric(f"bed_occupancy_{t}", "share", RATIO, MARKET,
             f"Bed occupancy of {t} hospitals (bed-days used / available)",
             raw=f"bed_days_{t}/bed_capacity_{t}", scaled=False)
      for t in ("primary", "secondary", "tertiary")),
    Metric("supplier_hhi", "index", RATIO, MARKET,
           "Supplier concentration: Herfindahl index of makers' shares of each tendered "
           "molecule's doses, dose-weighted mean", raw="hhi_weighted/catalogue_drug_units",
           scaled=False),
    Metric("catalogue_drug_units", "units", FLOW, MARKET,
           "Doses of the tendered molecules dispensed", raw="catalogue_drug_units"),
    Metric("generic_units", "units", FLOW, MARKET,
           "Doses of the tendered molecules' generics dispensed", raw="generic_units"),
    _market("generic_share", "share", "Generics' share of the tendered molecules' doses",
            "generic_units", "catalogue_drug_units"),
    Metric("drug_units", "units", FLOW, MARKET, "Drug doses dispensed", raw="drug_units"),
    Metric("untendered_units", "units", FLOW, MARKET,
           "Doses of untendered substitutes dispensed", raw="untendered_units"),
    _market("untendered_share", "share",
            "Untendered substitutes' share of drug doses (leakage from tendered molecules)",
            "untendered_units", "drug_units"),
    Metric("prescribed_units", "units", FLOW, MARKET, "Units of drugs and devices prescribed",
           raw="prescribed_units"),
    Metric("short_units", "units", FLOW, MARKET,
           "Units prescribed that the maker could not deliver", raw="short_units"),
    _market("shortage_rate", "share",
            "Share of prescribed units not delivered as prescribed (switched or gone without)",
            "short_units", "prescribed_units"),
    Metric("forgone_units", "units", FLOW, MARKET,
           "Units prescribed that patients went without", raw="forgone_units"),
    _market("forgone_unit_rate", "share", "Share of prescribed units patients went without",
            "forgone_units", "prescribed_units"),
    Metric("retained_savings_yuan", "yuan", FLOW, MARKET,
           "Tender savings the funds paid back to hospitals (retained share)",
           raw="retained_savings"),
    Metric("supplier_exits", "count", FLOW, MARKET, "Makers that left the market",
           raw="supplier_exits", scaled=False),
    Metric("supplier_entries", "count", FLOW, MARKET, "Makers that entered a molecule",
           raw="supplier_entries", scaled=False),
)
# Pooling across a province's prefectures (population=province, model/policies/pooling.py):
# money moved between regions' pooled funds is neither revenue nor expenditure, so the
# reserve identity is reserve change = revenue - expenditure + pooling transfers.
GROUP_FLOWS += ("pooling_transfer",)
FUND_QUANTITIES += ("pooling_transfer",)
METRICS += (
    _money("pooling_transfer_yuan", "Net money received from other regions' pooled funds or "
           "the provincial adjustment fund (negative: paid out; zero for one prefecture)",
           "pooling_transfer"),
)
BY_NAME = {m.name: m for m in METRICS}


def markdown_table() -> str:
    """The README's column table: name, unit, kind, ``all`` rule, meaning."""
    lines = ["| column | unit | kind | `all` row | meaning |", "|---|---|---|---|---|"]
    for m in METRICS:
        if m.numerator:
            rule = f"ratio: `{m.numerator}` / `{m.denominator}`"
        elif m.rule == MEAN_BY:
            rule = f"mean weighted by `{m.weight}`"
        else:
            rule = m.rule
        if m.rule == MARKET:
            rule = "whole market, `all` row only"
        note = " (annual only)" if m.annual_only else ""
        lines.append(f"| `{m.name}` | {m.unit} | {m.kind} | {rule} | {m.label}{note} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_table())
