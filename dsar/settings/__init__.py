"""Settings are split by environment: ``base`` (shared, reads the environment), ``local``
(the embedded defaults for a developer's machine), ``test`` and ``production``."""
