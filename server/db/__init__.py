"""The database: opening it, its schema, the files on disk, backups, personal data kept only so long."""
