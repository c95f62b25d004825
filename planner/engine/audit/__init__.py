"""Audit what a tenant already has: export scripts, a strict import, and a comparison with a plan.

Pure Python, like the rest of the engine. The flow: the admin runs `exchange_online_export_script()`
(and, with Exchange Server, `exchange_server_export_script()`), uploads the JSON files;
`parse_exports()` turns them into a `CurrentConfig`; `compare()` sets it against a plan's
`Recommendation.to_dict()`; `audit_script()` writes the changes.
"""

from .compare import Comparison, PlannedConnector, UnplannedConnector, compare
from .export import exchange_online_export_script, exchange_server_export_script, export_file_name
from .findings import RULES as FINDING_RULES
from .findings import Finding
from .model import CurrentConfig, ExistingConnector, Record, Source
from .parse import MAX_FILE_BYTES, ExportError, Problem, from_dict, parse_exports
from .script import Change, audit_script, changes

__all__ = [
    "FINDING_RULES",
    "MAX_FILE_BYTES",
    "Change",
    "Comparison",
    "CurrentConfig",
    "ExistingConnector",
    "ExportError",
    "Finding",
    "PlannedConnector",
    "Problem",
    "Record",
    "Source",
    "UnplannedConnector",
    "audit_script",
    "changes",
    "compare",
    "exchange_online_export_script",
    "exchange_server_export_script",
    "export_file_name",
    "from_dict",
    "parse_exports",
]
