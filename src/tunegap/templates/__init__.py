"""The problem-template engine: tunegap's template language (lang.py) and its safe formula
evaluator (expr.py), the word pools, Apple's GSM-Symbolic template reader (gsm_symbolic.py), and
tunegap's own GSM-style templates (gsm_templates.py over library/*.tpl, package data).

Below data/ (the synthetic and GSM-Symbolic benchmarks draw from it) and perturb/ (perturbation
kinds re-instantiate an item's template): it imports nothing of tunegap but errors.
"""
