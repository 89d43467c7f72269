"""Rendering of cohort screening results: funnels and overlaps (Rich, HTML with an SVG chart, PNG)."""
