"""The one label splitter (parsers/labels.py) on the label shapes real PDF text prints."""

from __future__ import annotations

from nianbao.parsers.labels import MAX_LABEL_CHARS, label_parts, split_labels
from nianbao.parsers.normalize import normalize_label

KNOWN = {normalize_label(label) for label in ("三、本年度办理结果", "（一）予以公开", "商业企业")}


def _known(raw: str) -> str | None:
    label = normalize_label(raw)
    return label if label in KNOWN else None


def test_labels_joined_by_spaces_and_a_label_split_by_one() -> None:
    parts = label_parts("三、本年度办理结果 （一）予以公开 商业 企业")
    assert [raw for raw, _ in split_labels(parts, _known)] == [
        "三、本年度办理结果",
        "（一）予以公开",
        "商业 企业",
    ]


def test_glued_labels_part_before_the_enumerator() -> None:
    assert label_parts("三、本年度办理结果（一）予以公开") == [
        "三、本年度办理结果",
        "（一）予以公开",
    ]


def test_unknown_parts_are_skipped_unless_the_cell_must_be_wholly_labels() -> None:
    parts = label_parts("（一）予以公开 第1页 商业企业")
    assert [raw for raw, _ in split_labels(parts, _known)] == ["（一）予以公开", "商业企业"]
    assert split_labels(parts, _known, complete=True) is None


def test_glued_character_by_character() -> None:
    text = normalize_label("（一）予以公开商业企业")
    found = split_labels(text, _known, joiner="", complete=True)
    assert [raw for raw, _ in found or ()] == [normalize_label("（一）予以公开"), "商业企业"]


def test_a_run_never_exceeds_the_label_bound() -> None:
    seen: list[str] = []
    split_labels(["字" * 30] * 10, lambda raw: seen.append(raw))
    assert max(len(raw.replace(" ", "")) for raw in seen) <= MAX_LABEL_CHARS
