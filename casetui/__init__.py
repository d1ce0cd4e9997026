"""casetui: casework to campaign imports, with the care the data deserves."""

__version__ = "0.1.0"
