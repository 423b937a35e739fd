"""Charts: the SPC chart, sparklines and the text that goes inside them."""
