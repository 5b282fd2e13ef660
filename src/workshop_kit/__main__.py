from workshop_kit.cli import main

main()
