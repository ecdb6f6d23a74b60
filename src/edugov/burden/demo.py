"""Demo data of the burden app (filled in below)."""


def register_demo() -> None:
    pass
