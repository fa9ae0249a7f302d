"""Benchmarks of each area against its peer tool; each module exposes run(source_path) -> list[str]."""
