"""The domain: the catalogue of areas and measures, months, numbers, wording of figures, teams and the council's
facts. Pure Python; imports nothing else of `measures`."""
