"""Package discovery only (metadata lives in pyproject.toml).

The design keeps crawler/, parsers/ and pipelines/ at the top of the repository; they install
as nianbao.crawler, nianbao.parsers and nianbao.pipelines. Listing the sub-packages by hand in
pyproject.toml broke every time a folder was added, so they are found here.
"""

from setuptools import find_packages, setup

TOP = ("crawler", "parsers", "pipelines")
found = find_packages(include=[f"{top}*" for top in TOP])

setup(
    packages=[f"nianbao.{name}" for name in found],
    package_dir={f"nianbao.{top}": top for top in TOP},
)
