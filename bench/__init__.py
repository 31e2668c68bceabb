"""Benchmarks: `python -m bench` measures the speed targets of the issues and writes bench/RESULTS.md."""
