"""The book's own Sphinx additions, loaded by jupyter-book as a local extension (_config.yml).

- The "Open in Colab" badge of every notebook is served from the build
  (`_static/colab-badge.svg`), not from colab.research.google.com, so a page opened with
  no network is complete. (MathJax is served from the build by `sphinx-mathjax-offline`.)
- The launch button (the rocket) opens the notebook in the Colab edition, the branch
  `colab_edition.branch` of _config.yml, like the badges.
- No error in a reader's browser console: each script is included once (sphinx-thebe
  registers its configuration twice, which throws "THEBE_JS_URL has already been
  declared"), and the theme's colour mode has a valid default ("auto", not "").
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
    config.html_context.setdefault("default_mode", "auto")


def _scripts_once(app, pagename, templatename, context, doctree) -> None:
    seen, unique = set(), []
    for script in context.get("script_files", []):
        filename = getattr(script, "filename", script) or ""  # None and "" both mean an inline script
        key = (str(filename), tuple(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app):
    app.add_transform(LocalColabBadge)
    app.connect("config-inited", _launch_colab_edition)
    app.connect("html-page-context", _scripts_once, priority=900)  # after the others add theirs
    return {"parallel_read_safe": True, "parallel_write_safe": True}
