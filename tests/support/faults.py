"""The fault plans of the nightly tests and of ``benchmarks/bench_nightly.py``: which page of
the simulated portal breaks, and how. One definition, so the figures the benchmark prints for
the README are those of the nights the tests check.

A plan is a list of ``(authority, fault)``: the fault is injected on the report page of that
authority (``None``: on the fault's own path). Plans are built fresh on each call, because the
portal counts a fault's ``times`` down as it injects it.
"""

from __future__ import annotations

from support.portal import COLUMN, Fault, SimulatedPortal

Plan = list[tuple[str | None, Fault]]


def first_night() -> Plan:
    """Night one, every report new: every kind of fault once. 渔洋镇 fails twice, then answers."""
    return [
        ("渔洋镇", Fault("status", "", times=2, status=503)),
        ("邙岭镇人民政府", Fault("status", "", status=500)),
        ("凉州区四坝镇人民政府", Fault("timeout", "", delay=4)),
        ("劳动镇", Fault("reset", "")),
        ("佳县螅镇人民政府", Fault("truncate", "")),
        ("重庆市九龙坡区二郎街道办事处", Fault("status", "", status=412)),
        ("耒阳市马水镇人民政府", Fault("status", "", status=403)),
        ("迁安市大五里镇人民政府", Fault("redirect_loop", "")),
        ("抚松县东岗镇人民政府", Fault("gigantic", "")),
        ("威海市文登区信访局", Fault("challenge", "")),
        ("泸定县人民政府", Fault("gbk", "")),
    ]


def broken_stored() -> Plan:
    """A night on which pages already stored (and republished) are served broken in every way,
    and the second list page lists nothing."""
    return [
        ("渔洋镇", Fault("cut", "")),
        ("泸定县人民政府", Fault("cut", "")),
        ("上海市人民政府办公厅", Fault("cut", "")),
        ("沭阳县人民政府", Fault("gbk", "")),
        ("淮安市洪泽区人民政府", Fault("truncate", "")),
        ("邙岭镇人民政府", Fault("status", "", status=502)),
        ("沭阳县发展和改革局", Fault("challenge", "")),
        ("劳动镇", Fault("reset", "")),
        ("威海市文登区信访局", Fault("timeout", "", delay=4)),
        ("迁安市大五里镇人民政府", Fault("redirect_loop", "")),
        ("抚松县东岗镇人民政府", Fault("gigantic", "")),
        ("耒阳市马水镇人民政府", Fault("status", "", status=412)),
        (None, Fault("empty_list", f"{COLUMN}index_1.html")),
    ]


def inject(portal: SimulatedPortal, plan: Plan) -> None:
    """Arm ``portal`` with ``plan``: each fault on its authority's report page."""
    for authority, fault in plan:
        if authority is not None:
            index = next(i for i, r in enumerate(portal.reports) if r.authority == authority)
            fault.path = portal.report_path(index)
        portal.faults.append(fault)
