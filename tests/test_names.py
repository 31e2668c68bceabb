"""Issue 11: settlement names in the official romanization (KMU 2010), with other spellings as aliases."""

from __future__ import annotations

import re

import pytest
from translitua import UkrainianKMU, translit

from geo.places import find_place

RUSSIAN_ONLY = set("ыэёъЫЭЁЪ")


def _kmu(ukrainian: str) -> str:
    return re.sub("['’ʼ]", "", translit(ukrainian, UkrainianKMU))


def test_every_place_of_10k_is_named_by_the_kmu_romanization_of_its_ukrainian_name(layers):
    big = layers["settlements"][layers["settlements"]["population"] >= 10_000]
    assert len(big) > 300
    assert (big["name_uk"] != "").all()
    assert not big["name_uk"].map(lambda n: bool(RUSSIAN_ONLY & set(n))).any()
    wrong = big[[_kmu(uk) != name for uk, name in zip(big["name_uk"], big["name"])]]
    assert wrong.empty, wrong[["name", "name_uk"]].head().to_dict("records")


def test_nearly_every_place_has_a_ukrainian_name(layers):
    places = layers["settlements"]
    assert (places["name_uk"] != "").mean() > 0.98


@pytest.mark.parametrize("old,official,ukrainian", [
    ("Kadyevka", "Kadiivka", "Кадіївка"), ("Stakhanov", "Kadiivka", "Кадіївка"),
    ("Chystiakovo", "Chystiakove", "Чистякове"), ("Torez", "Chystiakove", "Чистякове"),
    ("Svetlodarsk", "Svitlodarsk", "Світлодарськ"), ("Volodymyr-Volynskyi", "Volodymyr", "Володимир"),
    ("Nykolaevka", "Mykolaivka", "Миколаївка"), ("Ovídiopol", "Ovidiopol", "Овідіополь"),
    ("Severodonetsk", "Siverskodonetsk", "Сіверськодонецьк"), ("Sievierodonetsk", "Siverskodonetsk", "Сіверськодонецьк"),
])
def test_old_and_russian_spellings_find_the_official_name(proj, old, official, ukrainian):
    place = find_place(old, proj)
    assert place.name == official
    row = proj.settlements[(proj.settlements["name"] == official) & (proj.settlements["population"] == place.population)]
    assert ukrainian in set(row["name_uk"])


def test_the_old_name_stays_a_search_alias(layers):
    places = layers["settlements"].set_index("name")
    assert "Kadyevka" in places.loc["Kadiivka", "alt_names"].split("|")
    assert "Chystiakovo" in places.loc["Chystiakove", "alt_names"].split("|")
