localhost/mino-composed-170ad0ca90a9
