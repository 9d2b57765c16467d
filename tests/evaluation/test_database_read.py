"""Reading the episodes table from the database: postcode districts worked out column-wise."""

import pandas as pd

from fitforwork.evaluation.database import _postcode_districts


def test_postcode_districts_are_the_outward_code():
    postcodes = pd.Series(["LE1 6TP", " le16tp ", "SW1A1AA", "M1 1AE", "B1", "", None])
    assert list(_postcode_districts(postcodes)) == ["LE1", "LE1", "SW1A", "M1", "B1", "", ""]
