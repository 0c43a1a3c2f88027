"""The GitHub workflow that publishes the book and the Colab edition cannot run here, so it
stays small and calls only what `make test` runs: `make book` and `make colab`."""

import re

import yaml

from tests.helpers_for_tests import ROOT
from tools import notebooks as nbtools

WORKFLOW = ROOT / ".github" / "workflows" / "book.yml"


def test_workflow_builds_with_make_and_publishes_pages_and_the_edition_branch():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads the key `on` as True
    assert on["push"]["branches"] == [nbtools.repository()[1]]
    steps = workflow["jobs"]["build"]["steps"]
    runs = [step["run"] for step in steps if "run" in step]
    assert runs[:2] == ["make book", "make colab"]
    assert all(re.fullmatch(r"make [a-z]+", r) or "git push" in r for r in runs), "only make targets and the push"
    assert "edition_branch()" in runs[2] and "_build/colab" in runs[2]
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "_build/html"
    deploy = workflow["jobs"]["deploy"]["steps"][0]
    assert deploy["uses"].startswith("actions/deploy-pages")


def test_makefile_targets_the_workflow_calls_exist():
    makefile = (ROOT / "Makefile").read_text()
    for target in ("book", "colab", "test", "test-book", "test-compat"):
        assert re.search(rf"^{target}:", makefile, re.M), target
