"""Hydra plugin registration of sanyi's sweeper (see ``sanyi.experiments.sweeper``)."""
