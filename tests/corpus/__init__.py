"""The malformed- and hostile-input corpus (issue 6): ``build`` makes the cases, ``harness`` runs and judges them.

Used by tests/test_corpus.py and bench/cases_robustness.py (which put ``tests/`` on ``sys.path``).
"""
