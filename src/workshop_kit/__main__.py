from workshop_kit.cli import main

if __name__ == "__main__":  # (not when a worker process imports it as its parent's main module)
    main()
