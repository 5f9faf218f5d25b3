from . import profiles  # noqa: F401  (registers and loads the hypothesis profile)
