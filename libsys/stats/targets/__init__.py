"""Entering plans and their targets: services -> forms -> views (models in stats.plans)."""
