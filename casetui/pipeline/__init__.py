"""The conversion's steps as plain functions over polars frames. No Textual here."""
