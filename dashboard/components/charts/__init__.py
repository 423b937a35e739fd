"""Charts: the plotly template every chart is drawn with, the SPC chart, sparklines and the text inside them.

Importing the package registers the template (`template.TEMPLATE`) once.
"""

from dashboard.components.charts import template as template
