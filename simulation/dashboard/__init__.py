"""The live dashboard: Mesa's SolaraViz with this domain's own panels (see app.py)."""
