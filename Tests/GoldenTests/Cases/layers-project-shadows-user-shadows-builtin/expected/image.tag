localhost/mino-composed-04a5ffd4ccf9
