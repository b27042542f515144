"""ILO regions and member States, loaded into every database by a data migration.

Membership and regions come from `data/ilo_member_states.csv` (the UN's members less seven,
plus the Cook Islands; Palestine as an observer); names and their French, Spanish and
Chinese translations come from pycountry's ISO 3166 data.
"""

from __future__ import annotations

import csv
import gettext
from functools import cache
from pathlib import Path
from typing import Any

import pycountry

DATA = Path(__file__).resolve().parent / "data"
TRANSLATIONS = {"fr": "fr", "es": "es", "zh": "zh_CN"}


@cache
def _translator(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[TRANSLATIONS[language]], fallback=True
    )


def read_regions() -> list[dict[str, str]]:
    with (DATA / "ilo_regions.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def read_member_states() -> list[dict[str, str]]:
    """One row per State: ISO codes, name in four languages, ILO region code, status."""
    rows = []
    with (DATA / "ilo_member_states.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            country = pycountry.countries.get(alpha_2=row["iso_alpha2"])
            rows.append(
                {
                    "iso_alpha2": country.alpha_2,
                    "iso_alpha3": country.alpha_3,
                    "iso_numeric": country.numeric,
                    "name": country.name,
                    **{
                        f"name_{lang}": _translator(lang).gettext(country.name)
                        for lang in TRANSLATIONS
                    },
                    "region": row["ilo_region"],
                    "status": row["status"],
                }
            )
    return rows


def load_reference_data(region_model: Any, country_model: Any) -> None:
    """Create or update regions and countries; safe to run again (takes historical models)."""
    regions = {}
    for row in read_regions():
        regions[row["code"]], _ = region_model.objects.update_or_create(
            code=row["code"], defaults={"name": row["title"]}
        )
    for row in read_member_states():
        code = row.pop("iso_alpha2")
        row["region"] = regions[row["region"]]
        country_model.objects.update_or_create(iso_alpha2=code, defaults=row)
