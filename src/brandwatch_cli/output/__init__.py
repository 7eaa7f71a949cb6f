"""Values in, text or bytes out: one module per medium, each escaping web text its own way.

``terminal`` (Rich, for people), ``plain`` (pipes and cron mail), ``markdown``, ``json`` (the
report for scripts), ``html`` (the digest for mail), ``export`` (CSV, JSONL), ``chart`` and
``chart_png`` (the trend for slides); ``wording`` holds the words they share and ``files``
writes an output file whole. Nothing here reads the store, fetches or exits; what writes is
handed the console or file to write to.
"""
