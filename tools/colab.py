"""The Colab edition: every chapter and exercise as a notebook that Colab and plain Jupyter render.

    python -m tools.colab [--out _build/colab] [--ref COMMIT]    # `make colab`, after `make book`

Colab and Jupyter render CommonMark with `$` math and nothing of MyST, so the edition
resolves the MyST that the book allows (CONTRIBUTING.md) into plain Markdown:

- {glue:text}`name:.3f` becomes the value glued under `name` in the notebook the book build
  executed (`_build/jupyter_execute/`), formatted as the book formats it;
- {cite:p}`key` (and {cite}`key`) becomes "(Author, year)" and {cite:t}`key` "Author (year)",
  from references.bib, each linked to the book's references page;
- a `:::{admonition} Title` block (with its `:class:`) becomes a block quote with the title
  in bold;
- a relative link to a chapter or exercise notebook becomes a link to its Colab edition; a
  link to another page of the book, to that page of the published book (html.baseurl).

The setup cell installs `helpers` from the commit the edition is built from (`--ref`,
by default the checked-out commit), so a learner's saved copy keeps working when `helpers`
changes on main. Cell ids and the notebook and cell metadata (what the grader reads) are
kept. Anything MyST left in a markdown cell is an error (`myst_leftovers`).

sphinx-tojupyter (QuantEcon's builder) was not used: it rebuilds each notebook from the
Sphinx doctree with new cells, so cell ids and the `rnn_book` metadata the grader reads
are lost, and it does not resolve myst-nb's glue.
"""

from __future__ import annotations

import argparse
import json
import posixpath
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import nbformat

from tools import notebooks as nbtools

ROOT = nbtools.ROOT
FOLDERS = ("chapters", "exercises")  # what the book shows, and so what the badges open
EXECUTED = ROOT / "_build" / "jupyter_execute"
OUT = ROOT / "_build" / "colab"
GLUE_PREFIX = "application/papermill.record/"

ROLE = re.compile(r"\{(?P<role>[\w:.-]+)\}`(?P<content>[^`]*)`")
FENCE_OPEN = re.compile(r"^(?P<fence>:{3,})\{admonition\}\s*(?P<title>.*?)\s*$")
OPTION = re.compile(r"^:(?P<name>[\w-]+):\s*(?P<value>.*)$")
LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)\)")

# What must not survive in the edition: MyST roles and directives, fences, targets, comments.
LEFTOVERS = {
    "role": re.compile(r"\{[\w:.-]+\}`"),
    "directive": re.compile(r"^\s*(`{3,}|~{3,}|:{3,})\s*\{", re.M),
    "colon fence": re.compile(r"^\s*:{3,}\s*$", re.M),
    "directive option": re.compile(r"^\s*:(class|name|label|alt|width|align|tags):", re.M),
    "target": re.compile(r"^\s*\([\w.-]+\)=\s*$", re.M),
    "MyST comment": re.compile(r"^%", re.M),
    "block break": re.compile(r"^\+\+\+", re.M),
    "relative link": re.compile(r"(?<!!)\]\((?![a-z][\w+.-]*:|#)[^)]*\)"),
    "relative image": re.compile(r"!\[[^\]]*\]\((?![a-z][\w+.-]*:)[^)]*\)"),
}


def book_url() -> str:
    """Where the book is published: html.baseurl of _config.yml, with a final slash."""
    return nbtools.config()["html"]["baseurl"].rstrip("/") + "/"


def myst_leftovers(markdown: str) -> list[str]:
    """Every piece of MyST-only syntax in `markdown`, as 'kind: text' (empty when clean)."""
    return [
        f"{kind}: {match.group(0).strip()[:60]!r}"
        for kind, pattern in LEFTOVERS.items()
        for match in pattern.finditer(markdown)
    ]


# --- glue -----------------------------------------------------------------------------


