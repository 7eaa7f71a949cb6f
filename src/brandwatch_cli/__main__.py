from brandwatch_cli.cli.app import main

if __name__ == "__main__":  # parsing workers import this module again: they must not run it
    main()
