"""Empirical checks against recorded roll calls: records, validation and calibration."""
