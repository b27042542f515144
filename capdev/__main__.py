from capdev.cli import main

main()
