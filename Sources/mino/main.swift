import MinoCommands

MinoApplication.main()
