"""Enum labels: one home per enum, every member labelled, and a second home refused."""

from enum import Enum

import pytest

from inspection import models  # noqa: F401  (importing the models registers their labels)
from inspection.i18n import LABELS, labelled


def test_every_member_of_a_labelled_enum_has_a_label():
    for name, labels in LABELS.items():
        enums = {type(key) for key in labels if isinstance(key, Enum)}
        for enum in enums:
            missing = [member for member in enum if member not in labels]
            assert not missing, f"labels {name!r} leave out {missing}"


def test_the_labels_of_one_enum_cannot_be_registered_twice():
    with pytest.raises(ValueError, match="hazard_status"):
        labelled("hazard_status", {})


def test_a_label_is_found_by_the_plain_value_a_database_column_holds():
    assert LABELS["hazard_status"]["open"] == "待整改"
    assert LABELS["credit_status"]["active"] == "已列入" and LABELS["facility_status"]["active"] == "运营中"
