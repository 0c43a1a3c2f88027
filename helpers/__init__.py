"""The course's shared code: chapters, exercises and solutions import from here.

Importing `helpers` imports neither TensorFlow nor matplotlib; each submodule imports
what it needs, so `helpers.notebook.setup()` can quiet TensorFlow before its first import.

- `helpers.notebook`: `setup()` and `glue()` for every notebook.
- `helpers.data`: synthetic series and windowing.
- `helpers.plots`: the figures the chapters share.
- `helpers.grading`: `check()` for in-notebook feedback; `python -m helpers.grade` grades files.
"""

__version__ = "0.1.0"
