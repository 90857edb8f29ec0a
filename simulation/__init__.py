"""Agent-based simulation of defense cooperation agreements, built on Mesa.

The notebook-facing API::

    from simulation import load_scenario, DefenseCooperationModel, run_scenario
    scenario = load_scenario("scenarios/baseline.yaml")
    result = run_scenario(scenario)            # or build and step the model yourself
    tables = result.tables()                   # the same tables the CLI writes
"""

from simulation.model import DefenseCooperationModel
from simulation.parameters import Parameters
from simulation.scenario import Scenario, load_scenario, scenario_from_dict
from simulation.scenario_files import ScenarioError
from simulation.single_run import RunResult, run_scenario
from simulation.tables import all_tables

__all__ = [
    "DefenseCooperationModel",
    "Parameters",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "all_tables",
    "load_scenario",
    "run_scenario",
    "scenario_from_dict",
]
