"""The database: engine and schema, migrations, writing figures with their revisions, reads, staged uploads,
catalogue records, admin edits, the audit trail, backups, secrets and the data version. All SQL lives here."""
