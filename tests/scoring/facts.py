"""Facility facts for scoring tests."""

from inspection.scoring import FacilityFacts


def make_facts(**overrides: object) -> FacilityFacts:
    """A facility with every facility and 80 of 100 beds taken; `overrides` change single facts."""
    values = {
        "has_canteen": True,
        "has_medical_unit": True,
        "has_special_equipment": True,
        "has_campus_roads": True,
        "is_key_fire_unit": True,
        "beds": 100,
        "residents": 80,
        "offers_ten_services": True,
    }
    return FacilityFacts(**(values | overrides))
