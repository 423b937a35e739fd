"""Sending email: the mail server's settings (`settings.py`) and sending a message with retries, every attempt
recorded in the briefing's send log (`sending.py`)."""
