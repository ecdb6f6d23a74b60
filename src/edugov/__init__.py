"""edugov: district education governance platform (区域教育治理平台)."""

__version__ = "0.1.0"
