"""Imports of equipment data from files (CSV spreadsheets)."""