def glued_values(executed: Path) -> dict[str, str]:
    """name -> text/plain of every value glued in a notebook the book build executed.

    myst-nb moves the glue outputs out of the executed notebook into `NAME.glue.json`
    beside it; outputs still in the notebook (an older myst-nb) are read too.
    """
    values = {}
    outputs = [o for cell in json.loads(executed.read_text())["cells"] for o in cell.get("outputs", [])]
    sidecar = executed.with_suffix(".glue.json")
    if sidecar.exists():
        outputs += json.loads(sidecar.read_text()).values()
    for output in outputs:
        scrapbook = output.get("metadata", {}).get("scrapbook")
        if scrapbook:
            data = output["data"]
            text = data.get("text/plain", data.get(scrapbook.get("mime_prefix", "") + "text/plain"))
            values[scrapbook["name"]] = "".join(text) if isinstance(text, list) else text
    return values


def resolve_glue(markdown: str, values: dict[str, str], where: str) -> str:
    from myst_nb.core.variables import format_plain_text

    def paste(match):
        if match.group("role") != "glue:text":
            return match.group(0)
        name, _, spec = match.group("content").partition(":")
        if name not in values:
            raise ValueError(f"{where}: no value glued as {name!r} in the book build (run `make book`)")
        return format_plain_text(values[name], spec)

    return ROLE.sub(paste, markdown)


# --- citations ------------------------------------------------------------------------


@cache
def bibliography() -> dict[str, tuple[str, str]]:
    """key -> (authors as the book prints them, year), from references.bib."""
    from pybtex.database import parse_file
    from pybtex.richtext import Text

    def plain(latex: str) -> str:
        return Text.from_latex(latex).render_as("text")

    entries = {}
    for key, entry in parse_file(str(ROOT / "references.bib")).entries.items():
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        last = [plain(" ".join(p.prelast_names + p.last_names)) for p in people]
        if len(last) >= 3:
            names = f"{last[0]} et al."
        else:
            names = " and ".join(last) or plain(entry.fields.get("title", key))
        entries[key] = (names, entry.fields.get("year", "n.d."))
    return entries


def resolve_citations(markdown: str, where: str) -> str:
    references = book_url() + "references.html"
    known = bibliography()

    def cite(match):
        role = match.group("role")
        if role not in {"cite", "cite:p", "cite:t"}:
            return match.group(0)
        keys = [k.strip() for k in match.group("content").split(",") if k.strip()]
        missing = [k for k in keys if k not in known]
        if missing:
            raise ValueError(f"{where}: {missing} not in references.bib")
        if role == "cite:t":
            return ", ".join(f"[{known[k][0]} ({known[k][1]})]({references})" for k in keys)
        return "(" + "; ".join(f"[{known[k][0]}, {known[k][1]}]({references})" for k in keys) + ")"

    return ROLE.sub(cite, markdown)


# --- admonitions ----------------------------------------------------------------------


def resolve_admonitions(markdown: str, where: str) -> str:
    """Each `:::{admonition} Title` ... `:::` block as a block quote with a bold title."""
    lines, out, index = markdown.split("\n"), [], 0
    while index < len(lines):
        opening = FENCE_OPEN.match(lines[index])
        if not opening:
            out.append(lines[index])
            index += 1
            continue
        fence, title = opening.group("fence"), opening.group("title")
        index += 1
        while index < len(lines) and OPTION.match(lines[index]):
            index += 1  # :class: note and the like: a block quote has no classes
        body = []
        while index < len(lines) and lines[index].strip() != fence:
            body.append(lines[index])
            index += 1
        if index == len(lines):
            raise ValueError(f"{where}: an admonition {title!r} is not closed by {fence}")
        index += 1
        body = resolve_admonitions("\n".join(body), where).strip("\n").split("\n")
        quoted = [f"> **{title}**" if title else "> **Note**", ">"]
        quoted += [f"> {line}" if line.strip() else ">" for line in body]
        out += quoted
    return "\n".join(out)


# --- links ----------------------------------------------------------------------------


