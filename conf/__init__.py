"""Hydra configuration groups, installed as ``sanyi.conf`` so a wheel runs from any folder."""
