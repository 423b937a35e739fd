"""Who Herefordshire is compared with: the national and regional figures and its statistical neighbours (DfE)."""

ENGLAND = "England"
WEST_MIDLANDS = "West Midlands"
NEIGHBOURS_AVERAGE = "Statistical neighbours"
STATISTICAL_NEIGHBOURS = (
    "Shropshire",
    "Devon",
    "Cornwall",
    "Somerset",
    "Dorset",
    "Wiltshire",
    "Suffolk",
    "Norfolk",
    "Gloucestershire",
    "Cumbria",
)
