"""Page chrome that portals wrap around every article, and how to drop it from text.

Public crawlers of these portals cut the body at the first end-of-article marker (扫一扫在手机上
查看当前页面, 网站标识码, 版权所有, 主办：); the same rule is used here, plus a list of lines that
are chrome wherever they stand (我要纠错, 关闭窗口, 打印本页, CMS footers).
"""

from __future__ import annotations

import re

END_MARKERS = (
    "扫一扫在手机上查看当前页面",
    "扫一扫在手机打开当前页",
    "扫一扫在手机上打开当前页",
    "网站标识码",
    "版权所有",
    "主办单位：",
    "主办：",
    "Produced By 大汉网络",
)
_END_MARKER = re.compile("|".join(map(re.escape, END_MARKERS)))
_CHROME_LINE = re.compile(
    r"^(?:我要纠错|关闭窗口|打印本页|【?\s*打印\s*】?|【?\s*关闭\s*】?|分享到.*|字号[:：]?.*|"
    r"【字体[:：].*】|字体[:：]\s*大\s*中\s*小|\[?\s*大\s*中\s*小\s*\]?|上一篇[:：].*|下一篇[:：].*|"
    r"相关链接|当前位置[:：].*|>.*|登录|注册|点击数[:：]?\s*\d*|访问次数[:：]?\s*\d*|"
    r"我要纠错\s*关闭窗口|收藏|Produced By 大汉网络 大汉版通发布系统)$"
)


#: The first character of every line _CHROME_LINE matches (lines are stripped first): the
#: regex runs only on lines that open with one of them.
_CHROME_FIRST = frozenset("我关打【分字[大上下相当>登注点访收P")


def _is_chrome_line(line: str) -> bool:
    return bool(line) and line[0] in _CHROME_FIRST and _CHROME_LINE.match(line) is not None


def strip_chrome(text: str) -> str:
    """The article text without portal chrome: cut at the end marker, drop chrome lines."""
    end = _END_MARKER.search(text)
    if end is None:
        lines = text.splitlines()
    else:  # cut before the line holding the first marker
        lines = text[: end.start()].splitlines(keepends=True)
        if lines and lines[-1].splitlines() == [lines[-1]]:
            lines.pop()  # the start of the marker's own line
        lines = [line.splitlines()[0] if line.splitlines() else "" for line in lines]
    kept = [line for line in lines if not _is_chrome_line(line.strip())]
    return "\n".join(kept).strip("\n")
