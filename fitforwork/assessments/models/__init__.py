"""The assessment's records. Each module holds one part; this package lists them for Django."""
