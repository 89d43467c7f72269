"""Trial analysis rendering: Kaplan–Meier plots, the CONSORT diagram (PNG/SVG, matplotlib Agg) and the
Rich tables of `oligoboard qol` and `oligoboard survival`.

Public API: `km_plot.render_km_plot`, `consort_diagram.render_consort`, `tables.qol_table`,
`tables.survival_tables`. Figures are built on `matplotlib.figure.Figure` without pyplot (no global state,
safe in a web worker thread); SVG output is deterministic (fixed hash salt, no date).
"""