def resolve_links(markdown: str, relpath: str) -> str:
    """Relative links as absolute ones: notebooks of the edition to Colab, pages to the book."""
    url, _ = nbtools.repository()

    def absolute(match):
        text, target = match.group("text"), match.group("target")
        if re.match(r"[a-z][\w+.-]*:", target) or target.startswith("#"):
            return match.group(0)
        path, _, anchor = target.partition("#")
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(relpath), path))
        if resolved.startswith("../") or not (ROOT / resolved).exists():
            raise ValueError(f"{relpath}: the link {target!r} points at {resolved}, which does not exist")
        folder = resolved.split("/")[0]
        if resolved.endswith(".ipynb") and folder in FOLDERS:
            new = nbtools.colab_url(resolved)
        elif resolved.endswith((".ipynb", ".md")) and folder not in {"solutions", "tests", "tools"}:
            new = book_url() + resolved.rsplit(".", 1)[0] + ".html" + (f"#{anchor}" if anchor else "")
        else:
            new = f"{url}/blob/{nbtools.repository()[1]}/{resolved}"
        return f"[{text}]({new})"

    return LINK.sub(absolute, markdown)


# --- the edition ----------------------------------------------------------------------


def edition_notice(relpath: str) -> str:
    page = book_url() + relpath.removesuffix(".ipynb") + ".html"
    return (
        f"> This is the Colab edition of [this page of the book]({page}). The numbers in its "
        "text come from the book's build; when you run the notebook yourself, yours may "
        "differ in the last digits."
    )


def convert(nb, relpath: str, values: dict[str, str], ref: str):
    """The Colab edition of the normalized notebook `nb` stored at `relpath`."""
    out = nbformat.from_dict(json.loads(json.dumps(nb)))  # a deep copy
    extras = out.metadata.get("rnn_book", {}).get("extras", [])
    for index, cell in enumerate(out.cells):
        where = f"{relpath} (cell {cell.get('id', index)})"
        if cell.cell_type == "markdown":
            text = resolve_glue(cell.source, values, where)
            text = resolve_citations(text, where)
            text = resolve_admonitions(text, where)
            text = resolve_links(text, relpath)
            if index == 0:
                text = text + "\n\n" + edition_notice(relpath)
            left = myst_leftovers(text)
            if left:
                raise ValueError(f"{where}: MyST the Colab edition cannot convert: {left}")
            cell.source = text
        elif cell.cell_type == "code" and cell.source.startswith(nbtools.SETUP_FIRST_LINE):
            cell.source = nbtools.setup_source(extras, ref=ref)
    out.metadata.setdefault("rnn_book", {})["edition"] = {"commit": ref}
    out.metadata["colab"] = {"provenance": []}  # Colab opens it as a notebook of its own
    return out


def current_commit() -> str:
    result = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit("not a git checkout: give the commit the edition is built from with --ref")
    return result.stdout.strip()


def build(out: Path = OUT, ref: str | None = None, executed: Path = EXECUTED) -> list[Path]:
    """Write the edition of every chapter and exercise into `out`; return the files written."""
    ref = ref or current_commit()
    written = []
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).glob("*.ipynb")):
            relpath = f"{folder}/{path.name}"
            run = executed / relpath
            if not run.exists():
                raise SystemExit(f"{run.relative_to(ROOT)} is missing: run `make book` first")
            nb = nbformat.read(path, as_version=4)
            edition = convert(nb, relpath, glued_values(run), ref)
            target = out / relpath
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(nbformat.writes(edition) + "\n")
            written.append(target)
    url, branch = nbtools.repository()
    (out / "README.md").write_text(
        f"# The Colab edition of the RNN course book\n\n"
        f"Generated by `make colab` from {url}/commit/{ref} (branch `{branch}`): every chapter "
        f"and exercise with its MyST resolved into plain Markdown, so that Colab and Jupyter "
        f"render it. Do not edit: change the source notebooks on `{branch}`.\n\n"
        f"The book: {book_url()}\n"
    )
    return written


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help="folder to write into (default _build/colab)")
    parser.add_argument("--ref", help="the commit whose helpers the setup cells install (default: HEAD)")
    args = parser.parse_args(argv)
    written = build(args.out, args.ref)
    print(f"wrote {len(written)} notebooks of the Colab edition into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
