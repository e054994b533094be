"""``sanyi-dashboard``: the teaching page (Mesa's SolaraViz) with lessons and a compare mode.

``controls`` and ``lessons`` say what a teacher can choose, ``classroom`` runs it (one Mesa
model per browser session holding the reform run and, in compare mode, its baseline),
``charts`` and ``network_view`` draw it, ``app`` lays out the page and ``cli`` serves it.
"""
