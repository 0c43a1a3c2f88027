"""The book's own Sphinx additions, loaded by jupyter-book as a local extension (_config.yml).

- The "Open in Colab" badge of every notebook is served from the build
  (`_static/colab-badge.svg`), not from colab.research.google.com, so a page opened with
  no network is complete. (MathJax is served from the build by `sphinx-mathjax-offline`.)
- The launch button (the rocket) opens the notebook in the Colab edition, the branch
  `colab_edition.branch` of _config.yml, like the badges.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from docutils import nodes
from sphinx.transforms import SphinxTransform

BADGE_REMOTE = "https://colab.research.google.com/assets/colab-badge.svg"
BADGE_LOCAL = "/_static/colab-badge.svg"  # "/" = relative to the book's root folder


class LocalColabBadge(SphinxTransform):
    """Point every image of the remote Colab badge at the copy shipped with the book."""

    default_priority = 200  # before Sphinx collects the images it copies into _images/

    def apply(self, **kwargs) -> None:
        for image in self.document.findall(nodes.image):
            if image.get("uri") == BADGE_REMOTE:
                image["uri"] = BADGE_LOCAL


def _launch_colab_edition(app, config) -> None:
    book = yaml.safe_load((Path(app.srcdir) / "_config.yml").read_text())
    config.html_theme_options["repository_branch"] = book["colab_edition"]["branch"]


def setup(app):
    app.add_transform(LocalColabBadge)
    app.connect("config-inited", _launch_colab_edition)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
