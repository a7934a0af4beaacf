"""Checks of parsed disclosures: the arithmetic the nine tables must satisfy (GUIDE.md)."""
