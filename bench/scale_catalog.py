"""The bench's catalog: the seed catalog at national scale, reaching back over the years.

The seed catalog (catalog/sources) has provinces but no communes, and its regimes start in
2025. A national data set has both: each province reports its communes' figures, and the
regimes' forms have been filled for years. So the bench adds, in its own database only,
`COMMUNES_PER_PROVINCE` communes under every province-level area (valid when their province
is) and opens every regime with data tables from `FIRST_YEAR` on, for the provinces of before
the 2025 reorganisation too, without requiring signatures (the bench measures the data path;
signing is a client's cost). Nothing else of the seed catalog changes: the validator checks
the bench's reports exactly as it checks real ones.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from catalog import model
from catalog.mapping import graph_to_catalog, parse_sources

FIRST_YEAR = 2011
COMMUNES_PER_PROVINCE = 100


def commune_code(province: str, number: int) -> str:
    return f"{province}-X{number:03d}"


def load_seed_catalog() -> model.Catalog:
    """The curated seed catalog, as `hub catalog import` reads it."""
    return graph_to_catalog(parse_sources(None))


def national_catalog(seed: model.Catalog | None = None) -> model.Catalog:
    """`seed` (default: the seed catalog) with communes and regimes open since FIRST_YEAR."""
    seed = seed or load_seed_catalog()
    areas = dict(seed.areas)
    for province in [a for a in seed.areas.values() if a.level is model.AreaLevel.PROVINCE]:
        for number in range(1, COMMUNES_PER_PROVINCE + 1):
            code = commune_code(province.code, number)
            areas[code] = model.Area(
                code,
                model.Text(
                    f"Xã {number} ({province.name.vi})",
                    f"Commune {number} ({province.name.en or province.name.vi})",
                ),
                model.AreaLevel.COMMUNE,
                code,
                province.code,
                valid_from=province.valid_from,
                valid_to=province.valid_to,
            )
    provinces = tuple(a.code for a in seed.agencies.values() if a.kind is model.AgencyKind.PROVINCE)
    regimes = {}
    for regime in seed.regimes.values():
        if regime.tables:
            obliged = regime.reporting_agencies
            if any(code in provinces for code in obliged):
                obliged = tuple(dict.fromkeys((*obliged, *provinces)))
            regime = replace(
                regime,
                valid_from=date(FIRST_YEAR, 1, 1),
                reporting_agencies=obliged,
                requires_signature=False,
            )
        regimes[regime.code] = regime
    return replace(seed, areas=areas, regimes=regimes)
