"""Shared plumbing under experiments, empirical and output: files, manifests, seeds, measures."""
