from brandwatch_cli.cli import main

main()
