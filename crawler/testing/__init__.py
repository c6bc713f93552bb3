"""Test support that ships with the package: the fault-injecting simulated portal and its spider.

Tests and ``benchmarks/bench_nightly.py`` both use them; they are never part of ``--all``.
"""
