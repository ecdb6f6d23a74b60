from edugov.cli import main

main()
