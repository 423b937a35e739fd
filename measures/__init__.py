"""Measures that Matter: the domain and data layer (catalogue, store, returns, assessment, CLI).

This package never imports Dash; the dashboard calls into it.
"""
