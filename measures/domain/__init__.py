"""The domain: the catalogue of areas and measures, months, numbers, wording of figures, the council's facts
(`data/council.toml`: name, teams, comparators), the SPC settings and their wording. Pure Python; imports nothing
else of `measures`."""
