"""The generator's section of RESULTS.md: written on demand, replaced in place, kept by
`make bench` when it rewrites the rest."""

from __future__ import annotations

from benchmarks.generator_bench import BEGIN, END, kept, splice

SECTION = f"{BEGIN}\n## 4. Load generator capacity\n\n| a | b |\n{END}\n"


def test_the_section_is_appended_then_replaced_in_place() -> None:
    first = splice("# Benchmarks\n\n## 3. Import\n", SECTION)
    assert first.startswith("# Benchmarks") and first.count(BEGIN) == 1
    again = splice(first + "\n## Profiles\n", SECTION.replace("| a | b |", "| c | d |"))
    assert again.count(BEGIN) == 1 and "| c | d |" in again and "| a | b |" not in again
    assert again.index(BEGIN) < again.index("## Profiles")  # replaced where it was


def test_make_bench_carries_the_section_over() -> None:
    assert kept("# Benchmarks\n" + SECTION + "## Profiles\n") == SECTION
    assert kept("# Benchmarks without it\n") == ""
