"""Executes suites against a target and assembles results."""
