"""Reading and comparing run and sweep outputs: loading, statistics, figures, reports.

from analysis import load_results, summarise, paired_difference, figures
"""

from analysis import figures
from analysis.compare import PairedDifference, paired_difference, summarise
from analysis.network import network_at
from analysis.results import Results, ResultsError, load_results, run_statistics

__all__ = [
    "PairedDifference",
    "Results",
    "ResultsError",
    "figures",
    "load_results",
    "network_at",
    "paired_difference",
    "run_statistics",
    "summarise",
]
