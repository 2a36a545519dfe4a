print("mino")
