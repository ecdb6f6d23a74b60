"""Demo data generators, one module per domain. Each module registers itself with
`edugov.demo.base.register_generator` when imported (from the owning app's ready())."""
