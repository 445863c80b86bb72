"""The official SDKs and the flows written against them (the ``clients`` suite's material).

``sdks.py`` is the table of SDKs this package has flows for, their cached environments and how a
flow script is run; ``_in_env/`` holds the scripts, run by each SDK environment's interpreter.
"""

from conformance.clients.sdks import SDKS, Flow, FlowOutcome, Sdk, SdkRun, run_flows, sdk_for

__all__ = ["SDKS", "Flow", "FlowOutcome", "Sdk", "SdkRun", "run_flows", "sdk_for"]
