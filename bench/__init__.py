"""edugov benchmarks (`make bench`): measured figures and ratios against named peers."""
