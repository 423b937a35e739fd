"""People: users, roles, passwords, sign-in delays and the single-use tokens of the meeting-pack printer."""
