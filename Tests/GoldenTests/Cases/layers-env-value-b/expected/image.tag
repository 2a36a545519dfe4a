localhost/mino-composed-534e8e168926
