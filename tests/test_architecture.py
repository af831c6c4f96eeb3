"""The import contract's third rule: no import cycle inside mentormatch (the other rules are
import-linter contracts in pyproject.toml, checked by `lint-imports` in scripts/test).

The graph is grimp's (import-linter's own), with every import of the package, including
those inside functions: an import moved into a function still closes a cycle here.
"""

from __future__ import annotations

import grimp
import networkx as nx

PACKAGE = "mentormatch"


def import_graph() -> nx.DiGraph:
    graph = grimp.build_graph(PACKAGE, exclude_type_checking_imports=True, cache_dir=None)
    modules = nx.DiGraph()
    for module in graph.modules:
        modules.add_node(module)
        for imported in graph.find_modules_directly_imported_by(module):
            modules.add_edge(module, imported)
    return modules


def test_no_import_cycle_inside_the_package():
    graph = import_graph()
    cycles = []
    for group in nx.strongly_connected_components(graph):
        if len(group) > 1:
            cycle = nx.find_cycle(graph.subgraph(group))
            cycles.append(" -> ".join([*(importer for importer, _ in cycle), cycle[0][0]]))
    assert not cycles, "Import cycles (break each where the lower layer imports upward):\n" + (
        "\n".join(sorted(cycles))
    )
